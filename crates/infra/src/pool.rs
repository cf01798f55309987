//! The database as operations see it: the pool's size, idle connections and limit, a timed
//! acquire of a connection (sampled for the acquire-time metric, since neither SeaORM nor sqlx
//! reports how long a request waited for one), and the migrations not applied yet.

use std::time::{Duration, Instant};

use migration::MigratorTrait;
use sea_orm::{DatabaseConnection, DbBackend, DbErr, sqlx};

/// Connections of the pool at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// Open connections (idle and in use).
    pub size: u32,
    /// Open connections nobody is using.
    pub idle: u32,
    /// The most connections the pool opens.
    pub max: u32,
}

impl PoolStatus {
    /// Connections in use.
    pub fn busy(&self) -> u32 {
        self.size.saturating_sub(self.idle)
    }
}

fn status_of<DB: sqlx::Database>(pool: &sqlx::Pool<DB>) -> PoolStatus {
    PoolStatus {
        size: pool.size(),
        idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
        max: pool.options().get_max_connections(),
    }
}

async fn acquire_from<DB: sqlx::Database>(pool: &sqlx::Pool<DB>) -> Option<Duration> {
    let started = Instant::now();
    let connection = pool.acquire().await.ok()?;
    let waited = started.elapsed();
    drop(connection);
    Some(waited)
}

/// The pool's connections now.
pub fn status(db: &DatabaseConnection) -> PoolStatus {
    match db.get_database_backend() {
        DbBackend::Postgres => status_of(db.get_postgres_connection_pool()),
        _ => status_of(db.get_sqlite_connection_pool()),
    }
}

/// How long getting a connection from the pool took (it is handed back at once), or `None`
/// when none could be had within the pool's acquire timeout.
pub async fn timed_acquire(db: &DatabaseConnection) -> Option<Duration> {
    match db.get_database_backend() {
        DbBackend::Postgres => acquire_from(db.get_postgres_connection_pool()).await,
        _ => acquire_from(db.get_sqlite_connection_pool()).await,
    }
}

/// How many migrations this build knows that the database has not applied.
///
/// # Errors
/// When the migration table cannot be read.
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<usize, DbErr> {
    Ok(migration::Migrator::get_pending_migrations(db).await?.len())
}
