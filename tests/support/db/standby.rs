//! A primary and its streaming hot standby, started from the local server binaries for one
//! test: a primary cluster (as [`super::local`] makes them, with `wal_level = replica` and a
//! replication line in `pg_hba.conf`), then `pg_basebackup -R -X stream` of it into a second
//! data directory started on another free port, which replays the primary's WAL as it comes.
//! Both are stopped and their directory removed when the value is dropped.

use std::fs;
use std::os::unix::fs::DirBuilderExt;
use std::path::PathBuf;
use std::process::Command;

use super::local::{self, Binaries, append, command_line, create, hand_over, launch, os, run};
use super::{postgres_required, skip};

/// Appended to the primary's `postgresql.conf` (the standby starts from a copy of it).
const REPLICATION_SETTINGS: &str = "
wal_level = replica
max_wal_senders = 4
hot_standby = on
";

/// Lets the superuser stream WAL from 127.0.0.1 with its password.
const REPLICATION_HBA: &str = "\nhost replication postgres 127.0.0.1/32 scram-sha-256\n";

/// A running primary and hot standby.
pub struct StreamingStandby {
    /// Superuser URL of the primary's `postgres` database.
    pub primary_url: String,
    /// Superuser URL of the standby's `postgres` database (read-only).
    pub standby_url: String,
    dir: PathBuf,
    /// Shell commands stopping the standby, then the primary.
    stop_standby: String,
    stop_primary: String,
}

impl StreamingStandby {
    /// Starts both; `None` (reported as skipped) when there are no server binaries, unless
    /// `REQUIRE_POSTGRES=1`.
    ///
    /// # Panics
    /// When PostgreSQL is required and there are no binaries, or when a cluster fails to start.
    pub async fn start() -> Option<Self> {
        let Some(binaries) = local::find_binaries() else {
            let reason = "no initdb, pg_ctl and pg_basebackup to start a primary and a standby with";
            assert!(!postgres_required(), "REQUIRE_POSTGRES=1 but {reason}");
            skip::record(reason);
            return None;
        };
        let started = tokio::task::spawn_blocking(move || start_pair(&binaries)).await.expect("start thread");
        Some(started.unwrap_or_else(|e| panic!("starting a primary and a streaming standby: {e}")))
    }

    /// Stops the standby at once (`pg_ctl stop -m immediate`), as an outage would.
    ///
    /// # Panics
    /// When it cannot be stopped.
    pub fn stop_standby(&self) {
        shell(&self.stop_standby).unwrap_or_else(|e| panic!("stopping the standby: {e}"));
    }

    /// `url` (one of this pair's) naming database `name` instead of `postgres`.
    pub fn database(url: &str, name: &str) -> String {
        super::replace_db_name(url, name)
    }
}

impl Drop for StreamingStandby {
    fn drop(&mut self) {
        let _ = shell(&self.stop_standby);
        let _ = shell(&self.stop_primary);
        if std::env::var("KEEP_TEST_DB").is_err() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn shell(command: &str) -> Result<(), String> {
    let status = Command::new("sh").arg("-c").arg(command).status().map_err(|e| e.to_string())?;
    if status.success() { Ok(()) } else { Err(format!("`{command}` failed ({status})")) }
}

/// Blocking: about three seconds (initdb, the base backup, two starts).
fn start_pair(binaries: &Binaries) -> Result<StreamingStandby, String> {
    let dir = std::env::temp_dir().join(format!("eosc-perf-standby-{}", uuid::Uuid::new_v4().simple()));
    let primary_dir = dir.join("primary");
    let standby_dir = dir.join("standby");
    for path in [&dir, &primary_dir, &standby_dir] {
        fs::DirBuilder::new()
            .mode(0o755)
            .create(path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    }
    let (account, password) = create(binaries, &primary_dir, REPLICATION_SETTINGS)?;
    let account = account.as_ref();
    append(&primary_dir.join("data/pg_hba.conf"), REPLICATION_HBA)?;
    let primary = launch(binaries, account, &primary_dir.join("data"), &password)?;
    let mut pair = StreamingStandby {
        primary_url: primary.admin_url.clone(),
        standby_url: String::new(),
        dir,
        stop_standby: "true".into(),
        stop_primary: primary.stop_command,
    };
    hand_over(&standby_dir, account)?;
    let port =
        primary.admin_url.rsplit(':').next().and_then(|rest| rest.split('/').next()).unwrap_or_default();
    let conninfo = format!("host=127.0.0.1 port={port} user=postgres password={password}");
    let data = standby_dir.join("data");
    let backup = [os("-D"), data.as_os_str(), os("-R"), os("-X"), os("stream"), os("-d"), os(&conninfo)];
    run(&command_line(account, &binaries.dir().join("pg_basebackup"), &backup))?;
    let standby = launch(binaries, account, &data, &password)?;
    pair.standby_url = standby.admin_url;
    pair.stop_standby = standby.stop_command;
    Ok(pair)
}
