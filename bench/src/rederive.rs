//! Derived data after a `COPY` seed: the seed runs as a replica (`session_replication_role`),
//! which skips every trigger, the derived-data ones of migration 000012 included, so counts,
//! totals and the numeric side table would stay empty. This runs that migration's `down` and
//! `up` in one transaction: the backfill derives everything from the rows there.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use migration::{MigratorTrait, SchemaManager};
use sea_orm::{Database, TransactionTrait};

/// The migration whose tables are derived from results.
const DERIVED: &str = "m20261201_000012_derive_result_data";

/// Derives the data of migration [`DERIVED`] again from the results in `url`'s database.
pub async fn rederive(url: &str) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let Some(derived) = migration::Migrator::migrations().into_iter().find(|m| m.name() == DERIVED) else {
        bail!("no migration {DERIVED}")
    };
    let db = Database::connect(url).await.context("connecting to the bench database")?;
    let txn = db.begin().await?;
    let manager = SchemaManager::new(&txn);
    derived.down(&manager).await.context("dropping the derived data")?;
    derived.up(&manager).await.context("deriving the data again")?;
    txn.commit().await?;
    Ok(start.elapsed())
}
