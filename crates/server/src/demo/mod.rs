//! `eosc-perf demo`: a playground in one command. It serves on loopback only, trusts an
//! in-process issuer whose key is made at start (and no other), seeds sample data and prints
//! ready-to-paste curl commands with a user token and an admin token.
//!
//! The database is `DATABASE_URL`'s when that is set (seeded only when it holds no
//! benchmark yet, so a second run keeps the first run's data), else a temporary SQLite file
//! that is removed when the demo stops.

mod results;
mod seed;

use std::{
    net::{SocketAddr, ToSocketAddrs},
    path::PathBuf,
    sync::Arc,
    time::Duration,
};

use anyhow::Context;
use auth::DemoIssuer;
use infra::DbConfig;

use crate::Settings;

/// The demo's default address.
pub const DEFAULT_BIND: &str = "127.0.0.1:5000";
/// The `iss` of demo identities; never an issuer `serve` trusts.
pub const ISSUER: &str = "https://demo-issuer.eosc-perf.invalid";
/// The entitlement that makes the demo admin an admin.
pub const ADMIN_ENTITLEMENT: &str = "urn:eosc-perf:demo:admin";
/// How long the printed tokens stay valid.
const TOKEN_TTL: Duration = Duration::from_secs(12 * 3600);

/// Why a bind address is refused.
#[derive(Debug, thiserror::Error)]
#[error(
    "eosc-perf demo serves on loopback only: {0:?} is not a loopback address \
     (use 127.0.0.1:<port> or [::1]:<port>; `eosc-perf serve` is for other addresses)"
)]
pub struct NotLoopback(pub String);

/// `bind` when every address it names is a loopback one.
///
/// # Errors
/// [`NotLoopback`] otherwise, or when it names no address.
pub fn loopback_bind(bind: &str) -> Result<Vec<SocketAddr>, NotLoopback> {
    let addresses: Vec<SocketAddr> =
        bind.to_socket_addrs().map_err(|_| NotLoopback(bind.to_owned()))?.collect();
    if addresses.is_empty() || addresses.iter().any(|a| !a.ip().is_loopback()) {
        return Err(NotLoopback(bind.to_owned()));
    }
    Ok(addresses)
}

/// Runs the demo until SIGINT/SIGTERM.
///
/// # Errors
/// A non-loopback bind, or a failure to build, seed or serve.
pub async fn run(mut settings: Settings, bind: Option<String>) -> anyhow::Result<()> {
    let bind = bind.unwrap_or_else(|| DEFAULT_BIND.to_owned());
    let ip = loopback_bind(&bind)?[0].ip();
    settings.bind = bind;
    settings.admin_entitlements = vec![ADMIN_ENTITLEMENT.to_owned()];
    // Offline: no container registry to ask.
    settings.registry = None;
    let temporary = (settings.database.url == DbConfig::DEFAULT_URL).then(temporary_database);
    if let Some(path) = &temporary {
        settings.database.url = format!("sqlite://{}?mode=rwc", path.display());
    }
    let outcome = serve(settings, ip, temporary.is_some()).await;
    if let Some(path) = temporary {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    outcome
}

fn temporary_database() -> PathBuf {
    std::env::temp_dir().join(format!("eosc-perf-demo-{}.db", std::process::id()))
}

async fn serve(settings: Settings, ip: std::net::IpAddr, temporary: bool) -> anyhow::Result<()> {
    let issuer = Arc::new(DemoIssuer::generate(ISSUER)?);
    let app = crate::Application::build_demo(settings, Arc::clone(&issuer)).await?;
    let seeded = seed::seed(&app.db()).await.context("seeding the demo data")?;
    let address = format!("http://{}", SocketAddr::new(ip, app.port()));
    let user = issuer.token(seed::USER.0, seed::USER.1, &[], TOKEN_TTL)?;
    let admin = issuer.token(seed::ADMIN.0, seed::ADMIN.1, &[ADMIN_ENTITLEMENT.to_owned()], TOKEN_TTL)?;
    let running = tokio::spawn(app.run_until_stopped());
    // The banner comes once the server answers: by then it also handles Ctrl-C and SIGTERM
    // (so that the temporary database is removed).
    wait_until_live(&address).await;
    println!("{}", banner(&address, &user, &admin, seeded, temporary));
    running.await??;
    Ok(())
}

/// Polls `/health/live` for up to ten seconds.
async fn wait_until_live(address: &str) {
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client.get(format!("{address}/health/live")).send().await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tracing::warn!("{address}/health/live did not answer within ten seconds");
}

/// What the demo prints once it serves.
fn banner(address: &str, user: &str, admin: &str, seeded: Option<seed::Seeded>, temporary: bool) -> String {
    let data = match seeded {
        Some(s) => format!(
            "seeded {} results, {} benchmarks, {} sites, {} flavors, {} tags, 1 pending claim, {} pending submits",
            s.results, s.benchmarks, s.sites, s.flavors, s.tags, s.submits
        ),
        None => "the database already held data: not seeded again".to_owned(),
    };
    let storage = if temporary { "a temporary SQLite file, removed at exit" } else { "DATABASE_URL" };
    format!(
        "\neosc-perf demo serving on {address} ({data}; stored in {storage}).\n\
         Tokens are valid for 12 hours and trusted by this process only. Stop with Ctrl-C.\n\n\
         # Browse (no token)\n\
         curl -s '{address}/results?per_page=2'\n\
         curl -s '{address}/sites'\n\n\
         # As the demo user ({user_email})\n\
         curl -s {address}/users/self -H 'Authorization: Bearer {user}'\n\
         curl -s -X POST {address}/tags -H 'Authorization: Bearer {user}' -H 'Content-Type: application/json' -d '{{\"name\": \"my-tag\"}}'\n\
         curl -s '{address}/users/self/claims?status=on_review' -H 'Authorization: Bearer {user}'\n\n\
         # As the demo admin ({admin_email})\n\
         curl -s {address}/reports/submits -H 'Authorization: Bearer {admin}'\n\
         curl -s '{address}/reports/claims?status=on_review' -H 'Authorization: Bearer {admin}'\n",
        user_email = seed::USER.1,
        admin_email = seed::ADMIN.1,
    )
}

#[cfg(test)]
mod tests {
    use super::loopback_bind;

    #[test]
    fn only_loopback_addresses_are_accepted() {
        for ok in ["127.0.0.1:5000", "[::1]:5000", "127.0.0.1:0", "localhost:5000"] {
            assert!(loopback_bind(ok).is_ok(), "{ok}");
        }
        for refused in ["0.0.0.0:5000", "[::]:5000", "192.0.2.1:5000", "nonsense"] {
            let err = loopback_bind(refused).unwrap_err().to_string();
            assert!(err.contains("loopback only"), "{refused}: {err}");
        }
    }
}
