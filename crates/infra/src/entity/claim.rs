//! `claim` table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "claim")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub message: String,
    pub result_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub uploader_sub: String,
    #[sea_orm(column_type = "Text")]
    pub uploader_iss: String,
    pub upload_datetime: DateTimeUtc,
    pub status: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
