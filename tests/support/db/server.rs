//! Where the PostgreSQL cases find their server, in this order:
//! 1. `TEST_DATABASE_URL` (CI sets it, with `REQUIRE_POSTGRES=1`);
//! 2. a throw-away server shared by this user's test processes ([`super::shared`]): a Docker
//!    container when a Docker engine answers, else a local cluster made with PostgreSQL's server
//!    binaries;
//! 3. none: the case is skipped, loudly ([`super::skip`]).
//!
//! The choice is made once per test process, when the first PostgreSQL case needs it.

use std::path::Path;

use super::{docker, local, shared};

/// How a throw-away server was started.
pub(super) struct Started {
    /// Superuser URL of its `postgres` database (with the generated password).
    pub(super) admin_url: String,
    /// One line for people: what runs where.
    pub(super) about: String,
    /// Shell command that stops it and frees what it holds.
    pub(super) stop_command: String,
}

/// A way to start a throw-away server.
pub(super) enum Starter {
    /// `docker run postgres:15`.
    Docker,
    /// `initdb` + `pg_ctl` from this directory.
    Local(local::Binaries),
}

impl Starter {
    /// Starts a server whose files, if any, go under `dir`. Blocking.
    pub(super) fn start(&self, dir: &Path) -> Result<Started, String> {
        match self {
            Self::Docker => docker::start(),
            Self::Local(binaries) => local::start(binaries, dir),
        }
    }

    fn name(&self) -> String {
        match self {
            Self::Docker => "a Docker container".to_owned(),
            Self::Local(binaries) => format!("a local cluster from {}", binaries.dir().display()),
        }
    }
}

/// What this process found, kept for its whole life.
enum Found {
    Attached(shared::Attached),
    /// Nothing to run on; the reason.
    Unavailable(String),
    /// A server should have started but did not; the error.
    Broken(String),
}

static FOUND: tokio::sync::OnceCell<Found> = tokio::sync::OnceCell::const_new();

/// The superuser URL the PostgreSQL cases create their databases from, or why there is none.
///
/// # Panics
/// When a throw-away server was due but could not be started: a broken set-up fails the cases
/// instead of skipping them.
pub(super) async fn admin_url() -> Result<String, String> {
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        return Ok(url);
    }
    match FOUND.get_or_init(find).await {
        Found::Attached(server) => Ok(server.admin_url.clone()),
        Found::Unavailable(reason) => Err(reason.clone()),
        Found::Broken(error) => panic!("{error}"),
    }
}

async fn find() -> Found {
    let starter = match tokio::task::spawn_blocking(choose_starter).await {
        Ok(Ok(starter)) => starter,
        Ok(Err(reason)) => return Found::Unavailable(reason),
        Err(error) => return Found::Broken(format!("looking for PostgreSQL failed: {error}")),
    };
    let name = starter.name();
    match shared::attach(starter).await {
        Ok(server) => Found::Attached(server),
        Err(error) => Found::Broken(format!(
            "TEST_DATABASE_URL is unset and the throw-away PostgreSQL server ({name}) did not start: {error}"
        )),
    }
}

/// A Docker engine first (what the design card's users run), then local server binaries; or
/// why neither can be used.
fn choose_starter() -> Result<Starter, String> {
    shared::supported_here()
        .map_err(|missing| format!("TEST_DATABASE_URL is unset and a throw-away server needs {missing}"))?;
    if docker::allowed() && docker::engine_answers() {
        return Ok(Starter::Docker);
    }
    local::find_binaries().map(Starter::Local).ok_or_else(unavailable_reason)
}

/// Why no throw-away server can be started here.
fn unavailable_reason() -> String {
    let binaries = match std::env::var_os(local::BIN_DIR_VAR) {
        Some(dir) => {
            format!("no initdb and pg_ctl in {} ({})", Path::new(&dir).display(), local::BIN_DIR_VAR)
        }
        None => "no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin or on PATH"
            .to_owned(),
    };
    let docker = if docker::allowed() {
        "no Docker engine answers `docker info`".to_owned()
    } else {
        format!("Docker is off ({})", docker::USE_DOCKER_VAR)
    };
    format!("TEST_DATABASE_URL is unset, {docker}, and {binaries}")
}
