//! The mail outbox: mails written in the same transaction as the change that causes them and
//! delivered by a background task with retry, so that no mail is lost.

use sea_orm_migration::prelude::*;

use crate::schema::{MailOutbox, id_column, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MailOutbox::Table)
                    .col(id_column(MailOutbox::Id))
                    .col(ColumnDef::new(MailOutbox::Recipients).text().not_null())
                    .col(ColumnDef::new(MailOutbox::Cc).text().not_null())
                    .col(ColumnDef::new(MailOutbox::Subject).text().not_null())
                    .col(ColumnDef::new(MailOutbox::Headers).text().not_null())
                    .col(ColumnDef::new(MailOutbox::Body).text().not_null())
                    .col(ColumnDef::new(MailOutbox::Attempts).integer().not_null().default(0))
                    .col(ColumnDef::new(MailOutbox::NextAttemptAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(MailOutbox::CreatedAt).timestamp_with_time_zone().not_null())
                    .col(ColumnDef::new(MailOutbox::LastError).text().null())
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("ix_mail_outbox_due", MailOutbox::Table, &["next_attempt_at"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(MailOutbox::Table).to_owned()).await
    }
}
