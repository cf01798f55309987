//! `/tags`: list, search, get, create, update, delete.

use eosc_perf_tests::backend_test;
use reqwest::{Method, StatusCode};
use serde_json::json;

backend_test!(a_registered_user_creates_a_tag_and_anyone_reads_it, |app| {
    let user = app.registered("alice").await;
    let tag = app.create_tag(&user, "gpu").await;
    let id = tag["id"].as_str().unwrap();
    let (status, body) = app.get(&format!("/tags/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"id": id, "name": "gpu", "description": "about gpu"}));
    let (status, body) =
        app.call(Method::POST, "/tags", Some(&user.token), Some(json!({"name": "gpu"}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        json!({"code": 409, "status": "Conflict", "errors": {"error": "Tag gpu already submitted/exists"}})
    );
});
