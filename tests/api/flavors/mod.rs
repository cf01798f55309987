//! Flavors: `/sites/{id}/flavors` (list, search, add) and `/flavors/{id}` (get, site, update,
//! delete, approve, reject).

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod create;
mod lists_reads;
mod specs;
mod update_delete;

use eosc_perf_tests::helpers::{id_of, ids, naive, name_set, names, page, sort_error};
use eosc_perf_tests::{
    TestApp, TestUser,
    app::{bare, handler_error, unauthenticated, validation_error},
    backend_test,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Adds a flavor with an explicit body to `site_id`, returning its JSON.
async fn flavor(app: &TestApp, user: &TestUser, site_id: &str, body: Value) -> Value {
    let path = format!("/sites/{site_id}/flavors");
    let (status, created) = app.call(Method::POST, &path, Some(&user.token), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "add flavor: {created}");
    created
}

/// Adds and approves a flavor, returning its id.
async fn approved(app: &TestApp, user: &TestUser, site_id: &str, body: Value) -> String {
    let id = id_of(&flavor(app, user, site_id, body).await);
    app.approve("flavor", &id).await;
    id
}

/// A site (pending) with its id.
async fn site(app: &TestApp, user: &TestUser, name: &str) -> String {
    id_of(&app.create_site(user, name).await)
}
