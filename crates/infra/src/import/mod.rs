//! `eosc-perf import`: copies an original deployment (eosc-perf-backend 1.2.3, Alembic
//! revision [`SOURCE_REVISION`]) into this server's database.
//!
//! - The source is read in one `REPEATABLE READ, READ ONLY` transaction (a consistent
//!   snapshot; PostgreSQL itself refuses any write), through server-side cursors.
//! - Every row keeps its original id (users their `(sub, iss)`), so the target is upserted
//!   batch by batch, one transaction per batch: a run that stops half way is resumed by running
//!   it again, and a second run over an unchanged source changes nothing and reports 0 new.
//! - The original's quirks are mapped in [`source`]: orphaned claims (Q2) keep no result,
//!   claims are linked from the result that points at them, hidden results (Q1, Q5) stay hidden
//!   and count as removed by an admin unless a pending claim hid them, and submits whose item is
//!   gone are skipped.
//!
//! Flavor specs and prices, which the original does not have, are kept when a run overwrites a
//! flavor. Rows are never deleted from the target: run the import against a frozen source (see
//! docs/migration.md).

mod source;
mod sync;

use std::fmt;

use sea_orm::{AccessMode, ConnectionTrait, Database, DatabaseConnection, IsolationLevel, TransactionTrait};

pub use source::SOURCE_REVISION;

/// Rows fetched from the source and written to the target at a time (one target transaction).
const BATCH: u32 = 500;

/// What the import did to one table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableCount {
    /// The target table.
    pub table: &'static str,
    /// Rows read from the source.
    pub read: u64,
    /// Rows inserted into the target.
    pub new: u64,
    /// Rows already in the target with other values, overwritten.
    pub updated: u64,
    /// Rows already in the target with the same values.
    pub unchanged: u64,
    /// Source rows with nothing to import (a submit whose item is gone).
    pub skipped: u64,
}

/// Counts per table, in import order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// One entry per table.
    pub tables: Vec<TableCount>,
}

impl ImportReport {
    /// The counts of `table`, if imported.
    pub fn table(&self, table: &str) -> Option<&TableCount> {
        self.tables.iter().find(|t| t.table == table)
    }

    /// Rows inserted, all tables together.
    pub fn total_new(&self) -> u64 {
        self.tables.iter().map(|t| t.new).sum()
    }

    /// Rows overwritten, all tables together.
    pub fn total_updated(&self) -> u64 {
        self.tables.iter().map(|t| t.updated).sum()
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<12} {:>9} {:>9} {:>9} {:>9} {:>9}",
            "table", "read", "new", "updated", "unchanged", "skipped"
        )?;
        for t in &self.tables {
            writeln!(
                f,
                "{:<12} {:>9} {:>9} {:>9} {:>9} {:>9}",
                t.table, t.read, t.new, t.updated, t.unchanged, t.skipped
            )?;
        }
        Ok(())
    }
}

/// Why an import stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The source URL does not name a PostgreSQL database.
    #[error("--from must be a postgres:// URL of the original deployment's database")]
    NotPostgres,
    /// The source database is not at the supported Alembic revision.
    #[error(
        "the source database is at Alembic revision {found:?}, expected {SOURCE_REVISION} \
         (eosc-perf-backend 1.2.3): upgrade the original with `flask db upgrade` first"
    )]
    Revision {
        /// The revision found (`None`: no `alembic_version` table or row).
        found: Option<String>,
    },
    /// Reading the source failed.
    #[error("reading the source: {0}")]
    Source(sea_orm::DbErr),
    /// Writing the target failed (the batches committed so far stay; run again to resume).
    #[error("writing table {table}: {error}")]
    Target {
        /// The target table.
        table: &'static str,
        /// The database's error.
        error: sea_orm::DbErr,
    },
}

/// Copies the original deployment at `source_url` into `target` (already migrated).
///
/// `progress` is called after each table.
///
/// # Errors
/// See [`ImportError`]; the source is never written.
pub async fn import_original(
    source_url: &str,
    target: &DatabaseConnection,
    mut progress: impl FnMut(&TableCount),
) -> Result<ImportReport, ImportError> {
    if !(source_url.starts_with("postgres://") || source_url.starts_with("postgresql://")) {
        return Err(ImportError::NotPostgres);
    }
    let source = Database::connect(source_url).await.map_err(ImportError::Source)?;
    let snapshot = source
        .begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly))
        .await
        .map_err(ImportError::Source)?;
    source::check_revision(&snapshot).await?;
    let mut report = ImportReport::default();
    for table in source::TABLES {
        let count = table.copy(&snapshot, target).await?;
        progress(&count);
        report.tables.push(count);
    }
    // Read only: nothing to commit.
    snapshot.rollback().await.map_err(ImportError::Source)?;
    source.close().await.map_err(ImportError::Source)?;
    Ok(report)
}

/// Runs `sql` on the source snapshot.
async fn source_exec(snapshot: &impl ConnectionTrait, sql: &str) -> Result<(), ImportError> {
    snapshot.execute_unprepared(sql).await.map(|_| ()).map_err(ImportError::Source)
}
