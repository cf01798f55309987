//! The moderated catalog: benchmarks, sites and their flavors.

use sea_orm_migration::prelude::*;

use crate::schema::{Benchmark, Flavor, Site, id_column, index, uploaded_columns};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut benchmark = Table::create();
        benchmark
            .table(Benchmark::Table)
            .col(id_column(Benchmark::Id))
            .col(ColumnDef::new(Benchmark::DockerImage).text().not_null())
            .col(ColumnDef::new(Benchmark::DockerTag).text().not_null())
            .col(ColumnDef::new(Benchmark::Url).text().not_null())
            .col(ColumnDef::new(Benchmark::JsonSchema).json_binary().not_null())
            .col(ColumnDef::new(Benchmark::Description).text().null());
        uploaded_columns(&mut benchmark, Benchmark::Table, true);
        benchmark.index(
            Index::create()
                .name("uq_benchmark_image_tag")
                .col(Benchmark::DockerImage)
                .col(Benchmark::DockerTag)
                .unique(),
        );
        manager.create_table(benchmark).await?;

        let mut site = Table::create();
        site.table(Site::Table)
            .col(id_column(Site::Id))
            .col(ColumnDef::new(Site::Name).text().not_null().unique_key())
            .col(ColumnDef::new(Site::Address).text().not_null())
            .col(ColumnDef::new(Site::Description).text().null());
        uploaded_columns(&mut site, Site::Table, true);
        manager.create_table(site).await?;

        let mut flavor = Table::create();
        flavor
            .table(Flavor::Table)
            .col(id_column(Flavor::Id))
            .col(ColumnDef::new(Flavor::Name).text().not_null())
            .col(ColumnDef::new(Flavor::Description).text().null())
            .col(ColumnDef::new(Flavor::SiteId).uuid().not_null())
            .foreign_key(
                ForeignKey::create()
                    .from(Flavor::Table, Flavor::SiteId)
                    .to(Site::Table, Site::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            );
        uploaded_columns(&mut flavor, Flavor::Table, true);
        flavor.index(
            Index::create().name("uq_flavor_site_name").col(Flavor::SiteId).col(Flavor::Name).unique(),
        );
        manager.create_table(flavor).await?;

        for (name, table, cols) in [
            ("ix_benchmark_status_image", Benchmark::Table.into_iden(), &["status", "docker_image"][..]),
            ("ix_benchmark_uploader", Benchmark::Table.into_iden(), &["uploader_sub", "uploader_iss"][..]),
            ("ix_site_status_name", Site::Table.into_iden(), &["status", "name"][..]),
            ("ix_site_uploader", Site::Table.into_iden(), &["uploader_sub", "uploader_iss"][..]),
            ("ix_flavor_uploader", Flavor::Table.into_iden(), &["uploader_sub", "uploader_iss"][..]),
        ] {
            manager.create_index(index(name, table, cols)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Flavor::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Site::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Benchmark::Table).to_owned()).await
    }
}
