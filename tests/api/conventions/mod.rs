//! Shared conventions, exercised through `/tags` and `/users`: pagination, sorting, query and
//! body parsing, routing, error shapes and serialisation.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod bodies;
mod pagination;
mod query;
mod replies;
mod routing;

use eosc_perf_tests::{
    TestApp, TestUser,
    app::{RawResponse, bare, send_raw, unauthenticated, validation_error},
    backend_test,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const UNPROCESSABLE: &str = "Unprocessable Entity";

/// Creates tags `names` (descriptions `about <name>`) as a fresh registered user.
async fn tags(app: &TestApp, names: &[&str]) -> TestUser {
    let user = app.registered("alice").await;
    for name in names {
        app.create_tag(&user, name).await;
    }
    user
}

fn item_names(page: &Value) -> Vec<&str> {
    page["items"].as_array().expect("items").iter().map(|t| t["name"].as_str().expect("name")).collect()
}

fn sort_error(key_error: &str, hint: &str) -> Value {
    json!({"code": 422, "status": UNPROCESSABLE, "message": {"KeyError": key_error, "hint": hint}})
}

const FIELD_HINT: &str = "Use ',' to separate fields";
const ORDER_HINT: &str = "Use '+'(asc) or '-'(desc) before sort field";

/// POSTs `body` to `/tags` with a content type, as `user`.
async fn post_tag_raw(app: &TestApp, user: &TestUser, content_type: Option<&str>, body: &str) -> RawResponse {
    let mut req = app.request(Method::POST, "/tags").bearer_auth(&user.token).body(body.to_owned());
    if let Some(ct) = content_type {
        req = req.header("Content-Type", ct);
    }
    send_raw(req).await
}

fn assert_json_content_type(resp: &RawResponse, what: &str) {
    assert_eq!(resp.header("content-type"), Some("application/json"), "{what}: {}", resp.text);
}
