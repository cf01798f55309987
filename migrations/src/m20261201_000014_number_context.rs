//! PostgreSQL: every numeric leaf in `result_number` also holds its result's site, flavor,
//! execution time and `deleted` flag, and the visible ones are indexed by
//! `(path, benchmark_id, flavor_id, site_id, value)` with the execution time included.
//!
//! Statistics and rankings (`GET /results:stats`, `GET /results:ranking`) filtered on
//! benchmark, site, flavor and execution dates and grouped by benchmark, site or flavor then
//! read one index-only range of that index, already in group order, and aggregate it in the
//! database: no document is read and no join with `result` is made. At a million results the
//! join of the leaves with the visible results was most of the cost (`docs/performance.md`).
//!
//! The insert and update triggers of migration `derive_result_data` are given functions that
//! copy the columns, and re-derive a result's numbers when any copied column changes (a claim
//! or its rejection flips `deleted`). Uploads, which write the numbers themselves, copy them
//! too (`infra::repo::result::derived_writes`). The columns of the rows already there are
//! filled in this migration's transaction, with writes to results locked out meanwhile.
//!
//! SQLite is unchanged: statistics read its documents.

use sea_orm_migration::prelude::*;

use crate::{
    m20261201_000012_derive_result_data::postgres::{Numbers, insert_trigger, update_trigger},
    schema::run_on_postgres,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The copied columns and their types.
const COLUMNS: [(&str, &str); 4] = [
    ("site_id", "uuid"),
    ("flavor_id", "uuid"),
    ("execution_datetime", "timestamp with time zone"),
    ("deleted", "boolean"),
];

/// The index statistics read.
const INDEX: &str = "CREATE INDEX ix_result_number_visible_context ON result_number \
    (path, benchmark_id, flavor_id, site_id, value) INCLUDE (execution_datetime) WHERE NOT deleted";

fn up() -> Vec<String> {
    let add = COLUMNS.map(|(c, t)| format!("ADD COLUMN {c} {t}")).join(", ");
    let copy = COLUMNS.map(|(c, _)| format!("{c} = r.{c}")).join(", ");
    let not_null = COLUMNS.map(|(c, _)| format!("ALTER COLUMN {c} SET NOT NULL")).join(", ");
    vec![
        "LOCK TABLE result, result_tag IN SHARE ROW EXCLUSIVE MODE".to_owned(),
        format!("ALTER TABLE result_number {add}"),
        format!("UPDATE result_number x SET {copy} FROM result r WHERE r.id = x.result_id"),
        format!("ALTER TABLE result_number {not_null}"),
        insert_trigger(Numbers::WithContext),
        update_trigger(Numbers::WithContext),
        INDEX.to_owned(),
    ]
}

fn down() -> Vec<String> {
    let drop = COLUMNS.map(|(c, _)| format!("DROP COLUMN {c}")).join(", ");
    vec![
        "DROP INDEX IF EXISTS ix_result_number_visible_context".to_owned(),
        insert_trigger(Numbers::Plain),
        update_trigger(Numbers::Plain),
        format!("ALTER TABLE result_number {drop}"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_on_postgres(manager, up()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_on_postgres(manager, down()).await
    }
}
