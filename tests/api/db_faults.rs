//! Database faults under load: backends terminated by an administrator (`pg_terminate_backend`)
//! while clients upload and read. Every answer is a success or a 503 with `Retry-After`, never
//! a 500 or a dropped connection, and every acknowledged upload is stored.

use std::{
    sync::atomic::{AtomicBool, AtomicUsize, Ordering},
    time::Duration,
};

use eosc_perf_tests::{
    Backend, TestApp,
    app::{RawResponse, execute},
    spawn_app,
};
use futures::future::join_all;
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::json;

use crate::results::{Fixture, fixture};

const UPLOADERS: usize = 6;
const READERS: usize = 4;
const ROUNDS: usize = 25;

/// What one client saw: acknowledged result ids and unexpected answers.
#[derive(Default)]
struct Seen {
    acknowledged: Vec<String>,
    unavailable: usize,
    unexpected: Vec<String>,
}

fn check_unavailable(resp: &RawResponse, seen: &mut Seen) {
    if resp.header("retry-after").is_none() {
        seen.unexpected.push("503 without Retry-After".into());
    }
    seen.unavailable += 1;
}

async fn uploader(app: &TestApp, f: &Fixture, n: usize) -> Seen {
    let mut seen = Seen::default();
    for round in 0..ROUNDS {
        let path = format!(
            "/results?execution_datetime=2024-01-01T00:00:00%2B00:00&benchmark_id={}&flavor_id={}",
            f.benchmark, f.flavor
        );
        let req = app
            .request(Method::POST, &path)
            .bearer_auth(&f.user.token)
            .json(&json!({"time": n * 1000 + round}));
        match execute(req).await {
            Ok(resp) if resp.status == StatusCode::CREATED => {
                let body: serde_json::Value = serde_json::from_str(&resp.text).unwrap_or_default();
                seen.acknowledged.push(body["id"].as_str().unwrap_or_default().to_owned());
            }
            Ok(resp) if resp.status == StatusCode::SERVICE_UNAVAILABLE => check_unavailable(&resp, &mut seen),
            Ok(resp) => seen.unexpected.push(format!("upload: {} {}", resp.status, resp.text)),
            Err(e) => seen.unexpected.push(format!("upload: transport error {e}")),
        }
    }
    seen
}

async fn reader(app: &TestApp, f: &Fixture) -> Seen {
    let mut seen = Seen::default();
    let paths = [
        "/results?per_page=20".to_owned(),
        "/tags".into(),
        format!("/flavors/{}", f.flavor),
        "/sites".into(),
    ];
    for round in 0..ROUNDS * 2 {
        match execute(app.request(Method::GET, &paths[round % paths.len()])).await {
            Ok(resp) if resp.status == StatusCode::OK => {}
            Ok(resp) if resp.status == StatusCode::SERVICE_UNAVAILABLE => check_unavailable(&resp, &mut seen),
            Ok(resp) => seen.unexpected.push(format!("read: {} {}", resp.status, resp.text)),
            Err(e) => seen.unexpected.push(format!("read: transport error {e}")),
        }
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn terminated_backends_lose_no_acknowledged_write_and_never_answer_500() {
    let Some(app) = spawn_app(Backend::Postgres).await else { return };
    let f = fixture(&app).await;
    let admin_url = eosc_perf_tests::db::postgres_admin_url().await.expect("PostgreSQL admin URL");
    let admin = Database::connect(&admin_url).await.expect("admin connection");
    let name = app.database_name();
    let done = AtomicBool::new(false);
    let terminated = AtomicUsize::new(0);
    let killer = async {
        while !done.load(Ordering::Relaxed) {
            let sql = format!(
                "SELECT count(*) AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = '{name}' AND pid <> pg_backend_pid()) AS t"
            );
            if let Ok(Some(row)) =
                admin.query_one_raw(Statement::from_string(admin.get_database_backend(), sql)).await
            {
                terminated.fetch_add(
                    usize::try_from(row.try_get::<i64>("", "n").unwrap_or(0)).unwrap_or(0),
                    Ordering::Relaxed,
                );
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    };
    let clients = async {
        let uploads = join_all((0..UPLOADERS).map(|n| uploader(&app, &f, n)));
        let reads = join_all((0..READERS).map(|_| reader(&app, &f)));
        let (mut all, reads) = futures::join!(uploads, reads);
        done.store(true, Ordering::Relaxed);
        all.extend(reads);
        all
    };
    let ((), seen) = futures::join!(killer, clients);

    let unexpected: Vec<&String> = seen.iter().flat_map(|s| &s.unexpected).collect();
    assert!(unexpected.is_empty(), "answers other than success or 503: {unexpected:#?}");
    assert!(terminated.load(Ordering::Relaxed) > 0, "no backend was terminated: the test proved nothing");
    let acknowledged: Vec<&String> = seen.iter().flat_map(|s| &s.acknowledged).collect();
    assert!(!acknowledged.is_empty(), "no upload succeeded at all");
    for id in &acknowledged {
        let (status, body) = app.get(&format!("/results/{id}")).await;
        assert_eq!(status, StatusCode::OK, "acknowledged result {id} is lost: {body}");
    }
    let unavailable: usize = seen.iter().map(|s| s.unavailable).sum();
    println!(
        "terminated {} backends; {} uploads acknowledged, {unavailable} answers were 503",
        terminated.load(Ordering::Relaxed),
        acknowledged.len()
    );
}
