//! Derived data after a `COPY` seed: the seed runs as a replica (`session_replication_role`),
//! which skips every trigger, the derived-data ones of migration [`DERIVED`] included, so counts,
//! totals and the numeric side table would stay empty. This rolls back that migration and every
//! later one (which may change what it made, e.g. its triggers), then applies them again: the
//! backfill derives everything from the rows there.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use migration::MigratorTrait;
use sea_orm::Database;

/// The migration whose tables are derived from results.
const DERIVED: &str = "m20261201_000012_derive_result_data";

/// Derives the data of migration [`DERIVED`] again from the results in `url`'s database.
pub async fn rederive(url: &str) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let migrations = migration::Migrator::migrations();
    let Some(position) = migrations.iter().position(|m| m.name() == DERIVED) else {
        bail!("no migration {DERIVED}")
    };
    let from_derived = u32::try_from(migrations.len() - position).context("too many migrations")?;
    let db = Database::connect(url).await.context("connecting to the bench database")?;
    migration::Migrator::down(&db, Some(from_derived)).await.context("rolling back the derived data")?;
    migration::Migrator::up(&db, None).await.context("deriving the data again")?;
    Ok(start.elapsed())
}
