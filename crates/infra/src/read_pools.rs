//! Where a read goes: the primary (`DATABASE_URL`), or the PostgreSQL hot standby of
//! `DATABASE_READ_URL`.
//!
//! Writes and everything inside a unit of work always use the primary. [`ReadPools`] is itself
//! a SeaORM connection: a repository holding one runs each `SELECT` where
//! [`ReadPools::reader`] says, and everything else (writes, `INSERT … RETURNING`, and, through
//! `Deref`, transactions) on the primary. The standby answers only when all of these hold:
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
//! A statement that fails on the standby with a connection-level error marks it down, pins the
//! task to the primary and runs again there at once; the background check
//! ([`ReadPools::check_standby`]) brings the standby back.

use std::{
    cell::Cell,
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::Duration,
};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, ExecResult, QueryResult, Statement};

use crate::error::{DbResultExt, is_transient};

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
    pub fn with_standby(
        primary: DatabaseConnection,
        standby: DatabaseConnection,
        config: StandbyConfig,
    ) -> Self {
        let standby =
            Standby { db: standby, config, reachable: AtomicBool::new(true), lag_ms: AtomicU64::new(0) };
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

    /// The connection for `stmt`: [`Self::reader`]'s for a `SELECT`, else the primary.
    fn for_statement(&self, stmt: &Statement) -> &DatabaseConnection {
        let sql = stmt.sql.trim_start();
        let is_select = sql.get(..6).is_some_and(|word| word.eq_ignore_ascii_case("select"));
        if is_select { self.reader() } else { &self.primary }
    }

    /// Whether `db` is the standby's pool.
    fn is_standby(&self, db: &DatabaseConnection) -> bool {
        self.standby.as_ref().is_some_and(|standby| std::ptr::eq(db, &standby.db))
    }

    /// After a connection-level failure of the standby: marks it down (until the next check)
    /// and pins the task to the primary.
    fn standby_failed(&self, e: &DbErr) {
        tracing::warn!(error = %e, "the standby failed a read; reading from the primary: {e}");
        if let Some(standby) = &self.standby {
            standby.reachable.store(false, Ordering::Relaxed);
        }
        pin_to_primary();
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

/// Transactions and anything else a repository asks of its pool go to the primary.
impl std::ops::Deref for ReadPools {
    type Target = DatabaseConnection;

    fn deref(&self) -> &DatabaseConnection {
        &self.primary
    }
}

/// `SELECT`s where [`ReadPools::reader`] says (again on the primary when the standby fails on
/// its connection), everything else on the primary.
#[async_trait::async_trait]
impl ConnectionTrait for ReadPools {
    fn get_database_backend(&self) -> DbBackend {
        self.primary.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.primary.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.primary.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        let db = self.for_statement(&stmt);
        if !self.is_standby(db) {
            return db.query_one_raw(stmt).await;
        }
        match db.query_one_raw(stmt.clone()).await {
            Err(e) if is_transient(&e) => {
                self.standby_failed(&e);
                self.primary.query_one_raw(stmt).await
            }
            other => other,
        }
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        let db = self.for_statement(&stmt);
        if !self.is_standby(db) {
            return db.query_all_raw(stmt).await;
        }
        match db.query_all_raw(stmt.clone()).await {
            Err(e) if is_transient(&e) => {
                self.standby_failed(&e);
                self.primary.query_all_raw(stmt).await
            }
            other => other,
        }
    }

    fn support_returning(&self) -> bool {
        self.primary.support_returning()
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
    async fn selects_follow_the_route_and_a_failing_standby_hands_over_to_the_primary() {
        let primary = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        primary.execute_unprepared("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1)").await.unwrap();
        let standby = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let pools = ReadPools::with_standby(primary, standby, StandbyConfig::default());
        let count = |pools: &ReadPools| {
            let stmt = Statement::from_string(DbBackend::Sqlite, "SELECT COUNT(*) AS n FROM t");
            let pools = pools.clone();
            async move { pools.query_one_raw(stmt).await.map(|row| row.unwrap().try_get::<i64>("", "n").unwrap()) }
        };
        allowing_standby(async {
            // The standby has no table t: the statement fails there (not on its connection).
            assert!(count(&pools).await.is_err(), "a SELECT goes to the standby");
            pools.execute_unprepared("INSERT INTO t VALUES (2)").await.expect("writes go to the primary");
            pools.standby.as_ref().unwrap().db.clone().close().await.unwrap();
            assert_eq!(count(&pools).await.unwrap(), 2, "a closed standby hands over to the primary");
            assert!(!pools.standby.as_ref().unwrap().usable());
            assert!(!on_standby());
        })
        .await;
    }
}
