//! `result` table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "result")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub execution_datetime: DateTimeUtc,
    #[sea_orm(column_type = "JsonBinary")]
    pub json: Json,
    pub benchmark_id: Uuid,
    pub site_id: Uuid,
    pub flavor_id: Uuid,
    pub deleted: bool,
    pub deleted_by_admin: bool,
    #[sea_orm(column_type = "Text")]
    pub uploader_sub: String,
    #[sea_orm(column_type = "Text")]
    pub uploader_iss: String,
    pub upload_datetime: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
