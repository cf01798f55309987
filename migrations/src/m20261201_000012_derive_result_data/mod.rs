//! Data derived from results, kept exact by triggers on `result` and `result_tag` so that every
//! write path (uploads, claims hiding and restoring, admin deletes, tag changes, and the cascades
//! of catalog and user removals) maintains it without the services knowing:
//!
//! - `result_count`: visible results per (benchmark, site, flavor);
//! - `result_tag_count`: visible results carrying a tag, per tag and (benchmark, site, flavor);
//! - `result_day_count`: visible results per UTC day of execution (exact date-filter totals and
//!   keyset access to deep pages in the default order);
//! - `result_number`: the numeric leaves of every document, `(result_id, path, benchmark_id,
//!   value)`, hidden results included, indexed on `(path, value, benchmark_id, result_id)`;
//! - `result_number_count` and `result_path_count`: visible results per (path, value, benchmark)
//!   and per (path, benchmark), for the totals of numeric filters and for knowing when every
//!   result has a number at a sorted path.
//!
//! A leaf is indexed when every key on its way is a plain name (`[A-Za-z_][A-Za-z0-9_]*`): its
//! path is then the keys joined by `.`, which a filter or sort path written with such names
//! addresses exactly. Leaves under arrays or under other keys are not indexed; queries on such
//! paths read the documents as before.
//!
//! The backfill derives everything from the rows already there, in the migration's transaction
//! (on PostgreSQL with writes to results locked out meanwhile).

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

pub(crate) mod postgres;
mod sqlite;

/// The tables this migration creates.
const COUNT_TABLES: [&str; 6] = [
    "result_count",
    "result_tag_count",
    "result_day_count",
    "result_number_count",
    "result_path_count",
    "result_number",
];

/// A plain name, as a PostgreSQL regular expression.
const GOOD_KEY_PG: &str = "^[A-Za-z_][A-Za-z0-9_]*$";

pub struct Migration;

/// Named by hand: derived from the file, the name of a migration in a folder would be `mod`.
impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000012_derive_result_data"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements = match manager.get_database_backend() {
            DatabaseBackend::Postgres => postgres::up(),
            _ => sqlite::up(),
        };
        run(manager, statements).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let statements = match manager.get_database_backend() {
            DatabaseBackend::Postgres => postgres::down(),
            _ => sqlite::down(),
        };
        run(manager, statements).await
    }
}

/// The statements deriving the counts from the rows already there (the triggers keep them from
/// then on), the UTC day of an execution written `day`.
fn backfill_counts(day: &str) -> Vec<String> {
    vec![
        "INSERT INTO result_count SELECT benchmark_id, site_id, flavor_id, count(*) FROM result \
         WHERE NOT deleted GROUP BY 1, 2, 3"
            .to_owned(),
        format!(
            "INSERT INTO result_day_count SELECT {day}, count(*) FROM result WHERE NOT deleted GROUP BY 1"
        ),
        "INSERT INTO result_tag_count SELECT t.tag_id, r.benchmark_id, r.site_id, r.flavor_id, count(*) \
         FROM result_tag t JOIN result r ON r.id = t.result_id WHERE NOT r.deleted GROUP BY 1, 2, 3, 4"
            .to_owned(),
        "INSERT INTO result_number_count SELECT x.path, x.value, x.benchmark_id, count(*) \
         FROM result_number x JOIN result r ON r.id = x.result_id WHERE NOT r.deleted GROUP BY 1, 2, 3"
            .to_owned(),
        "INSERT INTO result_path_count SELECT x.path, x.benchmark_id, count(*) \
         FROM result_number x JOIN result r ON r.id = x.result_id WHERE NOT r.deleted GROUP BY 1, 2"
            .to_owned(),
    ]
}

async fn run(manager: &SchemaManager<'_>, statements: Vec<String>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for sql in statements {
        db.execute_unprepared(&sql).await?;
    }
    Ok(())
}
