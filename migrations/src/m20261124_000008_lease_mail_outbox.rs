//! Leases on queued mails, so that several replicas on one database never send the same mail:
//! a deliverer claims a row by writing its lease id to `claimed_by` and the lease's end to
//! `claimed_until` in one statement; only the lease holder may delete or reschedule the row,
//! and a row whose lease ended (its replica crashed) may be claimed again.
//!
//! SQLite allows one alteration per `ALTER TABLE`, hence one statement per column.

use sea_orm_migration::prelude::*;

use crate::schema::MailOutbox;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MailOutbox::Table)
                    .add_column(ColumnDef::new(MailOutbox::ClaimedBy).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(MailOutbox::Table)
                    .add_column(ColumnDef::new(MailOutbox::ClaimedUntil).timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [MailOutbox::ClaimedUntil, MailOutbox::ClaimedBy] {
            manager
                .alter_table(Table::alter().table(MailOutbox::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
