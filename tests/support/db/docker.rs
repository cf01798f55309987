//! A throw-away `postgres:15` container, published on a free port of 127.0.0.1, with a
//! generated password. Used when a Docker engine answers; a docker client without an engine
//! (`docker info` fails) just moves on to the next option.

use std::process::{Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use super::server::Started;

const IMAGE: &str = "postgres:15";

/// How long the container may take to accept connections (the image initialises a cluster on
/// its first start).
const READY_WITHIN: Duration = Duration::from_secs(120);

/// `0`, `off` or `false` keeps the tests off Docker even when an engine answers.
pub(super) const USE_DOCKER_VAR: &str = "EOSC_PERF_TEST_DOCKER";

/// Whether Docker may be used (see [`USE_DOCKER_VAR`]).
pub(super) fn allowed() -> bool {
    std::env::var(USE_DOCKER_VAR)
        .map_or(true, |value| !["0", "off", "false"].contains(&value.trim().to_ascii_lowercase().as_str()))
}

/// Whether a Docker engine answers (not just a client installed).
pub(super) fn engine_answers() -> bool {
    Command::new("docker")
        .arg("info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// `docker <args>`'s trimmed stdout, or its stderr as the error.
fn docker(args: &[&str]) -> Result<String, String> {
    let output =
        Command::new("docker").args(args).stdin(Stdio::null()).output().map_err(|e| e.to_string())?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    } else {
        Err(format!("`docker {}`: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim()))
    }
}

/// Starts the container and waits until PostgreSQL accepts TCP connections. Blocking.
pub(super) fn start() -> Result<Started, String> {
    let password = uuid::Uuid::new_v4().simple().to_string();
    let password_env = format!("POSTGRES_PASSWORD={password}");
    let id = docker(&[
        "run",
        "-d",
        "--rm",
        "-p",
        "127.0.0.1::5432",
        "-e",
        &password_env,
        IMAGE,
        "-c",
        "fsync=off",
    ])?;
    let short_id: String = id.chars().take(12).collect();
    match published_port(&id).and_then(|port| wait_until_ready(&id).map(|()| port)) {
        Ok(port) => Ok(Started {
            admin_url: format!("postgres://postgres:{password}@127.0.0.1:{port}/postgres"),
            about: format!("Docker container {short_id} ({IMAGE}) at 127.0.0.1:{port}"),
            stop_command: format!("docker rm -f {short_id}"),
        }),
        Err(error) => {
            let _ = docker(&["rm", "-f", &id]);
            Err(error)
        }
    }
}

/// The host port Docker chose for the container's 5432 (`docker port` prints `127.0.0.1:<port>`).
fn published_port(id: &str) -> Result<u16, String> {
    let mapping = docker(&["port", id, "5432/tcp"])?;
    mapping
        .lines()
        .find_map(|line| line.rsplit(':').next()?.parse().ok())
        .ok_or_else(|| format!("unexpected `docker port` output: {mapping}"))
}

/// The image first runs a temporary server on a Unix socket only, so readiness is a TCP check
/// from inside the container.
fn wait_until_ready(id: &str) -> Result<(), String> {
    let deadline = Instant::now() + READY_WITHIN;
    loop {
        if docker(&["exec", id, "pg_isready", "-q", "-h", "127.0.0.1", "-U", "postgres"]).is_ok() {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("container {id} not ready within {READY_WITHIN:?}"));
        }
        sleep(Duration::from_millis(250));
    }
}
