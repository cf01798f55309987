//! `api_key` table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "api_key")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub owner_sub: String,
    #[sea_orm(column_type = "Text")]
    pub owner_iss: String,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    /// Scope names separated by single spaces.
    #[sea_orm(column_type = "Text")]
    pub scopes: String,
    /// Hex SHA-256 of the secret.
    pub secret_hash: String,
    pub expires_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub last_used: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
