//! `GET /results/{id}` from the response cache: its answer is kept by change-counter value and
//! tagged with a digest of its body (as before it was cached), so its `ETag` survives writes
//! that leave it unchanged (other uploads, hiding the result) and changes with every write that
//! changes it (its tags; a rename of its site, flavor, benchmark or tag).

use eosc_perf_tests::{
    TestApp,
    app::{RawResponse, send_raw},
    backend_test,
    sample::{Sample, seed},
};
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

/// `GET path`, with `If-None-Match: held` when given.
async fn get(app: &TestApp, path: &str, held: Option<&str>) -> RawResponse {
    let mut req = app.request(Method::GET, path);
    if let Some(held) = held {
        req = req.header("If-None-Match", held);
    }
    send_raw(req).await
}

/// The 200 answer to `GET path` and its `ETag` (strong, no `Vary`: a result is never gzipped).
async fn current(app: &TestApp, path: &str) -> (Value, String) {
    let resp = get(app, path, None).await;
    assert_eq!(resp.status, StatusCode::OK, "{path}: {}", resp.text);
    assert_eq!(resp.header("cache-control"), Some("no-cache"));
    assert_eq!(resp.header("vary"), None, "{path}");
    let tag = resp.header("etag").unwrap_or_else(|| panic!("no ETag: {:?}", resp.headers)).to_owned();
    assert!(tag.starts_with('"') && !tag.starts_with("W/"), "{tag}");
    (resp.json(), tag)
}

/// Asserts that a client holding `tag` still holds the current answer to `path`.
async fn still_held(app: &TestApp, path: &str, tag: &str, after: &str) {
    let resp = get(app, path, Some(tag)).await;
    assert_eq!(resp.status, StatusCode::NOT_MODIFIED, "after {after}: {}", resp.text);
    assert_eq!(resp.text, "");
    assert_eq!(resp.header("etag"), Some(tag));
}

async fn call(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> StatusCode {
    let (status, answer) = app.call(method, path, Some(token), body).await;
    assert!(status.is_success(), "{path}: {status} {answer}");
    status
}

backend_test!(a_result_keeps_its_tag_while_its_representation_is_unchanged, |app| {
    let s = seed(&app, "").await;
    let path = format!("/results/{}", s.result);
    let (body, tag) = current(&app, &path).await;
    assert_eq!(current(&app, &path).await, (body.clone(), tag.clone()), "served again");
    still_held(&app, &path, &tag, "nothing").await;

    let other = format!(
        "/results?execution_datetime=2023-03-03T03:03:03Z&benchmark_id={}&flavor_id={}",
        s.benchmark, s.flavor
    );
    call(&app, Method::POST, &other, &s.user.token, Some(json!({"time": 99}))).await;
    still_held(&app, &path, &tag, "another upload").await;

    // Hidden results are read by id unchanged: neither a claim nor an admin delete changes
    // the representation, so the tag stays current.
    let claimer = app.registered("claimer").await;
    let claim = format!("{path}:claim");
    call(&app, Method::POST, &claim, &claimer.token, Some(json!({"message": "odd"}))).await;
    still_held(&app, &path, &tag, "a claim").await;
    call(&app, Method::DELETE, &path, &s.admin.token, None).await;
    still_held(&app, &path, &tag, "an admin delete").await;
    assert_eq!(current(&app, &path).await, (body, tag));
});

backend_test!(a_result_gets_a_new_tag_after_every_write_that_changes_it, |app| {
    let s = seed(&app, "").await;
    let path = format!("/results/{}", s.result);
    let hpc = app.create_tag(&s.user, "hpc").await["id"].as_str().unwrap().to_owned();
    let admin = &s.admin.token;
    let writes: Vec<(&str, Method, String, Value, &str, Value)> = vec![
        (
            "a retag",
            Method::PUT,
            format!("{path}/tags"),
            json!({"tags_ids": [s.tag, hpc]}),
            "/tags/1/name",
            json!("hpc"),
        ),
        (
            "a site rename",
            Method::PUT,
            format!("/sites/{}", s.site),
            json!({"name": "renamed-site", "address": "a"}),
            "/site/name",
            json!("renamed-site"),
        ),
        (
            "a flavor rename",
            Method::PUT,
            format!("/flavors/{}", s.flavor),
            json!({"name": "renamed-flavor"}),
            "/flavor/name",
            json!("renamed-flavor"),
        ),
        (
            "a tag rename",
            Method::PUT,
            format!("/tags/{}", s.tag),
            json!({"name": "renamed-tag"}),
            "/tags/1/name",
            json!("renamed-tag"),
        ),
        (
            "a benchmark edit",
            Method::PUT,
            format!("/benchmarks/{}", s.benchmark),
            json!({"docker_image": "deephdc/bench", "docker_tag": "1.0", "url": "https://example.org/new",
                   "json_schema": {"type": "object"}}),
            "/benchmark/url",
            json!("https://example.org/new"),
        ),
    ];
    for (what, method, write, sent, pointer, expected) in writes {
        let (_, held) = current(&app, &path).await;
        call(&app, method, &write, admin, Some(sent)).await;
        let resp = get(&app, &path, Some(&held)).await;
        assert_eq!(resp.status, StatusCode::OK, "after {what}: the held answer is stale");
        let tag = resp.header("etag").unwrap().to_owned();
        assert_ne!(tag, held, "after {what}");
        let mut body = resp.json();
        if let Some(tags) = body["tags"].as_array_mut() {
            tags.sort_by_key(|t| t["name"].as_str().map(str::to_owned));
        }
        assert_eq!(body.pointer(pointer), Some(&expected), "after {what}: {body}");
        still_held(&app, &path, &tag, what).await;
    }
});

/// Runs `sql` on the app's database.
async fn execute(app: &TestApp, sql: &str) {
    let statement = Statement::from_string(app.db.get_database_backend(), sql.to_owned());
    app.db.execute_raw(statement).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn counter(app: &TestApp) -> i64 {
    let sql = "SELECT n FROM change_counter WHERE id = 1";
    let statement = Statement::from_string(app.db.get_database_backend(), sql.to_owned());
    let row = app.db.query_one_raw(statement).await.unwrap().unwrap();
    row.try_get("", "n").unwrap()
}

backend_test!(a_result_is_served_from_the_cache_while_the_change_counter_stands, |app| {
    let s: Sample = seed(&app, "").await;
    let path = format!("/results/{}", s.result);
    let (body, _) = current(&app, &path).await;
    // A write whose counter bump is undone: the server cannot see it, and answers from the
    // stored bytes.
    let before = counter(&app).await;
    execute(&app, "UPDATE site SET description = 'changed behind the counter'").await;
    execute(&app, &format!("UPDATE change_counter SET n = {before} WHERE id = 1")).await;
    assert_eq!(current(&app, &path).await.0, body, "the stored answer");
    execute(&app, &format!("UPDATE change_counter SET n = {} WHERE id = 1", before + 1)).await;
    let (fresh, _) = current(&app, &path).await;
    assert_eq!(fresh["site"]["description"], "changed behind the counter", "computed again");
});
