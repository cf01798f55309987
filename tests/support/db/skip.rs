//! A skipped PostgreSQL case must not look like a passed one. libtest has no "skipped at run
//! time" outcome and captures `eprintln!` of passing tests, so each skipped case writes one line
//! straight to stderr, and once the test process has exited a banner gives their count.

use std::io::Write;
use std::process::ChildStdin;
use std::sync::{Mutex, PoisonError};

use super::after_exit::{self, ScriptOutput};

/// The banner script's stdin: one line per skipped case.
static SKIPPED_CASES: Mutex<Option<ChildStdin>> = Mutex::new(None);

/// Counts the lines (skipped cases) it receives until the test process exits, then prints the
/// banner on the test process's stderr, after libtest's summary.
const BANNER_SCRIPT: &str = r#"
skipped=$(wc -l | tr -d ' ')
rule='=============================================================================='
printf '\n%s\n' "$rule" >&2
printf ' %s: %s PostgreSQL case(s) SKIPPED, NOT RUN (libtest counted them as passed).\n' \
  "$TEST_BINARY" "$skipped" >&2
printf ' Why: %s.\n' "$REASON" >&2
printf ' To run them: set TEST_DATABASE_URL, start a Docker engine, or install\n' >&2
printf " PostgreSQL's server binaries (initdb, pg_ctl). REQUIRE_POSTGRES=1 fails instead.\n" >&2
printf '%s\n\n' "$rule" >&2
"#;

/// Reports the calling PostgreSQL case as skipped for `reason`.
pub(super) fn record(reason: &str) {
    // libtest names each test's thread after the test.
    let case = std::thread::current().name().unwrap_or("a PostgreSQL case").to_owned();
    let mut banner = SKIPPED_CASES.lock().unwrap_or_else(PoisonError::into_inner);
    let mut stderr = std::io::stderr().lock();
    if banner.is_none() {
        let _ = writeln!(stderr, "PostgreSQL cases are SKIPPED in this run: {reason}.");
    }
    let _ = writeln!(stderr, "SKIPPED, not run (no PostgreSQL server): {case}");
    // nextest runs one process per case and shows its stderr only on failure: no banner there.
    if banner.is_none() && std::env::var_os("NEXTEST").is_none() {
        let binary = std::env::current_exe()
            .ok()
            .and_then(|path| path.file_name().map(|name| name.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "this test binary".to_owned());
        let vars = [("TEST_BINARY", binary.as_str()), ("REASON", reason)];
        *banner = after_exit::spawn(BANNER_SCRIPT, &vars, ScriptOutput::Stderr).ok();
    }
    if let Some(cases) = banner.as_mut() {
        let _ = cases.write_all(b"skipped\n");
    }
}
