//! Idempotency keys of uploads: one row per (user, key) that stored results, with the request's
//! fingerprint and the ids of the results it stored (`result_ids`, a JSON array, in the
//! answer's order). The primary key makes concurrent uploads under one key store one set of
//! results; rows older than the window are deleted by the next keyed upload (`created_at`
//! index). Removing a user removes their keys.

use sea_orm_migration::prelude::*;

use crate::schema::{User, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdempotencyKey {
    Table,
    UserSub,
    UserIss,
    Key,
    Fingerprint,
    ResultIds,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKey::Table)
                    .col(ColumnDef::new(IdempotencyKey::UserSub).text().not_null())
                    .col(ColumnDef::new(IdempotencyKey::UserIss).text().not_null())
                    .col(ColumnDef::new(IdempotencyKey::Key).text().not_null())
                    .col(ColumnDef::new(IdempotencyKey::Fingerprint).text().not_null())
                    .col(ColumnDef::new(IdempotencyKey::ResultIds).text().not_null())
                    .col(ColumnDef::new(IdempotencyKey::CreatedAt).timestamp_with_time_zone().not_null())
                    .primary_key(
                        Index::create()
                            .col(IdempotencyKey::UserSub)
                            .col(IdempotencyKey::UserIss)
                            .col(IdempotencyKey::Key),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IdempotencyKey::Table, (IdempotencyKey::UserSub, IdempotencyKey::UserIss))
                            .to(User::Table, (User::Sub, User::Iss))
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idempotency_key_created_at", IdempotencyKey::Table, &["created_at"]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(IdempotencyKey::Table).to_owned()).await
    }
}
