//! `POST /benchmarks/{benchmark_id}:validate` (issue 11): the upload's schema check as a dry run.

use super::*;

backend_test!(a_dry_run_answers_204_or_the_uploads_422_and_stores_nothing, |app| {
    let f = fixture(&app).await;
    let path = format!("/benchmarks/{}:validate", f.benchmark);
    let (status, body) = app.call(Method::POST, &path, None, Some(json!({"time": 3, "extra": [1]}))).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null), "anonymous callers may validate");
    let bad = json!({"time": "slow"});
    let (status, dry) = app.call(Method::POST, &path, None, Some(bad.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, uploaded) = upload(&app, &f, bad, "2024-01-01T00:00:00Z").await;
    assert_eq!((status, &dry), (StatusCode::UNPROCESSABLE_ENTITY, &uploaded), "the upload's own body");
    assert_eq!(dry["errors"]["path"], json!("deque(['time'])"));
    let (_, listed) = app.get("/results").await;
    assert_eq!(listed["total"], json!(0), "nothing stored");
});

backend_test!(a_dry_run_works_for_pending_benchmarks_and_refuses_unknown_ones_and_bad_bodies, |app| {
    let alice = app.registered("alice").await;
    let schema = json!({"type": "object", "required": ["score"]});
    let pending = id_of(&app.create_benchmark(&alice, "me/harness", "0.1", schema).await);
    let path = format!("/benchmarks/{pending}:validate");
    let (status, _) = app.call(Method::POST, &path, None, Some(json!({"score": 1.5}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "a pending benchmark's author can test a harness");
    let (status, body) = app.call(Method::POST, &path, None, Some(json!({}))).await;
    assert_eq!(
        (status, body["errors"]["error"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("\"score\" is a required property"))
    );
    let missing = uuid::Uuid::new_v4();
    let (status, body) =
        app.call(Method::POST, &format!("/benchmarks/{missing}:validate"), None, Some(json!({}))).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::NOT_FOUND,
            handler_error(404, &format!("Benchmark {missing} not found in the database"))
        )
    );
    let (status, body) =
        app.call(Method::POST, "/benchmarks/not-a-uuid:validate", None, Some(json!({}))).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
    let (status, body) = app.call(Method::POST, &path, None, Some(json!([1]))).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            validation_error("json", json!({"_schema": ["Invalid input type."]}))
        )
    );
    let (status, _) = app.call(Method::GET, &path, None, None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
});
