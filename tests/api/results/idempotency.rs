//! `Idempotency-Key` on `POST /results` and `POST /results:batch`: a retry answers the first
//! result and stores nothing, another body under the key is refused, concurrent retries store
//! one result, and bad keys are refused.

use eosc_perf_tests::app::send;
use futures::future::join_all;

use super::{batch::item, *};

async fn keyed(app: &TestApp, f: &Fixture, path: &str, key: &str, body: Value) -> (StatusCode, Value) {
    keyed_as(app, &f.user.token, path, key, body).await
}

async fn keyed_as(app: &TestApp, token: &str, path: &str, key: &str, body: Value) -> (StatusCode, Value) {
    let req = app.request(Method::POST, path).bearer_auth(token).header("Idempotency-Key", key);
    send(req.json(&body)).await
}

fn single_path(f: &Fixture) -> String {
    format!("/results?{}", context(&f.benchmark, &f.flavor, "2020-05-21T10:31:00Z", &[]))
}

backend_test!(a_retry_with_the_same_key_answers_the_first_result_and_stores_nothing, |app| {
    let f = fixture(&app).await;
    let path = single_path(&f);
    let (status, first) = keyed(&app, &f, &path, "nightly-1", json!({"time": 1})).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, again) = keyed(&app, &f, &path, "nightly-1", json!({"time": 1})).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(again, first);
    let (_, page) = app.get("/results").await;
    assert_eq!(page["total"], 1);
    // Another key, or no key, stores another result.
    let (status, other) = keyed(&app, &f, &path, "nightly-2", json!({"time": 1})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_ne!(other["id"], first["id"]);
    // Keys are per user: another user's same key is another upload.
    let second = app.registered("second").await;
    let (status, theirs) = keyed_as(&app, &second.token, &path, "nightly-1", json!({"time": 1})).await;
    assert_eq!(status, StatusCode::CREATED, "{theirs}");
    assert_ne!(theirs["id"], first["id"]);
    let (_, page) = app.get("/results").await;
    assert_eq!(page["total"], 3);
});

backend_test!(the_same_key_with_another_body_is_refused, |app| {
    let f = fixture(&app).await;
    let path = single_path(&f);
    let (status, _) = keyed(&app, &f, &path, "k1", json!({"time": 1})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = keyed(&app, &f, &path, "k1", json!({"time": 2})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"]["error"], "Idempotency-Key was already used with another request");
    // The same key on the batch operation is another request too.
    let (status, _) = keyed(
        &app,
        &f,
        "/results:batch",
        "k1",
        json!({"results": [item(&f, json!(1), "2020-05-21T10:31:00Z")]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, page) = app.get("/results").await;
    assert_eq!(page["total"], 1);
});

backend_test!(concurrent_retries_store_exactly_one_result, |app| {
    let f = fixture(&app).await;
    let path = single_path(&f);
    let answers = join_all((0..8).map(|_| keyed(&app, &f, &path, "same-key", json!({"time": 3})))).await;
    let mut ids: Vec<Value> = answers
        .iter()
        .map(|(status, body)| {
            assert_eq!(*status, StatusCode::CREATED, "{body}");
            body["id"].clone()
        })
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 1, "{answers:?}");
    let (_, page) = app.get("/results").await;
    assert_eq!(page["total"], 1);
});

backend_test!(a_batch_retry_answers_the_first_results_in_order, |app| {
    let f = fixture(&app).await;
    let body =
        json!({"results": (0..5).map(|i| item(&f, json!(i), "2020-05-21T10:31:00Z")).collect::<Vec<_>>()});
    let answers = join_all((0..4).map(|_| keyed(&app, &f, "/results:batch", "batch-7", body.clone()))).await;
    for (status, answer) in &answers {
        assert_eq!(*status, StatusCode::CREATED, "{answer}");
        assert_eq!(answer, &answers[0].1);
    }
    let (_, page) = app.get("/results").await;
    assert_eq!(page["total"], 5);
});

backend_test!(malformed_keys_are_refused_before_anything_is_stored, |app| {
    let f = fixture(&app).await;
    let path = single_path(&f);
    for key in ["", "has space", &"k".repeat(256)] {
        let (status, body) = keyed(&app, &f, &path, key, json!({"time": 1})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{key:?}: {body}");
        assert!(body["errors"]["headers"]["Idempotency-Key"][0].is_string(), "{body}");
    }
    let (_, page) = app.get("/results").await;
    assert_eq!(page["total"], 0);
});
