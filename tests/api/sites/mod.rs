//! `/sites`: submit, list, search, get, update, delete, approve and reject.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod create;
mod delete_moderate;
mod lists;
mod update;

use chrono::{Duration, Utc};
use eosc_perf_tests::helpers::{id_of, ids, naive, name_set, names, page, sort_error};
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
