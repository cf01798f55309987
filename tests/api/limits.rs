//! Request limits (docs/configuration.md, "Limits"): how many `terms`, `filters` and `tags_ids`
//! a request may carry and how long each value may be (422 in the validation shape), the size
//! (413) and nesting depth (422) of a result document, and the size of any body (413). Also:
//! compiled schemas follow their benchmark's changes, and large documents are still validated.

use eosc_perf_tests::helpers::id_of;
use eosc_perf_tests::{
    TestApp,
    app::{RawResponse, bare, send_raw, validation_error},
    backend_test, backend_test_with, spawn_app_with,
};
use reqwest::{
    Method, StatusCode,
    header::{CONTENT_ENCODING, CONTENT_TYPE},
};
use serde_json::{Value, json};

use crate::results::{Fixture, context, fixture, uploaded};

const MIB: usize = 1024 * 1024;

fn longer_than(max: usize) -> Value {
    json!([format!("Longer than maximum length {max}.")])
}

/// `name=value` repeated `n` times.
fn repeated(name: &str, value: &str, n: usize) -> String {
    vec![format!("{name}={value}"); n].join("&")
}

/// Fresh tag ids, created as `f.user`.
async fn tags(app: &TestApp, f: &Fixture, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(id_of(&app.create_tag(&f.user, &format!("tag{i}")).await));
    }
    ids
}

fn tags_query(ids: &[String]) -> String {
    ids.iter().map(|id| format!("tags_ids={id}")).collect::<Vec<_>>().join("&")
}

/// Sends `text` as-is with `Content-Type: application/json`.
async fn post_text(app: &TestApp, path: &str, token: Option<&str>, text: String) -> RawResponse {
    let mut req = app.request(Method::POST, path).header(CONTENT_TYPE, "application/json").body(text);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    send_raw(req).await
}

/// A result document of exactly `size` bytes that the fixture's schema accepts.
fn document_of_size(size: usize) -> String {
    let frame = r#"{"time": 1, "pad": ""}"#;
    let pad = "x".repeat(size - frame.len());
    format!(r#"{{"time": 1, "pad": "{pad}"}}"#)
}

/// A document nested `depth` levels deep: `{"n": {"n": … {} … }}`.
fn nested(depth: usize) -> String {
    format!("{}{{}}{}", r#"{"n": "#.repeat(depth - 1), "}".repeat(depth - 1))
}

async fn upload_text(app: &TestApp, f: &Fixture, text: String) -> RawResponse {
    let path = format!("/results?{}", context(&f.benchmark, &f.flavor, "2020-01-01T00:00:00Z", &[]));
    post_text(app, &path, Some(&f.user.token), text).await
}

fn assert_status(resp: &RawResponse, status: StatusCode, body: &Value, what: &str) {
    assert_eq!((resp.status, &resp.json()), (status, body), "{what}");
    assert_eq!(resp.header("content-type"), Some("application/json"), "{what}");
}

backend_test!(terms_are_bounded_in_number_and_length_on_every_search, |app| {
    let f = fixture(&app).await;
    for path in [
        "/benchmarks:search",
        "/sites:search",
        &format!("/sites/{}/flavors:search", f.site),
        "/tags:search",
        "/results:search",
    ] {
        let (status, body) = app.get(&format!("{path}?{}", repeated("terms", "a", 32))).await;
        assert_eq!(status, StatusCode::OK, "{path} with 32 terms: {body}");
        let (status, body) = app.get(&format!("{path}?{}", repeated("terms[]", "a", 33))).await;
        assert_eq!(
            (status, body),
            (StatusCode::UNPROCESSABLE_ENTITY, validation_error("query", json!({"terms": longer_than(32)}))),
            "{path} with 33 terms"
        );
        let (status, body) = app.get(&format!("{path}?terms={}", "é".repeat(256))).await;
        assert_eq!(status, StatusCode::OK, "{path}: 256 characters (512 bytes) fit: {body}");
        let (status, body) = app.get(&format!("{path}?terms=a&terms={}", "b".repeat(257))).await;
        let expected = validation_error("query", json!({"terms": {"1": longer_than(256)}}));
        assert_eq!((status, body), (StatusCode::UNPROCESSABLE_ENTITY, expected), "{path}: 257 characters");
    }
    let query = repeated("terms", "a", 33);
    let (status, body) =
        app.call(Method::GET, &format!("/users:search?{query}"), Some(&f.admin.token), None).await;
    assert_eq!(
        (status, body),
        (StatusCode::UNPROCESSABLE_ENTITY, validation_error("query", json!({"terms": longer_than(32)})))
    );
});

backend_test!(filters_are_bounded_in_number_and_length, |app| {
    let f = fixture(&app).await;
    uploaded(&app, &f, json!({"time": 5}), "2020-01-01T00:00:00Z").await;
    let filter = "time%20%3E%201";
    for (path, token) in [("/results", None), ("/users/self/results", Some(f.user.token.as_str()))] {
        let (status, body) =
            app.call(Method::GET, &format!("{path}?{}", repeated("filters", filter, 32)), token, None).await;
        assert_eq!((status, body["total"].clone()), (StatusCode::OK, json!(1)), "{path} with 32 filters");
        let (status, body) =
            app.call(Method::GET, &format!("{path}?{}", repeated("filters", filter, 33)), token, None).await;
        let expected = validation_error("query", json!({"filters": longer_than(32)}));
        assert_eq!((status, body), (StatusCode::UNPROCESSABLE_ENTITY, expected), "{path} with 33 filters");
        let long = format!("{}%20%3E%201", "a".repeat(254));
        let (status, body) = app.call(Method::GET, &format!("{path}?filters={long}"), token, None).await;
        let expected = validation_error("query", json!({"filters": {"0": longer_than(256)}}));
        assert_eq!(
            (status, body),
            (StatusCode::UNPROCESSABLE_ENTITY, expected),
            "{path}: a 258-character filter"
        );
    }
});

backend_test!(tags_ids_are_bounded_in_queries_and_bodies, |app| {
    let f = fixture(&app).await;
    let ids = tags(&app, &f, 32).await;
    let result = uploaded(&app, &f, json!({"time": 1}), "2020-01-01T00:00:00Z").await;
    let mut too_many = ids.clone();
    too_many.push(uuid::Uuid::new_v4().to_string());
    let refused = validation_error("query", json!({"tags_ids": longer_than(32)}));

    let (status, body) = app.get(&format!("/results?{}", tags_query(&ids))).await;
    assert_eq!(status, StatusCode::OK, "32 tags: {body}");
    let (status, body) = app.get(&format!("/results?{}", tags_query(&too_many))).await;
    assert_eq!((status, body), (StatusCode::UNPROCESSABLE_ENTITY, refused.clone()));
    let path = format!("/users/self/results?{}", tags_query(&too_many));
    let (status, body) = app.call(Method::GET, &path, Some(&f.user.token), None).await;
    assert_eq!((status, body), (StatusCode::UNPROCESSABLE_ENTITY, refused.clone()));

    let upload = |tags: &[String]| {
        format!(
            "/results?{}&{}",
            context(&f.benchmark, &f.flavor, "2020-01-01T00:00:00Z", &[]),
            tags_query(tags)
        )
    };
    let (status, body) =
        app.call(Method::POST, &upload(&ids), Some(&f.user.token), Some(json!({"time": 2}))).await;
    assert_eq!((status, body["tags"].as_array().map(Vec::len)), (StatusCode::CREATED, Some(32)));
    let (status, body) =
        app.call(Method::POST, &upload(&too_many), Some(&f.user.token), Some(json!({"time": 3}))).await;
    assert_eq!((status, body), (StatusCode::UNPROCESSABLE_ENTITY, refused));

    let tags_path = format!("/results/{result}/tags");
    let (status, body) =
        app.call(Method::PUT, &tags_path, Some(&f.user.token), Some(json!({"tags_ids": ids}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "32 tags: {body}");
    let (status, body) =
        app.call(Method::PUT, &tags_path, Some(&f.user.token), Some(json!({"tags_ids": too_many}))).await;
    let expected = validation_error("json", json!({"tags_ids": longer_than(32)}));
    assert_eq!((status, body), (StatusCode::UNPROCESSABLE_ENTITY, expected));
    let (status, body) = app.get(&format!("/results/{result}")).await;
    assert_eq!((status, body["tags"].as_array().map(Vec::len)), (StatusCode::OK, Some(32)), "unchanged");
});

backend_test!(result_documents_are_bounded_in_size, |app| {
    let f = fixture(&app).await;
    let resp = upload_text(&app, &f, document_of_size(MIB)).await;
    assert_eq!(resp.status, StatusCode::CREATED, "exactly 1 MiB: {}", &resp.text[..200.min(resp.text.len())]);
    let stored = resp.json()["id"].as_str().unwrap().to_owned();
    let (status, body) = app.get(&format!("/results/{stored}")).await;
    assert_eq!((status, body["json"]["pad"].as_str().map(str::len)), (StatusCode::OK, Some(MIB - 22)));
    for size in [MIB + 1, 3 * MIB / 2, 3 * MIB] {
        let resp = upload_text(&app, &f, document_of_size(size)).await;
        assert_status(&resp, StatusCode::PAYLOAD_TOO_LARGE, &bare(413), &format!("{size} bytes"));
    }
    let (status, body) = app.get("/results").await;
    assert_eq!((status, body["total"].clone()), (StatusCode::OK, json!(1)), "nothing else stored");
});

backend_test!(result_documents_are_bounded_in_depth, |app| {
    let f = fixture(&app).await;
    let resp = upload_text(&app, &f, nested(32)).await;
    assert_eq!(resp.status, StatusCode::CREATED, "depth 32: {}", resp.text);
    let too_deep = validation_error("json", json!({"_schema": ["Nested deeper than maximum depth 32."]}));
    for depth in [33, 129, 100_000] {
        let resp = upload_text(&app, &f, nested(depth)).await;
        assert_status(&resp, StatusCode::UNPROCESSABLE_ENTITY, &too_deep, &format!("depth {depth}"));
    }
    let arrays = format!("{{\"time\": 1, \"a\": {}{}}}", "[".repeat(40), "]".repeat(40));
    let resp = upload_text(&app, &f, arrays).await;
    assert_status(&resp, StatusCode::UNPROCESSABLE_ENTITY, &too_deep, "nested arrays");
    let in_strings = format!("{{\"time\": 1, \"text\": \"{}\"}}", "[{".repeat(100));
    let resp = upload_text(&app, &f, in_strings).await;
    assert_eq!(resp.status, StatusCode::CREATED, "brackets inside strings do not nest: {}", resp.text);
});

backend_test!(bodies_are_bounded_in_size_after_authentication, |app| {
    let f = fixture(&app).await;
    let big = format!(r#"{{"name": "t", "description": "{}"}}"#, "x".repeat(2 * MIB));
    let resp = post_text(&app, "/tags", Some(&f.user.token), big.clone()).await;
    assert_status(&resp, StatusCode::PAYLOAD_TOO_LARGE, &bare(413), "a 2 MiB tag");
    let resp = post_text(&app, "/tags", None, big).await;
    assert_eq!(resp.status, StatusCode::UNAUTHORIZED, "authentication is checked first: {}", resp.text);
    let fits = format!(r#"{{"name": "t", "description": "{}"}}"#, "x".repeat(2 * MIB - 40));
    let resp = post_text(&app, "/tags", Some(&f.user.token), fits).await;
    assert_eq!(resp.status, StatusCode::CREATED, "just under 2 MiB");
    let (status, _) = app.get("/tags").await;
    assert_eq!(status, StatusCode::OK, "the server keeps serving");
});

backend_test!(a_changed_schema_applies_to_the_next_upload, |app| {
    let f = fixture(&app).await;
    uploaded(&app, &f, json!({"time": 1}), "2020-01-01T00:00:00Z").await;
    let changed = json!({
        "docker_image": "deephdc/bench",
        "docker_tag": "1.0",
        "url": "https://example.org/deephdc/bench",
        "json_schema": {"type": "object", "properties": {"time": {"type": "string"}}},
    });
    let path = format!("/benchmarks/{}", f.benchmark);
    let (status, body) = app.call(Method::PUT, &path, Some(&f.admin.token), Some(changed)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let resp = upload_text(&app, &f, r#"{"time": 2}"#.into()).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", resp.text);
    assert_eq!(resp.json()["errors"]["path"], json!("deque(['time'])"));
    let resp = upload_text(&app, &f, r#"{"time": "2"}"#.into()).await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.text);
});

backend_test!(large_documents_are_validated_like_small_ones, |app| {
    let f = fixture(&app).await;
    let items: Vec<Value> = (0..40_000).map(|i| json!({"i": i})).collect();
    let valid = json!({"time": 1, "items": items});
    let resp = upload_text(&app, &f, valid.to_string()).await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", &resp.text[..200.min(resp.text.len())]);
    let invalid = json!({"items": items, "time": "late"});
    let resp = upload_text(&app, &f, invalid.to_string()).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", resp.text);
    assert_eq!(resp.json()["errors"]["path"], json!("deque(['time'])"));
});

backend_test_with!(every_limit_is_a_setting, |backend| {
    let settings = [
        ("MAX_TERMS", "2"),
        ("MAX_FILTERS", "1"),
        ("MAX_TAGS_IDS", "1"),
        ("MAX_LIST_VALUE_LENGTH", "12"),
        ("MAX_RESULT_BYTES", "300"),
        ("MAX_RESULT_DEPTH", "3"),
        ("MAX_BODY_BYTES", "400"),
    ];
    let Some(app) = spawn_app_with(backend, &settings).await else { return };
    let f = fixture(&app).await;
    let refused = |name: &str, errors: Value| validation_error("query", json!({ name: errors }));
    let (status, body) = app.get("/tags:search?terms=a&terms=b&terms=c").await;
    assert_eq!((status, body), (StatusCode::UNPROCESSABLE_ENTITY, refused("terms", longer_than(2))));
    let (status, body) = app.get("/tags:search?terms=abcdefghijklm").await;
    assert_eq!(
        (status, body),
        (StatusCode::UNPROCESSABLE_ENTITY, refused("terms", json!({"0": longer_than(12)})))
    );
    let (status, body) = app.get("/results?filters=a%20%3E%201&filters=b%20%3E%201").await;
    assert_eq!((status, body), (StatusCode::UNPROCESSABLE_ENTITY, refused("filters", longer_than(1))));
    let two = format!("tags_ids={}&tags_ids={}", uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let (status, body) = app.get(&format!("/results?{two}")).await;
    assert_eq!((status, body), (StatusCode::UNPROCESSABLE_ENTITY, refused("tags_ids", longer_than(1))));
    let resp = upload_text(&app, &f, nested(3)).await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.text);
    let too_deep = validation_error("json", json!({"_schema": ["Nested deeper than maximum depth 3."]}));
    assert_status(
        &upload_text(&app, &f, nested(4)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        &too_deep,
        "depth 4",
    );
    let resp = upload_text(&app, &f, document_of_size(301)).await;
    assert_status(&resp, StatusCode::PAYLOAD_TOO_LARGE, &bare(413), "301-byte document");
    let resp =
        post_text(&app, "/tags", Some(&f.user.token), format!(r#"{{"name": "{}"}}"#, "x".repeat(400))).await;
    assert_status(&resp, StatusCode::PAYLOAD_TOO_LARGE, &bare(413), "413-byte body");
});

/// `text` gzip-compressed.
fn gzip(text: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(text).unwrap();
    encoder.finish().unwrap()
}

/// POST `/tags` as `f.user` with a gzip-encoded body.
async fn post_gzip(app: &TestApp, f: &Fixture, body: Vec<u8>) -> RawResponse {
    let req = app
        .request(Method::POST, "/tags")
        .bearer_auth(&f.user.token)
        .header(CONTENT_TYPE, "application/json")
        .header(CONTENT_ENCODING, "gzip")
        .body(body);
    send_raw(req).await
}

backend_test!(compressed_bodies_are_bounded_after_decompression, |app| {
    let f = fixture(&app).await;
    let small = gzip(br#"{"name": "zipped"}"#);
    let resp = post_gzip(&app, &f, small).await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.text);
    // 4 MiB of spaces inside a valid object compress to a few kilobytes.
    let mut bomb = b"{\"name\": \"bomb\"".to_vec();
    bomb.extend(std::iter::repeat_n(b' ', 4 * MIB));
    bomb.push(b'}');
    let bomb = gzip(&bomb);
    assert!(bomb.len() < 16 * 1024, "{} bytes compressed", bomb.len());
    let resp = post_gzip(&app, &f, bomb).await;
    assert_status(&resp, StatusCode::PAYLOAD_TOO_LARGE, &bare(413), "a 4 MiB body in a small gzip");
    let resp = post_gzip(&app, &f, b"not gzip at all".to_vec()).await;
    assert_status(&resp, StatusCode::BAD_REQUEST, &bare(400), "a corrupted gzip body");
    let (status, body) = app.get("/tags").await;
    assert_eq!((status, body["total"].clone()), (StatusCode::OK, json!(1)), "only the small tag");
});
