//! Claims (§4.2, §4.3, §5.5, §8): claiming hides a result; admins list, read, approve and reject
//! claims; rejecting the last pending claim restores the result (Q1 fixed); a result carries
//! several claims (Q2 fixed); cascades orphan claims; the claim mails.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod cascades;
mod decisions;
mod listing;
mod of_a_result;
mod submit;

use chrono::{Duration, Utc};
use eosc_perf_tests::helpers::{id_of, naive};
use eosc_perf_tests::{
    TestApp, TestUser,
    app::{SUPPORT, bare, handler_error, unauthenticated, validation_error},
    backend_test,
    smtp::ReceivedMail,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::results::{
    Fixture, approved_flavor, approved_site, fixture, hours_ago, id_set, ids, page, page_as, sorted,
    upload_by, uploaded,
};

const FROM: &str = "perf@example.org";

/// Claims `result` as `user` with `message`; asserts 201 and returns the claim.
async fn claim(app: &TestApp, user: &TestUser, result: &str, message: &str) -> Value {
    let path = format!("/results/{result}:claim");
    let (status, body) =
        app.call(Method::POST, &path, Some(&user.token), Some(json!({"message": message}))).await;
    assert_eq!(status, StatusCode::CREATED, "claim {result}: {body}");
    body
}

/// `POST /reports/claims/{id}:<verb>` as `user`.
async fn decide(app: &TestApp, user: Option<&TestUser>, claim: &str, verb: &str) -> (StatusCode, Value) {
    let path = format!("/reports/claims/{claim}:{verb}");
    app.call(Method::POST, &path, user.map(|u| u.token.as_str()), None).await
}

/// Approves or rejects `claim` as `admin`, asserting 204.
async fn decided(app: &TestApp, admin: &TestUser, claim: &str, verb: &str) {
    let (status, body) = decide(app, Some(admin), claim, verb).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null), "{verb} {claim}");
}

/// The public list's ids.
async fn visible(app: &TestApp) -> Vec<String> {
    id_set(&page(app, "/results").await)
}

/// The ids of a 200 claim page fetched with `user`'s token.
async fn claim_ids(app: &TestApp, user: &TestUser, path: &str) -> Vec<String> {
    id_set(&page_as(app, Some(&user.token), path).await)
}

/// A mail to `to` with support in Cc, from the server's address.
fn assert_addressed(mail: &ReceivedMail, to: &TestUser) {
    let subject = mail.subject();
    assert_eq!(mail.from, FROM, "{subject}");
    assert_eq!(mail.recipients, vec![to.email.clone(), SUPPORT.to_owned()], "{subject}: envelope");
    assert_eq!(mail.header("to").as_deref(), Some(to.email.as_str()), "{subject}");
    assert_eq!(mail.header("cc").as_deref(), Some(SUPPORT), "{subject}");
}

fn count(subjects: &[String], subject: &str) -> usize {
    subjects.iter().filter(|s| s.as_str() == subject).count()
}

/// The fixture, a second registered user and one result of the fixture's user.
async fn claimed_world(app: &TestApp) -> (Fixture, TestUser, String) {
    let f = fixture(app).await;
    let claimer = app.registered("claimer").await;
    let result = uploaded(app, &f, json!({"time": 1}), &hours_ago(1)).await;
    (f, claimer, result)
}

// ---------------------------------------------------------------------------------------------
// POST /results/{id}:claim
