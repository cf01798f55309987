//! `/results`: upload, filters, sorting, search, tags, hide; claims.
//!
//! This module covers the upload (`POST /results`), one result (`GET`, `DELETE`), its tags, its
//! uploader and `/results:search`; `result_filters` covers list filters and sorting,
//! `claims` the claim workflow and `self_results.rs` the caller's own lists.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod batch;
mod export;
mod idempotency;
mod ranking;
mod read_delete;
mod search;
mod stats;
mod tags_uploader;
mod upload;
mod validate;
mod validation;

use chrono::{Duration, Utc};
use eosc_perf_tests::helpers::{id_of, naive};
use eosc_perf_tests::{
    TestApp, TestUser,
    app::{bare, handler_error, unauthenticated, validation_error},
    backend_test,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// An approved benchmark (schema: `time` integer), an approved flavor on an approved site.
pub struct Fixture {
    pub user: TestUser,
    pub admin: TestUser,
    pub benchmark: String,
    pub site: String,
    pub flavor: String,
}

/// Mails the fixture causes: two welcomes, three submitted and three approved.
pub const FIXTURE_MAILS: usize = 8;

pub async fn fixture(app: &TestApp) -> Fixture {
    let user = app.registered("uploader").await;
    let admin = app.admin("root").await;
    let schema = json!({"type": "object", "properties": {"time": {"type": "integer"}}});
    let benchmark =
        app.create_benchmark(&user, "deephdc/bench", "1.0", schema).await["id"].as_str().unwrap().to_owned();
    let site = app.create_site(&user, "site0").await["id"].as_str().unwrap().to_owned();
    let flavor = app.create_flavor(&user, &site, "small").await["id"].as_str().unwrap().to_owned();
    for (kind, id) in [("benchmark", &benchmark), ("site", &site), ("flavor", &flavor)] {
        app.approve_as(&admin, kind, id).await;
    }
    Fixture { user, admin, benchmark, site, flavor }
}

pub async fn upload(app: &TestApp, f: &Fixture, json: Value, when: &str) -> (StatusCode, Value) {
    let path = format!(
        "/results?execution_datetime={}&benchmark_id={}&flavor_id={}",
        when.replace('+', "%2B"),
        f.benchmark,
        f.flavor
    );
    app.call(Method::POST, &path, Some(&f.user.token), Some(json)).await
}

/// The ids of the items of a page, in order.
pub fn ids(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap_or_else(|| panic!("not a page: {page}")).iter().map(id_of).collect()
}

/// `ids` sorted, for endpoints without a defined order.
pub fn id_set(page: &Value) -> Vec<String> {
    let mut ids = ids(page);
    ids.sort();
    ids
}

/// Sorted copies of `ids`.
pub fn sorted(ids: &[&String]) -> Vec<String> {
    let mut out: Vec<String> = ids.iter().map(|s| (*s).clone()).collect();
    out.sort();
    out
}

/// `GET path` (optionally with a token) that must answer 200; returns the body.
pub async fn page_as(app: &TestApp, token: Option<&str>, path: &str) -> Value {
    let (status, body) = app.call(Method::GET, path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// `GET path` without token that must answer 200.
pub async fn page(app: &TestApp, path: &str) -> Value {
    page_as(app, None, path).await
}

/// The query string of an upload: the zone's `+` percent-encoded, tags repeated.
pub fn context(benchmark: &str, flavor: &str, when: &str, tags: &[&String]) -> String {
    let mut q = format!(
        "execution_datetime={}&benchmark_id={benchmark}&flavor_id={flavor}",
        when.replace('+', "%2B")
    );
    for t in tags {
        q.push_str(&format!("&tags_ids={t}"));
    }
    q
}

/// `POST /results?<query>` with an optional token and body.
pub async fn post_result(
    app: &TestApp,
    token: Option<&str>,
    query: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    app.call(Method::POST, &format!("/results?{query}"), token, body).await
}

/// Uploads `json` as `user` on any benchmark and flavor with tags; asserts 201 and returns the id.
pub async fn upload_by(
    app: &TestApp,
    user: &TestUser,
    benchmark: &str,
    flavor: &str,
    json: Value,
    when: &str,
    tags: &[&String],
) -> String {
    let query = context(benchmark, flavor, when, tags);
    let (status, body) = post_result(app, Some(&user.token), &query, Some(json)).await;
    assert_eq!(status, StatusCode::CREATED, "upload {query}: {body}");
    id_of(&body)
}

/// Uploads `json` on the fixture as its user; asserts 201 and returns the id.
pub async fn uploaded(app: &TestApp, f: &Fixture, json: Value, when: &str) -> String {
    upload_by(app, &f.user, &f.benchmark, &f.flavor, json, when, &[]).await
}

/// Submits and approves a benchmark with this schema, returning its id.
pub async fn approved_benchmark(app: &TestApp, f: &Fixture, image: &str, tag: &str, schema: Value) -> String {
    let id = id_of(&app.create_benchmark(&f.user, image, tag, schema).await);
    app.approve_as(&f.admin, "benchmark", &id).await;
    id
}

/// Submits and approves a site with this address, returning its id.
pub async fn approved_site(app: &TestApp, f: &Fixture, name: &str, address: &str) -> String {
    let body = json!({"name": name, "address": address});
    let (status, site) = app.call(Method::POST, "/sites", Some(&f.user.token), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{site}");
    let id = id_of(&site);
    app.approve_as(&f.admin, "site", &id).await;
    id
}

/// Submits and approves a flavor on `site`, returning its id.
pub async fn approved_flavor(app: &TestApp, f: &Fixture, site: &str, name: &str) -> String {
    let id = id_of(&app.create_flavor(&f.user, site, name).await);
    app.approve_as(&f.admin, "flavor", &id).await;
    id
}

/// A past datetime `hours` ago, with a `Z`.
pub fn hours_ago(hours: i64) -> String {
    (Utc::now() - Duration::hours(hours)).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A 422 JSON-Schema violation body.
fn schema_violation(body: &Value) -> (String, String) {
    let errors = body["errors"].as_object().unwrap_or_else(|| panic!("no errors: {body}"));
    assert_eq!(errors.len(), 2, "only error and path: {body}");
    (errors["error"].as_str().unwrap().to_owned(), errors["path"].as_str().unwrap().to_owned())
}

async fn tag_ids_of(app: &TestApp, id: &str) -> Vec<String> {
    let result = page(app, &format!("/results/{id}")).await;
    let mut tags: Vec<String> = result["tags"].as_array().unwrap().iter().map(id_of).collect();
    tags.sort();
    tags
}

async fn put_tags(app: &TestApp, user: Option<&TestUser>, id: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::PUT, &format!("/results/{id}/tags"), user.map(|u| u.token.as_str()), Some(body)).await
}
