//! API keys: the SHA-256 of each secret (never the secret), its owner, scopes, expiry and last
//! use. Removing the owner removes their keys (cascading foreign key).

use sea_orm_migration::prelude::*;

use crate::schema::{User, id_column, index};

#[derive(DeriveIden)]
enum ApiKey {
    Table,
    Id,
    OwnerSub,
    OwnerIss,
    Name,
    Scopes,
    SecretHash,
    ExpiresAt,
    CreatedAt,
    LastUsed,
}

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table
            .table(ApiKey::Table)
            .col(id_column(ApiKey::Id))
            .col(ColumnDef::new(ApiKey::OwnerSub).text().not_null())
            .col(ColumnDef::new(ApiKey::OwnerIss).text().not_null())
            .col(ColumnDef::new(ApiKey::Name).text().not_null())
            .col(ColumnDef::new(ApiKey::Scopes).text().not_null())
            .col(ColumnDef::new(ApiKey::SecretHash).string_len(64).not_null().unique_key())
            .col(ColumnDef::new(ApiKey::ExpiresAt).timestamp_with_time_zone().null())
            .col(ColumnDef::new(ApiKey::CreatedAt).timestamp_with_time_zone().not_null())
            .col(ColumnDef::new(ApiKey::LastUsed).timestamp_with_time_zone().null())
            .foreign_key(
                ForeignKey::create()
                    .from(ApiKey::Table, (ApiKey::OwnerSub, ApiKey::OwnerIss))
                    .to(User::Table, (User::Sub, User::Iss))
                    .on_delete(ForeignKeyAction::Cascade),
            );
        manager.create_table(table).await?;
        manager.create_index(index("ix_api_key_owner", ApiKey::Table, &["owner_sub", "owner_iss"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ApiKey::Table).to_owned()).await
    }
}
