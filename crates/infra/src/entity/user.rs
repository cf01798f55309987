//! `user` table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "user")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub sub: String,
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub iss: String,
    #[sea_orm(column_type = "Text")]
    pub email: String,
    pub registration_datetime: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
