//! `submit` table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "submit")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub resource_type: String,
    pub benchmark_id: Option<Uuid>,
    pub site_id: Option<Uuid>,
    pub flavor_id: Option<Uuid>,
    pub claim_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub uploader_sub: String,
    #[sea_orm(column_type = "Text")]
    pub uploader_iss: String,
    pub upload_datetime: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
