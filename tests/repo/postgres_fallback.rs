//! Without `TEST_DATABASE_URL`, a PostgreSQL case never passes silently: it runs on a throw-away
//! cluster that is removed afterwards, fails when that cluster cannot start, or is reported as
//! skipped. Each scenario runs this test binary again, as a child process limited to the
//! PostgreSQL migration case, with its own `TMPDIR` (so its own throw-away cluster) and Docker
//! off (so the outcome does not depend on an engine being up).

use std::fs;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const CASE: &str = "migrations::migrations_run_up_down_up_on_postgres";

/// A directory removed when dropped; readable by a cluster's own account when run as root.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new() -> Self {
        let path = std::env::temp_dir().join(format!("eosc-perf-fallback-{}", uuid::Uuid::new_v4().simple()));
        fs::DirBuilder::new().mode(0o755).create(&path).expect("create a scratch directory");
        Self(path)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Runs [`CASE`] in a child process without `TEST_DATABASE_URL`; its success, and its stderr
/// followed by its stdout (where libtest reports a failed case's panic).
fn run_case(tmpdir: &Path, vars: &[(&str, &str)]) -> (bool, String) {
    let output = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", CASE])
        .env_remove("TEST_DATABASE_URL")
        .env_remove("REQUIRE_POSTGRES")
        .env_remove("EOSC_PERF_TEST_PG_BIN")
        .env_remove("NEXTEST")
        .env("EOSC_PERF_TEST_DOCKER", "0")
        .env("TMPDIR", tmpdir)
        .envs(vars.iter().copied())
        .output()
        .expect("run the test binary again");
    let text = [output.stderr, output.stdout].concat();
    (output.status.success(), String::from_utf8_lossy(&text).into_owned())
}

fn postgres_required() -> bool {
    std::env::var("REQUIRE_POSTGRES").is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

#[test]
fn without_any_postgresql_a_case_is_reported_skipped_with_a_count() {
    let tmpdir = ScratchDir::new();
    let (passed, output) = run_case(&tmpdir.0, &[("EOSC_PERF_TEST_PG_BIN", "/nonexistent")]);
    assert!(passed, "{output}");
    assert!(output.contains(&format!("SKIPPED, not run (no PostgreSQL server): {CASE}")), "{output}");
    assert!(output.contains("1 PostgreSQL case(s) SKIPPED, NOT RUN"), "no banner with the count: {output}");
    assert!(output.contains("no initdb and pg_ctl in /nonexistent"), "{output}");
}

#[test]
fn without_any_postgresql_a_required_case_fails() {
    let tmpdir = ScratchDir::new();
    let vars = [("EOSC_PERF_TEST_PG_BIN", "/nonexistent"), ("REQUIRE_POSTGRES", "1")];
    let (passed, output) = run_case(&tmpdir.0, &vars);
    assert!(!passed, "{output}");
    assert!(output.contains("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is unset"), "{output}");
}

#[test]
fn a_throw_away_cluster_that_cannot_start_fails_the_case() {
    let tmpdir = ScratchDir::new();
    let binaries = tmpdir.0.join("bin");
    fs::create_dir(&binaries).expect("create bin");
    for tool in ["initdb", "pg_ctl"] {
        let path = binaries.join(tool);
        fs::write(&path, "#!/bin/sh\necho 'simulated breakage' >&2\nexit 1\n").expect("write a tool");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("make it executable");
    }
    let (passed, output) = run_case(&tmpdir.0, &[("EOSC_PERF_TEST_PG_BIN", &binaries.to_string_lossy())]);
    assert!(!passed, "{output}");
    assert!(output.contains("did not start"), "{output}");
    assert!(output.contains("simulated breakage"), "{output}");
}

#[test]
fn without_test_database_url_a_case_runs_on_a_throw_away_cluster_removed_afterwards() {
    let Some(binaries) = eosc_perf_tests::db::postgres_server_binaries() else {
        assert!(!postgres_required(), "REQUIRE_POSTGRES=1 but no initdb and pg_ctl to start a cluster with");
        return;
    };
    let tmpdir = ScratchDir::new();
    let (passed, output) = run_case(&tmpdir.0, &[("EOSC_PERF_TEST_PG_BIN", &binaries.to_string_lossy())]);
    assert!(passed, "{output}");
    assert!(output.contains("throw-away server (started): local cluster at 127.0.0.1:"), "{output}");
    assert!(!output.contains("SKIPPED"), "{output}");
    // The clean-up lingers three seconds in case another test process wants the cluster.
    let deadline = Instant::now() + Duration::from_secs(30);
    let leftovers = || fs::read_dir(&tmpdir.0).expect("list the scratch directory").count();
    while leftovers() > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    let left: Vec<_> = fs::read_dir(&tmpdir.0).expect("list").flatten().map(|e| e.file_name()).collect();
    assert!(left.is_empty(), "left behind in {}: {left:?}", tmpdir.0.display());
}
