//! `/tags`: list, search, get, create, update, delete.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod create_read;
mod lists_search;
mod update_delete;

use eosc_perf_tests::helpers::{name_set, names};
use eosc_perf_tests::{
    TestApp, TestUser,
    app::{bare, handler_error, unauthenticated, validation_error},
    backend_test,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Creates a tag with an explicit body as `user`, returning its id.
async fn tag(app: &TestApp, user: &TestUser, body: Value) -> String {
    let (status, created) = app.call(Method::POST, "/tags", Some(&user.token), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "create tag: {created}");
    created["id"].as_str().expect("tag id").to_owned()
}

/// Four tags for the search tests.
async fn search_fixture(app: &TestApp) {
    let user = app.registered("alice").await;
    tag(app, &user, json!({"name": "cuda", "description": "runs on a gpu"})).await;
    tag(app, &user, json!({"name": "gpu-fast", "description": "Fast lane"})).await;
    tag(app, &user, json!({"name": "cpu"})).await;
    tag(app, &user, json!({"name": "GPU-big", "description": "large"})).await;
}
