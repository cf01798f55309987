//! A database outage is a 503, not a user error and not a 500.

use eosc_perf_tests::{Backend, spawn_app};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_answer_503_while_the_database_is_unreachable() {
    let Some(app) = spawn_app(Backend::Postgres).await else { return };
    let (status, _) = app.get("/tags").await;
    assert_eq!(status, StatusCode::OK);
    // Terminate the server's connections and make new ones impossible.
    let admin_url = eosc_perf_tests::db::postgres_admin_url().await.expect("PostgreSQL admin URL");
    let name = app.database_name();
    let admin = Database::connect(&admin_url).await.expect("admin connection");
    admin
        .execute_unprepared(&format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false"))
        .await
        .expect("forbid connections");
    admin
        .execute_unprepared(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
        ))
        .await
        .expect("terminate connections");
    let (status, body) = app.get("/tags").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["code"], 503);
    admin
        .execute_unprepared(&format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true"))
        .await
        .expect("allow connections");
    let mut recovered = false;
    for _ in 0..50 {
        if app.get("/tags").await.0 == StatusCode::OK {
            recovered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(recovered, "the server did not recover after the database came back");
}
