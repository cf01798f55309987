//! One throw-away PostgreSQL server shared by every test process of this user that runs at the
//! same time (cargo runs the `api` and `repo` binaries one after the other, nextest runs one
//! process per case), so only the first process pays for starting it.
//!
//! Its state lives in `$TMPDIR/eosc-perf-pg-<uid>/`: `server.url` (admin URL, with password),
//! `server.about` (one line for people), `stop.cmd` (the shell command that stops it), the data
//! directory of a local cluster, and two lock files:
//! - `setup.lock`, held exclusively while a process starts or reuses the server and while a
//!   process's clean-up decides whether to stop it;
//! - `users.lock`, held shared by every process using the server until it exits.
//!
//! Each process leaves behind a clean-up script ([`super::after_exit`]) that, once the process
//! has exited and nobody has held `users.lock` for three seconds, takes `setup.lock`, runs
//! `stop.cmd` and removes the whole directory (renamed first, so that the path is free at once,
//! not half removed). Whoever waited for a lock on a file removed meanwhile sees that the path
//! no longer names the file it locked and starts over. Linux only: the script needs `flock(1)`
//! and `/proc`.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database};

use super::after_exit::{self, ScriptOutput};
use super::server::{Started, Starter};

const SETUP_LOCK: &str = "setup.lock";
const USERS_LOCK: &str = "users.lock";
const URL_FILE: &str = "server.url";
const ABOUT_FILE: &str = "server.about";
const STOP_FILE: &str = "stop.cmd";

/// Runs once this process has exited: stops the server and removes the directory once no test
/// process has used it for three seconds, so that the next one (cargo's next test binary,
/// nextest's next case) reuses it instead of starting another. When another process uses it,
/// that process's own clean-up takes over. The first second leaves the exiting process time to
/// release its `users.lock`; the final check holds `setup.lock`, so no start or reuse is under
/// way.
const CLEAN_UP_SCRIPT: &str = r#"
cat >/dev/null
sleep 1
cd "$SHARED_DIR" 2>/dev/null || exit 0
for tick in $(seq 20); do
  exec 9<users.lock || exit 0
  flock -n 9 || exit 0
  exec 9<&-
  sleep 0.1
done
exec 8<setup.lock 9<users.lock || exit 0
flock 8
[ /proc/self/fd/8 -ef setup.lock ] || exit 0
flock -n 9 || exit 0
[ -f stop.cmd ] && sh stop.cmd
cd / && mv "$SHARED_DIR" "$SHARED_DIR.removed-$$" && rm -rf "$SHARED_DIR.removed-$$"
"#;

/// This process's hold on the shared server; kept until the process exits.
pub(super) struct Attached {
    /// Superuser URL of the server's `postgres` database.
    pub(super) admin_url: String,
    _users_lock: File,
    _clean_up: ChildStdin,
}

/// Reuses the shared server when one answers, else starts one with `starter`.
pub(super) async fn attach(starter: Starter) -> Result<Attached, String> {
    let dir = shared_dir()?;
    let lock_dir = dir.clone();
    let setup_lock = blocking(move || lock_setup(&lock_dir)).await??;
    // Created now: the clean-up script needs it even when the start below fails.
    let users_lock = open_lock(&dir.join(USERS_LOCK))?;
    let clean_up = after_exit::spawn(
        CLEAN_UP_SCRIPT,
        &[("SHARED_DIR", &dir.to_string_lossy())],
        ScriptOutput::Discarded,
    )
    .map_err(|e| format!("cannot start the clean-up script: {e}"))?;
    let (admin_url, about, reused) = match reusable_url(&dir, &users_lock).await? {
        Some(url) => (url, fs::read_to_string(dir.join(ABOUT_FILE)).unwrap_or_default(), true),
        None => {
            stop_stale_server(&dir)?;
            let start_dir = dir.clone();
            let started = blocking(move || starter.start(&start_dir)).await??;
            record(&dir, &started)?;
            (started.admin_url, started.about, false)
        }
    };
    let users_lock = blocking(move || users_lock.lock_shared().map(|()| users_lock))
        .await?
        .map_err(|e| format!("cannot lock {USERS_LOCK}: {e}"))?;
    drop(setup_lock);
    let how = if reused { "reusing" } else { "started" };
    announce(&format!(
        "PostgreSQL cases run on a throw-away server ({how}): {}; state in {}; removed when the \
         last test process using it exits",
        about.trim(),
        dir.display()
    ));
    Ok(Attached { admin_url, _users_lock: users_lock, _clean_up: clean_up })
}

/// `Err(what is missing)` where the clean-up script cannot work.
pub(super) fn supported_here() -> Result<(), &'static str> {
    if !Path::new("/proc/self/fd").is_dir() {
        return Err("Linux's /proc");
    }
    let flock = Command::new("flock").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    if !flock.is_ok_and(|status| status.success()) {
        return Err("flock(1) from util-linux");
    }
    Ok(())
}

/// `$TMPDIR/eosc-perf-pg-<uid>` (see [`lock_setup`]).
fn shared_dir() -> Result<PathBuf, String> {
    let uid = super::local::effective_uid()?;
    Ok(std::env::temp_dir().join(format!("eosc-perf-pg-{uid}")))
}

/// Creates `dir` (traversable for a cluster's own user when this process is root; refused when
/// someone else owns it) and takes `setup.lock` exclusively, starting over when the lock file
/// was removed while waiting.
fn lock_setup(dir: &Path) -> Result<File, String> {
    let uid = super::local::effective_uid()?;
    let mode = if uid == 0 { 0o755 } else { 0o700 };
    loop {
        match fs::DirBuilder::new().mode(mode).create(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(format!("cannot create {}: {e}", dir.display())),
        }
        let meta = fs::symlink_metadata(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if !meta.is_dir() || meta.uid() != uid {
            return Err(format!("{} is not a directory owned by uid {uid}", dir.display()));
        }
        let path = dir.join(SETUP_LOCK);
        let file = open_lock(&path)?;
        file.lock().map_err(|e| format!("cannot lock {}: {e}", path.display()))?;
        let locked = file.metadata().map_err(|e| e.to_string())?;
        if fs::metadata(&path).is_ok_and(|now| now.dev() == locked.dev() && now.ino() == locked.ino()) {
            return Ok(file);
        }
    }
}

fn open_lock(path: &Path) -> Result<File, String> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))
}

/// The recorded server URL, when other test processes use that server (a slow answer under
/// load must not get it stopped under them) or, unused, it still answers.
async fn reusable_url(dir: &Path, users_lock: &File) -> Result<Option<String>, String> {
    let Ok(url) = fs::read_to_string(dir.join(URL_FILE)) else { return Ok(None) };
    let url = url.trim().to_owned();
    match users_lock.try_lock() {
        Err(TryLockError::WouldBlock) => return Ok(Some(url)),
        Err(TryLockError::Error(e)) => return Err(format!("cannot lock {USERS_LOCK}: {e}")),
        Ok(()) => users_lock.unlock().map_err(|e| format!("cannot unlock {USERS_LOCK}: {e}"))?,
    }
    let mut options = ConnectOptions::new(url.clone());
    options.max_connections(1).connect_timeout(Duration::from_secs(10)).sqlx_logging(false);
    let Ok(conn) = Database::connect(options).await else { return Ok(None) };
    let answers = conn.execute_unprepared("SELECT 1").await.is_ok();
    conn.close().await.ok();
    Ok(answers.then_some(url))
}

/// Stops a recorded server that no longer answers and removes its files (not the locks).
fn stop_stale_server(dir: &Path) -> Result<(), String> {
    if dir.join(STOP_FILE).is_file() {
        let _ = Command::new("sh").arg(dir.join(STOP_FILE)).output();
    }
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name == SETUP_LOCK || name == USERS_LOCK {
            continue;
        }
        let path = entry.path();
        let removed = if path.is_dir() && !path.is_symlink() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        removed.map_err(|e| format!("cannot remove the stale {}: {e}", path.display()))?;
    }
    Ok(())
}

/// Writes the files other test processes and the clean-up script read.
fn record(dir: &Path, started: &Started) -> Result<(), String> {
    for (name, content) in
        [(STOP_FILE, &started.stop_command), (ABOUT_FILE, &started.about), (URL_FILE, &started.admin_url)]
    {
        let path = dir.join(name);
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&path)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        writeln!(file, "{content}").map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// One line on stderr that libtest does not capture.
fn announce(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "eosc-perf tests: {line}");
}

/// Runs blocking work (locks, child processes) off the test's runtime threads.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    tokio::task::spawn_blocking(work).await.map_err(|e| format!("setup thread failed: {e}"))
}
