//! eosc-perf infrastructure: the adapters that implement the domain's ports.
//!
//! - [`repo`]: SeaORM repositories on PostgreSQL (production) or SQLite (embedded default).
//! - [`outbox`]: mails queued in the database with the change that causes them, and the
//!   background task that delivers them over SMTP with retry.
//! - [`registry`]: the container image check against an OCI / Docker registry.
//!
//! All SQL lives in this crate; backend differences are kept in [`sql`].

pub mod blocking;
pub mod config;
pub mod entity;
pub mod error;
pub mod import;
pub mod outbox;
pub mod pool;
pub mod read_pools;
pub mod registry;
pub mod repo;
pub mod sql;

pub use config::DbConfig;
pub use read_pools::ReadPools;
pub use repo::Repositories;

use migration::MigratorTrait;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, TransactionTrait,
};

/// Opens a connection pool for the configured database.
///
/// # Errors
/// When the URL is invalid or the database cannot be reached.
pub async fn connect(config: &DbConfig) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(config.url.clone());
    opts.max_connections(config.max_connections)
        .min_connections(1)
        .connect_timeout(config.connect_timeout)
        .acquire_timeout(config.connect_timeout)
        .sqlx_logging(false);
    if config.is_sqlite() {
        opts.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(std::time::Duration::from_secs(10))
                .foreign_keys(true)
                // The contract's search is case-sensitive LIKE, as on PostgreSQL.
                .pragma("case_sensitive_like", "ON")
        });
    }
    without_tls_on_loopback(config, &mut opts);
    Database::connect(opts).await
}

/// Turns TLS off for a PostgreSQL server on this host named without `sslmode`
/// ([`DbConfig::plain_loopback`]).
fn without_tls_on_loopback(config: &DbConfig, opts: &mut ConnectOptions) {
    if config.plain_loopback() {
        opts.map_sqlx_postgres_opts(|o| o.ssl_mode(sea_orm::sqlx::postgres::PgSslMode::Disable));
    }
}

/// Opens the pool of the hot standby (`DATABASE_READ_URL`) lazily: the server starts, and reads
/// go to the primary, while the standby is down. Its acquire timeout is short
/// ([`read_pools::CHECK_TIMEOUT`] at most), since a read that cannot have a standby connection
/// goes to the primary.
///
/// # Errors
/// When the URL is invalid.
pub async fn connect_standby(config: &DbConfig) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(config.url.clone());
    let timeout = config.connect_timeout.min(read_pools::CHECK_TIMEOUT);
    opts.max_connections(config.max_connections)
        .min_connections(0)
        .connect_timeout(timeout)
        .acquire_timeout(timeout)
        .connect_lazy(true)
        .sqlx_logging(false);
    without_tls_on_loopback(config, &mut opts);
    Database::connect(opts).await
}

/// The PostgreSQL advisory lock a migration run holds (any fixed number; "eoscperf" in ASCII).
const MIGRATION_LOCK: i64 = 0x656f_7363_7065_7266;

/// Applies every pending migration.
///
/// On PostgreSQL the whole run is one transaction holding an advisory lock, so replicas that
/// start together (or a migration job racing a rollout) apply each migration once: the others
/// wait for the lock, then find nothing pending. A failed run leaves the schema untouched.
///
/// # Errors
/// When a migration fails.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return migration::Migrator::up(db, None).await;
    }
    let txn = db.begin().await?;
    txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")).await?;
    migration::Migrator::up(&txn, None).await?;
    txn.commit().await
}
