//! `DATABASE_READ_URL`: list reads on a real streaming hot standby that the test starts beside
//! its own primary (`pg_basebackup -R`, another port). Replay is paused on the standby to make
//! its answers tell themselves apart from the primary's: a client that just wrote sees its
//! write at once (primary), another client gets the standby's older answer until replay
//! resumes. A standby outage sends reads to the primary with no 5xx.

use std::time::Duration;

use eosc_perf_tests::{
    TestApp, TestDb,
    app::spawn_app_on,
    db::StreamingStandby,
    helpers::id_of,
    sample::{Sample, seed},
};
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};

const DATABASE: &str = "eosc_perf_replica";

/// A primary and a standby, and the app on them with `overrides`; `None` when skipped.
async fn app_on_standby(overrides: &[(&str, &str)]) -> Option<(StreamingStandby, TestApp)> {
    let pair = StreamingStandby::start().await?;
    let admin = Database::connect(&pair.primary_url).await.expect("connect to the primary");
    admin.execute_unprepared(&format!("CREATE DATABASE {DATABASE}")).await.expect("create the database");
    admin.close().await.ok();
    let primary = StreamingStandby::database(&pair.primary_url, DATABASE);
    let standby = StreamingStandby::database(&pair.standby_url, DATABASE);
    let mut vars = vec![("DATABASE_READ_URL", standby.as_str())];
    vars.extend_from_slice(overrides);
    let app = spawn_app_on(TestDb::existing_postgres(primary), &vars, |_| {}).await;
    Some((pair, app))
}

/// The result list's total and ids as `token`'s client (anonymous with `None`) sees them.
async fn results(app: &TestApp, token: Option<&str>) -> (u64, Vec<String>) {
    let (status, body) = app.call(Method::GET, "/results?per_page=100", token, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ids = body["items"].as_array().expect("items").iter().map(id_of).collect();
    (body["total"].as_u64().expect("total"), ids)
}

/// Waits until the anonymous client (the standby, once replay caught up) sees `total` results.
async fn anonymous_sees(app: &TestApp, total: u64) {
    for _ in 0..300 {
        if results(app, None).await.0 == total {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the anonymous client never saw {total} results");
}

async fn upload(app: &TestApp, sample: &Sample, time: u64) -> String {
    let path = format!(
        "/results?execution_datetime=2023-03-03T03:03:03Z&benchmark_id={}&flavor_id={}",
        sample.benchmark, sample.flavor
    );
    let (status, body) =
        app.call(Method::POST, &path, Some(&sample.user.token), Some(json!({"time": time}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    id_of(&body)
}

async fn standby_admin(pair: &StreamingStandby) -> DatabaseConnection {
    Database::connect(&pair.standby_url).await.expect("connect to the standby")
}

async fn replay_state(standby: &DatabaseConnection) -> String {
    let row = standby
        .query_one_raw(sea_orm::Statement::from_string(
            standby.get_database_backend(),
            "SELECT pg_get_wal_replay_pause_state() AS state",
        ))
        .await
        .expect("replay state")
        .expect("a row");
    row.try_get("", "state").expect("state")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writers_read_their_writes_while_other_clients_read_the_standby() {
    // A long window and lag bound: the phases below must not depend on how fast this runs.
    let settings = [("READ_YOUR_WRITES_SECONDS", "600"), ("DATABASE_READ_MAX_LAG_SECONDS", "3600")];
    let Some((pair, app)) = app_on_standby(&settings).await else { return };
    let sample = seed(&app, "replica-").await;
    let (total, _) = results(&app, Some(&sample.user.token)).await;
    anonymous_sees(&app, total).await;

    let standby = standby_admin(&pair).await;
    standby.execute_unprepared("SELECT pg_wal_replay_pause()").await.expect("pause replay");
    for _ in 0..100 {
        if replay_state(&standby).await == "paused" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(replay_state(&standby).await, "paused");

    let new = upload(&app, &sample, 20).await;
    let (writer_total, writer_ids) = results(&app, Some(&sample.user.token)).await;
    assert_eq!(writer_total, total + 1, "the writer sees its write at once");
    assert!(writer_ids.contains(&new));
    let (other_total, other_ids) = results(&app, None).await;
    assert_eq!(other_total, total, "another client is served by the paused standby");
    assert!(!other_ids.contains(&new));
    // The same for a search and for the catalog lists.
    let tag = app.create_tag(&sample.user, "replica-new-tag").await;
    let (_, writer_tags) = app.call(Method::GET, "/tags?per_page=100", Some(&sample.user.token), None).await;
    let (_, other_tags) = app.get("/tags?per_page=100").await;
    let has_tag = |page: &Value| page["items"].as_array().unwrap().iter().any(|t| t["id"] == tag["id"]);
    assert!(has_tag(&writer_tags) && !has_tag(&other_tags), "{writer_tags} {other_tags}");
    let (status, searched) = app.get("/results:search?terms=replica").await;
    assert_eq!(status, StatusCode::OK, "{searched}");

    let (status, ready) = app.get("/health/ready").await;
    assert_eq!((status, &ready["standby"]["serving_reads"]), (StatusCode::OK, &json!(true)), "{ready}");
    let (_, metrics) = app.call(Method::GET, "/metrics", None, None).await;
    let metrics = metrics.as_str().unwrap_or_default().to_owned();
    assert!(metrics.contains("eosc_perf_db_standby_up 1"), "{metrics}");

    standby.execute_unprepared("SELECT pg_wal_replay_resume()").await.expect("resume replay");
    anonymous_sees(&app, total + 1).await;
    assert!(results(&app, None).await.1.contains(&new), "after replay the standby answers the new list");
    drop(app);
    drop(pair);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standby_outage_sends_reads_to_the_primary_without_errors() {
    let Some((pair, app)) = app_on_standby(&[("READ_YOUR_WRITES_SECONDS", "0.5")]).await else { return };
    let sample = seed(&app, "outage-").await;
    let (total, _) = results(&app, Some(&sample.user.token)).await;
    anonymous_sees(&app, total).await;

    pair.stop_standby();
    let flavors = format!("/sites/{}/flavors", sample.site);
    for path in ["/results", "/results:search?terms=x", "/tags", "/sites", "/benchmarks", &flavors] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, StatusCode::OK, "GET {path} with the standby down: {body}");
    }
    let (status, ready) = app.get("/health/ready").await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    assert_eq!(ready["status"], "ready");
    assert_eq!(
        ready["standby"],
        json!({"replay_lag_seconds": null, "serving_reads": false, "status": "unavailable"})
    );
    let new = upload(&app, &sample, 30).await;
    // Once the writer's window has passed, everybody reads the primary meanwhile.
    anonymous_sees(&app, total + 1).await;
    assert!(results(&app, None).await.1.contains(&new));
    drop(app);
    drop(pair);
}
