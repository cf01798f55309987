//! Results and their tags. On PostgreSQL the document is `jsonb` with a GIN index.

use sea_orm_migration::{prelude::*, sea_orm::DatabaseBackend};

use crate::schema::{
    Benchmark, Flavor, Result as ResultT, ResultTag, Site, Tag, id_column, index, uploaded_columns,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn cascade_fk(from: ResultT, to_table: impl IntoIden, to_col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(ResultT::Table, from)
        .to(to_table, to_col)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut result = Table::create();
        result
            .table(ResultT::Table)
            .col(id_column(ResultT::Id))
            .col(ColumnDef::new(ResultT::ExecutionDatetime).timestamp_with_time_zone().not_null())
            .col(ColumnDef::new(ResultT::Json).json_binary().not_null())
            .col(ColumnDef::new(ResultT::BenchmarkId).uuid().not_null())
            .col(ColumnDef::new(ResultT::SiteId).uuid().not_null())
            .col(ColumnDef::new(ResultT::FlavorId).uuid().not_null())
            .col(ColumnDef::new(ResultT::Deleted).boolean().not_null().default(false))
            .col(ColumnDef::new(ResultT::DeletedByAdmin).boolean().not_null().default(false))
            .foreign_key(&mut cascade_fk(ResultT::BenchmarkId, Benchmark::Table, Benchmark::Id))
            .foreign_key(&mut cascade_fk(ResultT::SiteId, Site::Table, Site::Id))
            .foreign_key(&mut cascade_fk(ResultT::FlavorId, Flavor::Table, Flavor::Id));
        uploaded_columns(&mut result, ResultT::Table, false);
        manager.create_table(result).await?;

        manager
            .create_table(
                Table::create()
                    .table(ResultTag::Table)
                    .col(ColumnDef::new(ResultTag::ResultId).uuid().not_null())
                    .col(ColumnDef::new(ResultTag::TagId).uuid().not_null())
                    .primary_key(Index::create().col(ResultTag::ResultId).col(ResultTag::TagId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ResultTag::Table, ResultTag::ResultId)
                            .to(ResultT::Table, ResultT::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ResultTag::Table, ResultTag::TagId)
                            .to(Tag::Table, Tag::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        for (name, table, cols) in [
            (
                "ix_result_visible_execution",
                ResultT::Table.into_iden(),
                &["deleted", "execution_datetime", "id"][..],
            ),
            ("ix_result_upload", ResultT::Table.into_iden(), &["upload_datetime"][..]),
            ("ix_result_benchmark", ResultT::Table.into_iden(), &["benchmark_id", "execution_datetime"][..]),
            ("ix_result_site", ResultT::Table.into_iden(), &["site_id", "execution_datetime"][..]),
            ("ix_result_flavor", ResultT::Table.into_iden(), &["flavor_id", "execution_datetime"][..]),
            ("ix_result_uploader", ResultT::Table.into_iden(), &["uploader_sub", "uploader_iss"][..]),
            ("ix_result_tag_tag", ResultTag::Table.into_iden(), &["tag_id"][..]),
        ] {
            manager.create_index(index(name, table, cols)).await?;
        }
        // A GIN index serves containment lookups on the document; PostgreSQL only (SQLite
        // stores JSON as text and has no such index type).
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared("CREATE INDEX ix_result_json ON result USING GIN (json jsonb_path_ops)")
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ResultTag::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(ResultT::Table).to_owned()).await
    }
}
