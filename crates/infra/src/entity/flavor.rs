//! `flavor` table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "flavor")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub description: Option<String>,
    pub site_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub uploader_sub: String,
    #[sea_orm(column_type = "Text")]
    pub uploader_iss: String,
    pub upload_datetime: DateTimeUtc,
    pub status: String,
    pub vcpus: Option<i32>,
    pub memory_gib: Option<f64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub gpu_model: Option<String>,
    pub gpu_count: Option<i32>,
    #[sea_orm(column_type = "Text", nullable)]
    pub architecture: Option<String>,
    pub disk_gib: Option<f64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub region: Option<String>,
    pub price_amount: Option<f64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub price_currency: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub price_per: Option<String>,
    pub price_as_of: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
