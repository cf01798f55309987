//! The moderation lifecycle across benchmarks, sites and flavors: visibility (§5.2), the
//! submit list (`/reports/submits`), and the cascades of reject, delete and user removal (§5.6).

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod cascades;
mod submits;

use chrono::Duration;
use eosc_perf_tests::helpers::{id_of, naive};
use eosc_perf_tests::{
    TestApp, TestUser,
    app::{handler_error, unauthenticated, validation_error},
    backend_test,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn schema() -> Value {
    json!({"type": "object"})
}

/// A 200 page fetched with `token`.
async fn page_as(app: &TestApp, token: Option<&str>, path: &str) -> Value {
    let (status, body) = app.call(Method::GET, path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

async fn ids(app: &TestApp, path: &str) -> Vec<String> {
    let mut ids: Vec<String> =
        page_as(app, None, path).await["items"].as_array().expect("items").iter().map(id_of).collect();
    ids.sort();
    ids
}

/// `(resource_type, resource_id)` of each submit on the page, in order.
async fn submits(app: &TestApp, admin: &TestUser, query: &str) -> Vec<(String, String)> {
    let body = page_as(app, Some(&admin.token), &format!("/reports/submits{query}")).await;
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| {
            (s["resource_type"].as_str().unwrap().to_owned(), s["resource_id"].as_str().unwrap().to_owned())
        })
        .collect()
}

/// Like [`submits`], sorted.
async fn submit_set(app: &TestApp, admin: &TestUser, query: &str) -> Vec<(String, String)> {
    let mut all = submits(app, admin, query).await;
    all.sort();
    all
}

fn pair(kind: &str, id: &str) -> (String, String) {
    (kind.to_owned(), id.to_owned())
}

fn sorted(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort();
    pairs
}

async fn status_of(app: &TestApp, path: &str) -> StatusCode {
    app.get(path).await.0
}
