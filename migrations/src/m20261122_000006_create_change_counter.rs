//! A change counter for result queries: every write to the tables a result list depends on
//! (results, their tags, benchmarks, sites, flavors, tags) increments it in the writing
//! transaction, through triggers. Readers cache a list's answer together with the counter
//! value it was computed at; while the committed counter is unchanged the
//! cached answer is exact, across every server replica.
//!
//! Triggers are backend-specific SQL: PostgreSQL uses one statement-level trigger per table,
//! SQLite row-level triggers (it has no statement-level ones).

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 6] = ["result", "result_tag", "benchmark", "site", "flavor", "tag"];
const BUMP: &str = "UPDATE change_counter SET n = n + 1 WHERE id = 1";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("CREATE TABLE change_counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)")
            .await?;
        db.execute_unprepared("INSERT INTO change_counter (id, n) VALUES (1, 0)").await?;
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION bump_change_counter() RETURNS trigger LANGUAGE plpgsql AS \
                     $$ BEGIN {BUMP}; RETURN NULL; END $$"
                ))
                .await?;
                for t in TABLES {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {t}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON \"{t}\" \
                         FOR EACH STATEMENT EXECUTE FUNCTION bump_change_counter()"
                    ))
                    .await?;
                }
            }
            _ => {
                for t in TABLES {
                    for event in ["INSERT", "UPDATE", "DELETE"] {
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {t}_{}_changed AFTER {event} ON \"{t}\" BEGIN {BUMP}; END",
                            event.to_lowercase()
                        ))
                        .await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DatabaseBackend::Postgres => {
                for t in TABLES {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {t}_changed ON \"{t}\"")).await?;
                }
                db.execute_unprepared("DROP FUNCTION IF EXISTS bump_change_counter()").await?;
            }
            _ => {
                for t in TABLES {
                    for event in ["insert", "update", "delete"] {
                        db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {t}_{event}_changed")).await?;
                    }
                }
            }
        }
        db.execute_unprepared("DROP TABLE change_counter").await?;
        Ok(())
    }
}
