//! Users (registered OIDC identities) and tags.

use sea_orm_migration::prelude::*;

use crate::schema::{Tag, User, id_column};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(User::Table)
                    .col(ColumnDef::new(User::Sub).text().not_null())
                    .col(ColumnDef::new(User::Iss).text().not_null())
                    .col(ColumnDef::new(User::Email).text().not_null())
                    .col(ColumnDef::new(User::RegistrationDatetime).timestamp_with_time_zone().not_null())
                    .primary_key(Index::create().col(User::Sub).col(User::Iss))
                    .to_owned(),
            )
            .await?;
        manager.create_index(crate::schema::index("ix_user_email", User::Table, &["email"])).await?;
        manager
            .create_table(
                Table::create()
                    .table(Tag::Table)
                    .col(id_column(Tag::Id))
                    .col(ColumnDef::new(Tag::Name).text().not_null().unique_key())
                    .col(ColumnDef::new(Tag::Description).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Tag::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(User::Table).to_owned()).await
    }
}
