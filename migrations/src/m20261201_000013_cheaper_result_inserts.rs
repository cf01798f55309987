//! PostgreSQL: cheaper result inserts, in two ways.
//!
//! The statement triggers deriving data from inserted results and tag links
//! (migration `derive_result_data`) stand aside in a transaction that sets
//! `eosc_perf.derived_by_app` to `on` (with `set_config(…, true)`, so for that transaction
//! only). Uploads set it and write the same rows themselves, computed from the documents they
//! hold (`infra::repo::result::derived_writes`): walking documents in SQL cost more than the
//! insert. Every other insert, and every update and delete, still runs the triggers.
//!
//! The GIN index on `result.json` (`jsonb_path_ops`, migration `create_result`) is dropped: it
//! serves only the containment operators (`@>`, `@?`, `@@`), which no statement uses (numeric
//! filters and sorts read `result_number`, other JSON filters compare extracted values), and it
//! cost about a third of a result insert.
//!
//! SQLite is unchanged.

use sea_orm_migration::prelude::*;

use crate::schema::run_on_postgres;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The insert triggers: name (also of its function), table, transition table.
const INSERT_TRIGGERS: [(&str, &str, &str); 2] = [
    ("result_derived_insert", "result", "new_rows"),
    ("result_tag_derived_insert", "result_tag", "new_links"),
];

/// The condition under which the triggers run.
const UNLESS_BY_APP: &str = "WHEN (current_setting('eosc_perf.derived_by_app', true) IS DISTINCT FROM 'on')";

/// Drops and creates the insert triggers again, `when` their condition.
fn recreate(when: &str) -> Vec<String> {
    INSERT_TRIGGERS
        .iter()
        .flat_map(|(name, table, rows)| {
            [
                format!("DROP TRIGGER {name} ON {table}"),
                format!(
                    "CREATE TRIGGER {name} AFTER INSERT ON {table} REFERENCING NEW TABLE AS {rows} \
                     FOR EACH STATEMENT {when} EXECUTE FUNCTION {name}()"
                ),
            ]
        })
        .collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut sql = recreate(UNLESS_BY_APP);
        sql.push("DROP INDEX IF EXISTS ix_result_json".into());
        run_on_postgres(manager, sql).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut sql = recreate("");
        sql.push(
            "CREATE INDEX IF NOT EXISTS ix_result_json ON result USING GIN (json jsonb_path_ops)".into(),
        );
        run_on_postgres(manager, sql).await
    }
}
