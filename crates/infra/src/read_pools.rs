//! Where a read goes: the primary (`DATABASE_URL`), or the PostgreSQL hot standby of
//! `DATABASE_READ_URL`.
//!
//! Writes and everything inside a unit of work always use the primary. A repository's list
//! reads ask [`ReadPools::reader`] for their connection at each statement; it answers the
//! standby only when all of these hold:
//! - a standby is configured and its last check found it reachable and no further behind than
//!   the allowed lag ([`StandbyConfig::max_lag`]);
//! - the running task is inside [`allowing_standby`] (the HTTP layer wraps the safe requests of
//!   clients that did not write recently) and has not been pinned to the primary.
//!
//! Once a read of a task used the primary, the task stays on the primary (a read never moves
//! from the primary to the standby within one request). That keeps the change-counter caches
//! exact: a cached answer is stored only when the counter read before and after its statements
//! agree, and all of them ran on one server, or moved from the standby to the primary, whose
//! counters are the same sequence (each counter value stands for the same committed data on
//! both, the counter being bumped in the transaction of every change and replayed with it).
//! An old page can thus not be stored under a newer counter value.
//!
//! A read that fails on the standby with a connection-level error marks it down, pins the task
//! to the primary and runs again there ([`ReadPools::read`]); the background check
//! ([`ReadPools::check_standby`]) brings it back.

use std::{
    cell::Cell,
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::Duration,
};

use domain::RepoError;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use crate::error::{DbResultExt, read_retrying};

/// How long a standby check may take.
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(1);

/// How a task's reads are routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    /// The standby, while it is usable.
    Standby,
    /// The primary, for the rest of the task.
    Primary,
}

tokio::task_local! {
    static ROUTE: Cell<Route>;
}

/// Runs `work` with its reads allowed on the standby (the HTTP layer wraps the safe requests of
/// clients outside their read-your-writes window in it). Reads outside it use the primary.
pub async fn allowing_standby<F: Future>(work: F) -> F::Output {
    ROUTE.scope(Cell::new(Route::Standby), work).await
}

/// Whether the running task's reads so far all went to the standby (for tests and logs:
/// `false` outside [`allowing_standby`]).
pub fn on_standby() -> bool {
    ROUTE.try_with(Cell::get).is_ok_and(|route| route == Route::Standby)
}

/// Pins the running task to the primary (no effect outside [`allowing_standby`]).
fn pin_to_primary() {
    let _ = ROUTE.try_with(|route| route.set(Route::Primary));
}

/// How the standby is used.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StandbyConfig {
    /// A standby further behind than this serves no reads until it catches up.
    pub max_lag: Duration,
}

impl StandbyConfig {
    /// Default of [`Self::max_lag`].
    pub const DEFAULT_MAX_LAG: Duration = Duration::from_secs(30);
}

impl Default for StandbyConfig {
    fn default() -> Self {
        Self { max_lag: Self::DEFAULT_MAX_LAG }
    }
}

/// What the last check of the standby found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StandbyStatus {
    /// It answered within [`CHECK_TIMEOUT`].
    pub reachable: bool,
    /// How far its replay is behind (0 when it has replayed all it received); `None` when
    /// unreachable.
    pub replay_lag: Option<Duration>,
    /// Reads are routed to it now.
    pub serving: bool,
}

struct Standby {
    db: DatabaseConnection,
    config: StandbyConfig,
    reachable: AtomicBool,
    /// Replay lag in milliseconds.
    lag_ms: AtomicU64,
}

impl Standby {
    fn usable(&self) -> bool {
        self.reachable.load(Ordering::Relaxed)
            && Duration::from_millis(self.lag_ms.load(Ordering::Relaxed)) <= self.config.max_lag
    }
}

/// The primary pool and, when configured, the standby's.
#[derive(Clone)]
pub struct ReadPools {
    primary: DatabaseConnection,
    standby: Option<Arc<Standby>>,
}

impl From<DatabaseConnection> for ReadPools {
    fn from(primary: DatabaseConnection) -> Self {
        Self::primary_only(primary)
    }
}

/// The replay lag in seconds: 0 when not in recovery or when all received WAL is replayed,
/// else the age of the last replayed transaction.
const LAG_QUERY: &str = "SELECT (CASE WHEN NOT pg_is_in_recovery() THEN 0 \
     WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 \
     ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END)::float8 AS lag";

impl ReadPools {
    /// Every read on `primary`.
    pub fn primary_only(primary: DatabaseConnection) -> Self {
        Self { primary, standby: None }
    }

    /// Reads allowed on `standby` go there, under `config`. It counts as reachable until a
    /// check or a read says otherwise.
    pub fn with_standby(primary: DatabaseConnection, standby: DatabaseConnection, config: StandbyConfig) -> Self {
        let standby = Standby {
            db: standby,
            config,
            reachable: AtomicBool::new(true),
            lag_ms: AtomicU64::new(0),
        };
        Self { primary, standby: Some(Arc::new(standby)) }
    }

    /// The primary pool (writes, units of work, reads that must be current).
    pub fn primary(&self) -> &DatabaseConnection {
        &self.primary
    }

    /// The standby's pool, when configured.
    pub fn standby(&self) -> Option<&DatabaseConnection> {
        self.standby.as_ref().map(|standby| &standby.db)
    }

    /// The connection for the next read statement of the running task (see the module
    /// documentation); a task that gets the primary stays on it.
    pub fn reader(&self) -> &DatabaseConnection {
        match &self.standby {
            Some(standby) if on_standby() && standby.usable() => &standby.db,
            _ => {
                pin_to_primary();
                &self.primary
            }
        }
    }

    /// Runs a read of several statements that take their connections from [`Self::reader`]:
    /// when it fails on the standby for a connection-level reason, the standby is marked down,
    /// the task pinned to the primary and the read run again there (retried once more on a
    /// connection failure of the primary, as every read).
    ///
    /// # Errors
    /// Those of `read` on the primary.
    pub async fn read<T, F, Fut>(&self, mut read: F) -> Result<T, RepoError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, RepoError>>,
    {
        match read().await {
            Err(RepoError::Unavailable(cause)) if self.standby.is_some() && on_standby() => {
                tracing::warn!(error = %cause, "the standby failed a read; reading from the primary");
                if let Some(standby) = &self.standby {
                    standby.reachable.store(false, Ordering::Relaxed);
                }
                pin_to_primary();
                read_retrying(read).await
            }
            Err(RepoError::Unavailable(cause)) => {
                tracing::info!(error = %cause, "database read failed on its connection; retrying once");
                read().await
            }
            other => other,
        }
    }

    /// Checks the standby now (bounded by [`CHECK_TIMEOUT`]) and routes reads by what it
    /// found; `None` when no standby is configured.
    pub async fn check_standby(&self) -> Option<StandbyStatus> {
        let standby = self.standby.as_ref()?;
        let query = Statement::from_string(standby.db.get_database_backend(), LAG_QUERY);
        let lag = match tokio::time::timeout(CHECK_TIMEOUT, standby.db.query_one_raw(query)).await {
            Ok(Ok(Some(row))) => row.try_get::<f64>("", "lag").repo().ok(),
            Ok(Ok(None)) => None,
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "the standby is unreachable: {e}");
                None
            }
            Err(_) => None,
        };
        let lag = lag.map(|seconds| Duration::try_from_secs_f64(seconds.max(0.0)).unwrap_or(Duration::MAX));
        let was_reachable = standby.reachable.swap(lag.is_some(), Ordering::Relaxed);
        if was_reachable != lag.is_some() {
            tracing::warn!(reachable = lag.is_some(), "the standby's reachability changed");
        }
        if let Some(lag) = lag {
            standby.lag_ms.store(u64::try_from(lag.as_millis()).unwrap_or(u64::MAX), Ordering::Relaxed);
        }
        Some(StandbyStatus { reachable: lag.is_some(), replay_lag: lag, serving: standby.usable() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads_use_the_standby_only_when_allowed_and_never_return_to_it() {
        // Two distinct in-memory SQLite pools stand for the primary and the standby.
        let primary = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let standby = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let pools = ReadPools::with_standby(primary, standby, StandbyConfig::default());
        let is_standby = |db: &DatabaseConnection| std::ptr::eq(db, pools.standby().unwrap());
        assert!(!is_standby(pools.reader()), "outside the scope reads use the primary");
        allowing_standby(async {
            assert!(is_standby(pools.reader()));
            pools.standby.as_ref().unwrap().reachable.store(false, Ordering::Relaxed);
            assert!(!is_standby(pools.reader()), "a standby marked down serves nothing");
            pools.standby.as_ref().unwrap().reachable.store(true, Ordering::Relaxed);
            assert!(!is_standby(pools.reader()), "a task that used the primary stays there");
        })
        .await;
    }

    #[tokio::test]
    async fn a_connection_failure_on_the_standby_reruns_the_read_on_the_primary() {
        let primary = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let standby = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let pools = ReadPools::with_standby(primary, standby, StandbyConfig::default());
        let attempts = Cell::new(0);
        let out = allowing_standby(pools.read(|| {
            attempts.set(attempts.get() + 1);
            let on_primary = !std::ptr::eq(pools.reader(), pools.standby().unwrap());
            async move { if on_primary { Ok(7) } else { Err(RepoError::Unavailable("refused".into())) } }
        }))
        .await;
        assert_eq!((out.ok(), attempts.get()), (Some(7), 2));
        assert!(!pools.standby.as_ref().unwrap().usable());
    }
}
