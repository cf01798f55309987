//! `/benchmarks`: submit, list, search, get, update, delete, approve and reject.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod create;
mod delete_moderate;
mod lists;
mod update;

use chrono::{Duration, NaiveDate, Utc};
use eosc_perf_tests::helpers::{id_of, ids, naive, page, sort_error};
use eosc_perf_tests::{
    TestApp, TestUser,
    app::{bare, handler_error, unauthenticated, validation_error},
    backend_test,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A small valid result schema.
fn schema() -> Value {
    json!({"type": "object", "properties": {"time": {"type": "number"}}})
}

/// A full create body for `image:tag`.
fn body(image: &str, tag: &str) -> Value {
    json!({"docker_image": image, "docker_tag": tag, "url": "https://example.org/doc", "json_schema": schema()})
}

/// `image:tag` of each item of a 200 page, in order.
async fn names(app: &TestApp, path: &str) -> Vec<String> {
    page(app, path).await["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|b| format!("{}:{}", b["docker_image"].as_str().unwrap(), b["docker_tag"].as_str().unwrap()))
        .collect()
}

/// Like [`names`], sorted (for endpoints without a default order).
async fn name_set(app: &TestApp, path: &str) -> Vec<String> {
    let mut names = names(app, path).await;
    names.sort();
    names
}

/// Creates and approves `image:tag`, returning its id.
async fn approved(app: &TestApp, user: &TestUser, image: &str, tag: &str) -> String {
    let id = id_of(&app.create_benchmark(user, image, tag, schema()).await);
    app.approve("benchmark", &id).await;
    id
}
