//! A small, varied data set for tests that look at responses as a whole (the OpenAPI
//! conformance suite, the schemathesis environment): approved and pending catalog items, a
//! tagged result, a result with a pending claim and a result whose claim was approved, so
//! that every list and every representation the server sends has something in it.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{TestApp, TestUser, helpers::id_of};

/// The ids and users of [`seed`].
#[derive(Debug, Clone)]
pub struct Sample {
    /// A registered user who uploaded everything.
    pub user: TestUser,
    /// A registered admin who approved the approved items.
    pub admin: TestUser,
    /// An approved benchmark (schema: `time` integer).
    pub benchmark: String,
    /// An approved site.
    pub site: String,
    /// An approved flavor of [`Sample::site`].
    pub flavor: String,
    /// A pending site (a submit).
    pub pending_site: String,
    /// A tag.
    pub tag: String,
    /// A visible result with [`Sample::tag`].
    pub result: String,
    /// A result hidden by a pending claim.
    pub claimed_result: String,
    /// The pending claim on [`Sample::claimed_result`].
    pub claim: String,
}

async fn created(app: &TestApp, user: &TestUser, path: &str, body: Option<Value>) -> String {
    let (status, answer) = app.call(Method::POST, path, Some(&user.token), body).await;
    assert_eq!(status, StatusCode::CREATED, "POST {path}: {answer}");
    id_of(&answer)
}

async fn upload(app: &TestApp, s: &Sample, when: &str, tags: &[&str], json: Value) -> String {
    let mut path =
        format!("/results?execution_datetime={when}&benchmark_id={}&flavor_id={}", s.benchmark, s.flavor);
    for tag in tags {
        path.push_str(&format!("&tags_ids={tag}"));
    }
    created(app, &s.user, &path, Some(json)).await
}

/// Fills the app's database with the sample data set; `prefix` keeps names unique when it is
/// called more than once on one database.
///
/// # Panics
/// When the server refuses a step.
pub async fn seed(app: &TestApp, prefix: &str) -> Sample {
    let user = app.registered(&format!("{prefix}uploader")).await;
    let admin = app.admin(&format!("{prefix}admin")).await;
    let schema = json!({"type": "object", "properties": {"time": {"type": "integer"}}});
    let benchmark_body = json!({
        "docker_image": format!("{prefix}deephdc/bench"),
        "docker_tag": "1.0",
        "url": "https://example.org/bench",
        "json_schema": schema,
        "description": "A sample benchmark",
    });
    let benchmark = id_of(&app.create_benchmark_with(&user, benchmark_body).await);
    let site = id_of(&app.create_site(&user, &format!("{prefix}site")).await);
    // A flavor with every spec member, so that every flavor representation checked against
    // the served document carries them (issue 11).
    let flavor_body = json!({
        "name": "small",
        "vcpus": 2,
        "memory_gib": 4,
        "gpus": {"model": "NVIDIA T4", "count": 1},
        "architecture": "x86_64",
        "disk_gib": 50,
        "region": "eu-central",
        "price": {"amount": 0.12, "currency": "EUR", "per": "hour", "as_of": "2026-11-30"},
    });
    let flavor = created(app, &user, &format!("/sites/{site}/flavors"), Some(flavor_body)).await;
    for (kind, id) in [("benchmark", &benchmark), ("site", &site), ("flavor", &flavor)] {
        app.approve_as(&admin, kind, id).await;
    }
    let pending_site = id_of(&app.create_site(&user, &format!("{prefix}pending-site")).await);
    let tag_body = json!({"name": format!("{prefix}gpu"), "description": "Runs on a GPU"});
    let tag = created(app, &user, "/tags", Some(tag_body)).await;
    let mut sample = Sample {
        user,
        admin,
        benchmark,
        site,
        flavor,
        pending_site,
        tag,
        result: String::new(),
        claimed_result: String::new(),
        claim: String::new(),
    };
    let tag = sample.tag.clone();
    sample.result = upload(app, &sample, "2021-09-08T20:37:10.192459Z", &[&tag], json!({"time": 10})).await;
    sample.claimed_result = upload(app, &sample, "2022-01-01T00:00:00Z", &[], json!({"time": 12})).await;
    let claim_path = format!("/results/{}:claim", sample.claimed_result);
    sample.claim = created(app, &sample.admin, &claim_path, Some(json!({"message": "Looks wrong"}))).await;
    let approved_result = upload(app, &sample, "2022-02-02T02:02:02Z", &[], json!({"time": 14})).await;
    let approved_claim_path = format!("/results/{approved_result}:claim");
    let approved_claim =
        created(app, &sample.admin, &approved_claim_path, Some(json!({"message": "Duplicate"}))).await;
    let approve = format!("/reports/claims/{approved_claim}:approve");
    let (status, body) = app.call(Method::POST, &approve, Some(&sample.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "approve claim: {body}");
    sample
}
