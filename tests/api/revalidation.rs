//! Validators and codings of GET answers: a strong `ETag` and `Cache-Control: no-cache` on
//! every 200, `304 Not Modified` with no body when `If-None-Match` names the current tag, a
//! new tag once a write changes the answer (also on another replica), gzip for clients that
//! accept it on the cached result lists, statistics and rankings (kept until a write changes
//! the change counter); other methods and error answers are unchanged.

use std::io::Read;

use eosc_perf_tests::{
    TestApp,
    app::{RawResponse, send_raw},
    backend_test,
    sample::{Sample, seed},
};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// `GET path` with extra request headers.
async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> RawResponse {
    let mut req = app.request(Method::GET, path);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    send_raw(req).await
}

/// The `ETag` of a 200 answer to `GET path`, checked to be strong and revalidated.
async fn tag_of(app: &TestApp, path: &str) -> String {
    let resp = get(app, path, &[]).await;
    assert_eq!(resp.status, StatusCode::OK, "{path}: {}", resp.text);
    let tag =
        resp.header("etag").unwrap_or_else(|| panic!("{path}: no ETag in {:?}", resp.headers)).to_owned();
    assert!(tag.starts_with('"') && tag.ends_with('"') && tag.len() > 2, "{path}: {tag} is not strong");
    assert_eq!(resp.header("cache-control"), Some("no-cache"), "{path}");
    tag
}

/// Uploads a result of the sample's benchmark on its flavor.
async fn upload(app: &TestApp, s: &Sample, time: i64) -> String {
    let path = format!(
        "/results?execution_datetime=2023-03-03T03:03:03Z&benchmark_id={}&flavor_id={}",
        s.benchmark, s.flavor
    );
    let (status, body) =
        app.call(Method::POST, &path, Some(&s.user.token), Some(json!({"time": time}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

/// The GET paths of the sample that answer 200 without a token.
fn public_paths(s: &Sample) -> Vec<String> {
    vec![
        "/results".into(),
        "/results?per_page=2&page=1".into(),
        format!("/results:search?terms={}", "site"),
        format!("/results/{}", s.result),
        "/tags".into(),
        format!("/tags/{}", s.tag),
        format!("/sites/{}", s.site),
        "/results:stats?metric=json.time&group_by=flavor".into(),
        format!("/results:ranking?benchmark_id={}&metric=json.time&order=lower_is_better", s.benchmark),
        "/benchmarks".into(),
        "/api-spec.json".into(),
    ]
}

backend_test!(every_get_answer_carries_a_strong_etag_and_no_cache, |app| {
    let s = seed(&app, "").await;
    for path in public_paths(&s) {
        tag_of(&app, &path).await;
    }
    let me = send_raw(app.request(Method::GET, "/users/self").bearer_auth(&s.user.token)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(me.header("etag").is_some(), "{:?}", me.headers);
    assert_eq!(me.header("cache-control"), Some("no-cache"));
});

backend_test!(if_none_match_with_the_current_tag_answers_304_without_a_body, |app| {
    let s = seed(&app, "").await;
    for path in public_paths(&s) {
        let tag = tag_of(&app, &path).await;
        for held in [tag.clone(), format!("\"other\", {tag}"), format!("W/{tag}"), "*".to_owned()] {
            let resp = get(&app, &path, &[("If-None-Match", &held)]).await;
            assert_eq!(resp.status, StatusCode::NOT_MODIFIED, "{path} with {held}: {}", resp.text);
            assert_eq!(resp.text, "", "{path}");
            assert_eq!(resp.header("etag"), Some(tag.as_str()), "{path}");
            assert_eq!(resp.header("cache-control"), Some("no-cache"), "{path}");
        }
        let resp = get(&app, &path, &[("If-None-Match", "\"other\"")]).await;
        assert_eq!(resp.status, StatusCode::OK, "{path}");
        assert_eq!(resp.header("etag"), Some(tag.as_str()), "{path}");
        assert!(!resp.text.is_empty(), "{path}");
    }
});

backend_test!(a_write_that_changes_an_answer_changes_its_tag, |app| {
    let s = seed(&app, "").await;
    let before = get(&app, "/results", &[]).await;
    let tag = before.header("etag").unwrap().to_owned();
    assert_eq!(get(&app, "/results", &[("If-None-Match", &tag)]).await.status, StatusCode::NOT_MODIFIED);
    let new = upload(&app, &s, 99).await;
    let after = get(&app, "/results", &[("If-None-Match", &tag)]).await;
    assert_eq!(after.status, StatusCode::OK, "the held answer is stale");
    assert_ne!(after.header("etag"), Some(tag.as_str()));
    assert_eq!(after.json()["total"], before.json()["total"].as_u64().unwrap() + 1);
    assert!(after.text.contains(&new), "{}", after.text);
    let held = after.header("etag").unwrap().to_owned();
    assert_eq!(get(&app, "/results", &[("If-None-Match", &held)]).await.status, StatusCode::NOT_MODIFIED);

    let tag_path = format!("/tags/{}", s.tag);
    let tag = tag_of(&app, &tag_path).await;
    let (status, _) = app
        .call(
            Method::PUT,
            &tag_path,
            Some(&s.admin.token),
            Some(json!({"name": "gpu", "description": "renamed"})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let after = get(&app, &tag_path, &[("If-None-Match", &tag)]).await;
    assert_eq!(after.status, StatusCode::OK);
    assert_eq!(after.json()["description"], "renamed");
    assert_ne!(after.header("etag"), Some(tag.as_str()));
});

backend_test!(query_pairs_in_another_order_name_the_same_answer, |app| {
    seed(&app, "").await;
    let tag = tag_of(&app, "/results?per_page=1&page=1").await;
    let resp = get(&app, "/results?page=1&per_page=1", &[("If-None-Match", &tag)]).await;
    assert_eq!(resp.status, StatusCode::NOT_MODIFIED);
    assert_ne!(tag_of(&app, "/results?per_page=2&page=1").await, tag, "another page size is another answer");
});

backend_test!(a_gzip_answer_decompresses_to_the_identical_bytes, |app| {
    let s = seed(&app, "").await;
    for _ in 0..3 {
        upload(&app, &s, 7).await;
    }
    for path in ["/results?per_page=3", "/results:search?terms=site"] {
        let plain = get(&app, path, &[]).await;
        assert_eq!(plain.header("vary"), Some("Accept-Encoding"), "{path}");
        assert_eq!(plain.header("content-encoding"), None, "{path}");
        // Read without the support helpers: the body is not text.
        for attempt in 0..2 {
            let resp = app.request(Method::GET, path).header("Accept-Encoding", "gzip").send().await.unwrap();
            assert_eq!(resp.status(), StatusCode::OK);
            let header = |name: &str| resp.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
            assert_eq!(header("content-encoding").as_deref(), Some("gzip"), "{path} #{attempt}");
            assert_eq!(header("vary").as_deref(), Some("Accept-Encoding"));
            assert_eq!(header("content-type").as_deref(), Some("application/json"));
            assert_eq!(header("cache-control").as_deref(), Some("no-cache"));
            let tag = header("etag").unwrap();
            assert_ne!(Some(tag.as_str()), plain.header("etag"), "each coding has its own tag");
            let compressed = resp.bytes().await.unwrap();
            assert!(compressed.len() < plain.text.len(), "{} >= {}", compressed.len(), plain.text.len());
            let mut text = String::new();
            flate2::read::GzDecoder::new(compressed.as_ref()).read_to_string(&mut text).unwrap();
            assert_eq!(text, plain.text, "{path} #{attempt}");
            let held = get(&app, path, &[("Accept-Encoding", "gzip"), ("If-None-Match", &tag)]).await;
            assert_eq!(held.status, StatusCode::NOT_MODIFIED);
            assert_eq!(held.text, "");
        }
    }
    let refused = get(&app, "/results", &[("Accept-Encoding", "gzip;q=0")]).await;
    assert_eq!(refused.header("content-encoding"), None);
    assert_eq!(refused.status, StatusCode::OK);
});

backend_test!(head_keeps_the_tag_and_other_methods_get_none, |app| {
    let s = seed(&app, "").await;
    for path in ["/results".to_owned(), format!("/tags/{}", s.tag)] {
        let tag = tag_of(&app, &path).await;
        let head = send_raw(app.request(Method::HEAD, &path)).await;
        assert_eq!(head.status, StatusCode::OK, "HEAD {path}");
        assert_eq!(head.text, "");
        assert_eq!(head.header("etag"), Some(tag.as_str()), "HEAD {path}");
        let head = send_raw(app.request(Method::HEAD, &path).header("If-None-Match", &tag)).await;
        assert_eq!(head.status, StatusCode::NOT_MODIFIED, "HEAD {path}");
    }
    let tag = tag_of(&app, "/tags").await;
    let created = send_raw(
        app.request(Method::POST, "/tags")
            .bearer_auth(&s.user.token)
            .header("If-None-Match", &tag)
            .json(&json!({"name": "new"})),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let put = send_raw(
        app.request(Method::PUT, &format!("/tags/{id}"))
            .bearer_auth(&s.admin.token)
            .header("If-None-Match", "*")
            .json(&json!({"name": "newer"})),
    )
    .await;
    let delete =
        send_raw(app.request(Method::DELETE, &format!("/tags/{id}")).bearer_auth(&s.admin.token)).await;
    let options = send_raw(app.request(Method::OPTIONS, "/tags")).await;
    for (what, resp, status) in [
        ("POST", &created, StatusCode::CREATED),
        ("PUT", &put, StatusCode::NO_CONTENT),
        ("DELETE", &delete, StatusCode::NO_CONTENT),
        ("OPTIONS", &options, StatusCode::OK),
    ] {
        assert_eq!(resp.status, status, "{what}: {}", resp.text);
        assert_eq!(resp.header("etag"), None, "{what}");
        assert_eq!(resp.header("cache-control"), None, "{what}");
    }
});

backend_test!(error_answers_carry_no_tag, |app| {
    let s = seed(&app, "").await;
    let unknown = uuid::Uuid::new_v4();
    let cases = [
        (format!("/tags/{unknown}"), StatusCode::NOT_FOUND),
        (format!("/results/{unknown}"), StatusCode::NOT_FOUND),
        ("/results?page=99".to_owned(), StatusCode::NOT_FOUND),
        ("/results?x=1".to_owned(), StatusCode::UNPROCESSABLE_ENTITY),
        ("/results:search?per_page=0".to_owned(), StatusCode::UNPROCESSABLE_ENTITY),
        ("/users/self".to_owned(), StatusCode::UNAUTHORIZED),
        ("/nope".to_owned(), StatusCode::NOT_FOUND),
    ];
    for (path, status) in cases {
        for held in [None, Some("*")] {
            let headers: Vec<(&str, &str)> = held.map(|h| ("If-None-Match", h)).into_iter().collect();
            let resp = get(&app, &path, &headers).await;
            assert_eq!(resp.status, status, "{path} {held:?}: {}", resp.text);
            assert_eq!(resp.header("etag"), None, "{path}");
            assert_eq!(resp.header("cache-control"), None, "{path}");
        }
    }
    let users = send_raw(app.request(Method::GET, "/users").bearer_auth(&s.user.token)).await;
    assert_eq!(users.status, StatusCode::FORBIDDEN);
    assert_eq!(users.header("etag"), None);
});

backend_test!(a_tag_from_one_replica_is_current_on_another_until_a_write, |app| {
    let s = seed(&app, "").await;
    let replica = app.replica().await;
    let on_replica = |path: &str, held: &str| {
        app.client.get(format!("{replica}{path}")).header("If-None-Match", held.to_owned()).send()
    };
    let tag = tag_of(&app, "/results").await;
    assert_eq!(on_replica("/results", &tag).await.unwrap().status(), StatusCode::NOT_MODIFIED);
    upload(&app, &s, 5).await;
    let resp = on_replica("/results", &tag).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "the replica sees the write");
    let new_tag = resp.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(get(&app, "/results", &[("If-None-Match", &new_tag)]).await.status, StatusCode::NOT_MODIFIED);
});

/// A gzip answer to `GET path`: its `ETag` and its body decompressed.
async fn gzip_answer(app: &TestApp, path: &str) -> (String, String) {
    let resp = app.request(Method::GET, path).header("Accept-Encoding", "gzip").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    let header = |name: &str| resp.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(
        header("content-encoding").as_deref(),
        Some("gzip"),
        "{path}: only cached answers are gzipped"
    );
    let tag = header("etag").unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(resp.bytes().await.unwrap().as_ref()).read_to_string(&mut text).unwrap();
    (tag, text)
}

backend_test!(statistics_and_rankings_are_served_from_the_cache_until_a_write, |app| {
    let s = seed(&app, "").await;
    let b = &s.benchmark;
    let stats = "/results:stats?metric=json.time&group_by=flavor";
    let ranking = format!("/results:ranking?benchmark_id={b}&metric=json.time&order=lower_is_better");
    let reordered = [
        "/results:stats?group_by=flavor&metric=json.time".to_owned(),
        format!("/results:ranking?order=lower_is_better&metric=json.time&benchmark_id={b}"),
    ];
    let count = |path: &str, body: &serde_json::Value| {
        if path.starts_with("/results:stats") {
            &body["groups"][0]["count"]
        } else {
            &body["entries"][0]["n"]
        }
        .as_u64()
        .unwrap()
    };
    let mut held = Vec::new();
    for (path, reordered) in [stats, ranking.as_str()].into_iter().zip(&reordered) {
        let plain = get(&app, path, &[]).await;
        assert_eq!(plain.status, StatusCode::OK, "{path}: {}", plain.text);
        assert_eq!(plain.header("vary"), Some("Accept-Encoding"), "{path}: a cached answer varies by coding");
        assert_eq!(count(path, &plain.json()), 1, "{path}: {}", plain.text);
        let tag = plain.header("etag").unwrap().to_owned();
        assert_eq!(get(&app, path, &[]).await.header("etag"), Some(tag.as_str()), "{path}");
        let (gzip_tag, text) = gzip_answer(&app, path).await;
        assert_eq!(text, plain.text, "{path}: the gzip copy holds the same bytes");
        assert_ne!(gzip_tag, tag, "{path}: each coding has its own tag");
        for path in [path, reordered.as_str()] {
            let resp = get(&app, path, &[("If-None-Match", &tag)]).await;
            assert_eq!(resp.status, StatusCode::NOT_MODIFIED, "{path}");
            assert_eq!(resp.header("etag"), Some(tag.as_str()), "{path}");
        }
        held.push(tag);
    }
    // An upload, then a claim hiding it: each write gives every answer a new tag and body.
    let new = upload(&app, &s, 11).await;
    for (path, tag) in [stats, ranking.as_str()].into_iter().zip(&mut held) {
        let resp = get(&app, path, &[("If-None-Match", tag.as_str())]).await;
        assert_eq!(resp.status, StatusCode::OK, "{path}: the held answer is stale after an upload");
        assert_ne!(resp.header("etag"), Some(tag.as_str()), "{path}");
        assert_eq!(count(path, &resp.json()), 2, "{path}: {}", resp.text);
        *tag = resp.header("etag").unwrap().to_owned();
        assert_eq!(
            get(&app, path, &[("If-None-Match", tag.as_str())]).await.status,
            StatusCode::NOT_MODIFIED
        );
    }
    let claim = format!("/results/{new}:claim");
    let (status, body) =
        app.call(Method::POST, &claim, Some(&s.admin.token), Some(json!({"message": "Wrong"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for (path, tag) in [stats, ranking.as_str()].into_iter().zip(&held) {
        let resp = get(&app, path, &[("If-None-Match", tag.as_str())]).await;
        assert_eq!(resp.status, StatusCode::OK, "{path}: the held answer is stale after a claim");
        assert_ne!(resp.header("etag"), Some(tag.as_str()), "{path}");
        assert_eq!(count(path, &resp.json()), 1, "{path}: the claimed result is hidden: {}", resp.text);
    }
});
