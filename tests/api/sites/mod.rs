//! `/sites`: submit, list, search, get, update, delete, approve and reject.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod create;
mod delete_moderate;
mod lists;
mod update;

use chrono::{Duration, Utc};
use eosc_perf_tests::helpers::{id_of, naive};
use eosc_perf_tests::{
    TestApp, TestUser,
    app::{bare, handler_error, unauthenticated, validation_error},
    backend_test,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Submits a site with an explicit body, returning its JSON.
async fn site(app: &TestApp, user: &TestUser, body: Value) -> Value {
    let (status, created) = app.call(Method::POST, "/sites", Some(&user.token), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "create site: {created}");
    created
}

/// Submits and approves a site, returning its id.
async fn approved(app: &TestApp, user: &TestUser, body: Value) -> String {
    let id = id_of(&site(app, user, body).await);
    app.approve("site", &id).await;
    id
}

/// A 200 page.
async fn page(app: &TestApp, path: &str) -> Value {
    let (status, body) = app.get(path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// The names of the items of a 200 page, in order.
async fn names(app: &TestApp, path: &str) -> Vec<String> {
    page(app, path).await["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Like [`names`], sorted (for endpoints without a default order).
async fn name_set(app: &TestApp, path: &str) -> Vec<String> {
    let mut names = names(app, path).await;
    names.sort();
    names
}

async fn ids(app: &TestApp, path: &str) -> Vec<String> {
    page(app, path).await["items"].as_array().expect("items").iter().map(id_of).collect()
}

fn sort_error(key_error: &str, hint: &str) -> Value {
    json!({"code": 422, "status": "Unprocessable Entity", "message": {"KeyError": key_error, "hint": hint}})
}
