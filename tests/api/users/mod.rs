//! `/users`: registration, self-service, admin listing, search and removal.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod admin_lists;
mod removal;
mod self_service;

use std::time::Duration;

use chrono::{NaiveDateTime, Utc};
use eosc_perf_tests::{
    TestApp,
    app::{ADMIN_ENTITLEMENT, bare, forbidden, handler_error, unauthenticated, validation_error},
    backend_test, backend_test_with,
    oidc::{MockOidc, MockUser},
    spawn_app_with,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn parse_datetime(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .unwrap_or_else(|e| panic!("{text:?} is not a naive ISO datetime: {e}"))
}

/// The `(sub, email)` of each user of a page, in order.
async fn listed(app: &TestApp, token: &str, path: &str) -> Vec<(String, String)> {
    let (status, body) = app.call(Method::GET, path, Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|u| (u["sub"].as_str().unwrap().to_owned(), u["email"].as_str().unwrap().to_owned()))
        .collect()
}

/// The subjects of a page, in order.
async fn subs(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    listed(app, token, path).await.into_iter().map(|(s, _)| s).collect()
}

/// Like [`subs`], sorted.
async fn sub_set(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    let mut subs = subs(app, token, path).await;
    subs.sort();
    subs
}

/// Registers `user` (opaque token) and returns the response.
async fn register(app: &TestApp, user: MockUser) -> (StatusCode, Value) {
    let token = app.oidc.opaque_token(user);
    app.call(Method::POST, "/users:register", Some(&token), None).await
}

/// A registered user whose e-mail differs from the `<sub>@example.org` default.
async fn registered_with_email(app: &TestApp, sub: &str, email: &str) {
    let (status, body) = register(app, MockUser::new(sub).with_email(email, true)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}
