//! Test support for eosc-perf's black-box suites: a fresh database per test (SQLite file or
//! PostgreSQL database), the real server on an ephemeral port, and loopback mocks of the
//! outside world (OIDC provider, SMTP server, container registry).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test support: a failed setup must abort the test"
)]

pub mod additions;
pub mod app;
pub mod conformance;
pub mod db;
pub mod helpers;
pub mod metrics;
pub mod oidc;
pub mod original;
pub mod recorder;
pub mod registry;
pub mod sample;
pub mod smtp;

pub use app::{TestApp, TestUser, spawn_app, spawn_app_with};
pub use db::{Backend, TestDb};

/// Runs an async test body once per backend: `sqlite` always, `postgres` on the server
/// [`db`] finds (`TEST_DATABASE_URL` or a throw-away one); with none, the `postgres` case returns
/// and is reported as skipped (a failure when `REQUIRE_POSTGRES=1`).
#[macro_export]
macro_rules! backend_test {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: $crate::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::spawn_app($crate::Backend::Sqlite).await.expect("sqlite app")).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::spawn_app($crate::Backend::Postgres).await {
                    run(app).await;
                }
            }
        }
    };
}
