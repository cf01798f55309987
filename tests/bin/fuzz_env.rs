//! `fuzz_env`: the server under test for API fuzzers (schemathesis in `.ci/schemathesis.sh`).
//!
//! Starts the real application exactly as the black-box suites do (`spawn_app`: a fresh
//! database, the loopback mock OIDC provider as the only trusted issuer, the SMTP sink and the
//! mock registry), seeds the sample data set, registers a user and an admin, then prints
//! shell-style lines to stdout and keeps serving until SIGINT or SIGTERM:
//!
//! ```text
//! FUZZ_BACKEND=postgres
//! FUZZ_URL=http://127.0.0.1:41234
//! FUZZ_USER_TOKEN=<opaque token of a registered user>
//! FUZZ_ADMIN_TOKEN=<opaque token of a registered admin>
//! FUZZ_READY=1
//! ```
//!
//! The database is PostgreSQL when `TEST_DATABASE_URL` is set (a fresh database on that
//! server, dropped on exit), SQLite otherwise.

use std::io::Write as _;

use eosc_perf_tests::{Backend, sample, spawn_app};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let backend =
        if std::env::var_os("TEST_DATABASE_URL").is_some() { Backend::Postgres } else { Backend::Sqlite };
    let app = spawn_app(backend)
        .await
        .ok_or_else(|| anyhow::anyhow!("the {backend:?} test database is not configured"))?;
    let seeded = sample::seed(&app, "").await;
    let user = app.registered("fuzz-user").await;
    let mut out = std::io::stdout().lock();
    writeln!(out, "FUZZ_BACKEND={}", format!("{backend:?}").to_lowercase())?;
    writeln!(out, "FUZZ_URL={}", app.address)?;
    writeln!(out, "FUZZ_USER_TOKEN={}", user.token)?;
    writeln!(out, "FUZZ_ADMIN_TOKEN={}", seeded.admin.token)?;
    writeln!(out, "FUZZ_READY=1")?;
    out.flush()?;
    drop(out);
    wait_for_stop().await?;
    eprintln!("fuzz_env: stopping");
    // Dropping the app drops its database.
    drop(app);
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
async fn wait_for_stop() -> anyhow::Result<()> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        interrupted = tokio::signal::ctrl_c() => interrupted?,
        _ = terminate.recv() => {}
    }
    Ok(())
}
