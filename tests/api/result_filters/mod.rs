//! `GET /results`: equality, tag and date filters, JSON filters (§2.13, Q6 fixed), sorting on
//! every documented column and on JSON paths (§2.10), and pagination of filtered lists.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod by_context;
mod derived;
mod json_filters;
mod pages_and_freshness;
mod sorting;

use chrono::Utc;
use eosc_perf_tests::helpers::{id_of, sort_error};
use eosc_perf_tests::{
    TestApp,
    app::{bare, validation_error},
    backend_test,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::results::{
    Fixture, approved_benchmark, approved_flavor, approved_site, fixture, hours_ago, id_set, ids, page,
    sorted, upload, upload_by, uploaded,
};

/// Three results that every documented sort column orders differently (the six permutations).
struct World {
    f: Fixture,
    /// r1, r2, r3 in upload order.
    r: [String; 3],
    benchmarks: [String; 3],
    sites: [String; 3],
    flavors: [String; 3],
}

/// | result | executed   | benchmark | site (address)  | flavor | time |
/// | r1     | 2020-01-03 | bench:2   | beta (b.org)    | large  | 5    |
/// | r2     | 2020-01-01 | bench:1   | gamma (a.org)   | small  | 3    |
/// | r3     | 2020-01-02 | alpha:3   | alpha (c.org)   | medium | 7    |
async fn world(app: &TestApp) -> World {
    let f = fixture(app).await;
    let any = json!({"type": "object"});
    let benchmarks = [
        approved_benchmark(app, &f, "bench", "2", any.clone()).await,
        approved_benchmark(app, &f, "bench", "1", any.clone()).await,
        approved_benchmark(app, &f, "alpha", "3", any).await,
    ];
    let sites = [
        approved_site(app, &f, "beta", "b.org").await,
        approved_site(app, &f, "gamma", "a.org").await,
        approved_site(app, &f, "alpha", "c.org").await,
    ];
    let flavors = [
        approved_flavor(app, &f, &sites[0], "large").await,
        approved_flavor(app, &f, &sites[1], "small").await,
        approved_flavor(app, &f, &sites[2], "medium").await,
    ];
    let executed = ["2020-01-03T00:00:00Z", "2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z"];
    let times = [5, 3, 7];
    let mut r: Vec<String> = Vec::new();
    for i in 0..3 {
        let doc = json!({"time": times[i]});
        r.push(upload_by(app, &f.user, &benchmarks[i], &flavors[i], doc, executed[i], &[]).await);
    }
    let r: [String; 3] = r.try_into().unwrap();
    World { f, r, benchmarks, sites, flavors }
}

/// The ids of `/results?<query>`, in order.
async fn listed(app: &TestApp, query: &str) -> Vec<String> {
    ids(&page(app, &format!("/results?{query}")).await)
}

/// The ids of `/results?<query>`, sorted.
async fn matching(app: &TestApp, query: &str) -> Vec<String> {
    id_set(&page(app, &format!("/results?{query}")).await)
}

fn reversed(mut v: Vec<String>) -> Vec<String> {
    v.reverse();
    v
}

fn token_count_error(filter: &str, reason: &str) -> Value {
    json!({
        "code": 422,
        "status": "Unprocessable Entity",
        "errors": {
            "filter": filter,
            "reason": [reason],
            "hint": "Probably missing spaces (%20)",
            "example": "filters=machine.cpu.count%20%3E%205",
        },
    })
}

fn operator_error(filter: &str, op: &str) -> Value {
    json!({
        "code": 422,
        "status": "Unprocessable Entity",
        "message": {
            "filter": filter,
            "reason": [format!("Unknown filter operator: '{op}'")],
            "hint": "Use only one of ['==', '>', '<', '>=', '<=']",
            "example": "filters=machine.cpu.count%20%3E%205",
        },
    })
}

// ---------------------------------------------------------------------------------------------
// Equality, tag and date filters
