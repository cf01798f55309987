//! Claims (reports against results, many per result: Q2) and submits (the admins' to-do list).
//! A submit points at exactly one pending item through a nullable cascading foreign key, so
//! that deleting the item by any path deletes its submit.

use sea_orm_migration::prelude::*;

use crate::schema::{
    Benchmark, Claim, Flavor, Result as ResultT, Site, Submit, id_column, index, uploaded_columns,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut claim = Table::create();
        claim
            .table(Claim::Table)
            .col(id_column(Claim::Id))
            .col(ColumnDef::new(Claim::Message).text().not_null())
            .col(ColumnDef::new(Claim::ResultId).uuid().null())
            .foreign_key(
                // A hard-deleted result leaves its claims orphaned (contract §5.6).
                ForeignKey::create()
                    .from(Claim::Table, Claim::ResultId)
                    .to(ResultT::Table, ResultT::Id)
                    .on_delete(ForeignKeyAction::SetNull),
            );
        uploaded_columns(&mut claim, Claim::Table, true);
        manager.create_table(claim).await?;

        let mut submit = Table::create();
        submit
            .table(Submit::Table)
            .col(id_column(Submit::Id))
            .col(ColumnDef::new(Submit::ResourceType).string_len(16).not_null())
            .col(ColumnDef::new(Submit::BenchmarkId).uuid().null())
            .col(ColumnDef::new(Submit::SiteId).uuid().null())
            .col(ColumnDef::new(Submit::FlavorId).uuid().null())
            .col(ColumnDef::new(Submit::ClaimId).uuid().null());
        for (col, table, id) in [
            (Submit::BenchmarkId, Benchmark::Table.into_iden(), Benchmark::Id.into_iden()),
            (Submit::SiteId, Site::Table.into_iden(), Site::Id.into_iden()),
            (Submit::FlavorId, Flavor::Table.into_iden(), Flavor::Id.into_iden()),
            (Submit::ClaimId, Claim::Table.into_iden(), Claim::Id.into_iden()),
        ] {
            submit.foreign_key(
                ForeignKey::create()
                    .from(Submit::Table, col)
                    .to(table, id)
                    .on_delete(ForeignKeyAction::Cascade),
            );
        }
        uploaded_columns(&mut submit, Submit::Table, false);
        manager.create_table(submit).await?;

        for (name, table, cols) in [
            ("ix_claim_result", Claim::Table.into_iden(), &["result_id"][..]),
            ("ix_claim_status_upload", Claim::Table.into_iden(), &["status", "upload_datetime"][..]),
            ("ix_claim_uploader", Claim::Table.into_iden(), &["uploader_sub", "uploader_iss"][..]),
            ("ix_submit_type", Submit::Table.into_iden(), &["resource_type"][..]),
            ("ix_submit_benchmark", Submit::Table.into_iden(), &["benchmark_id"][..]),
            ("ix_submit_site", Submit::Table.into_iden(), &["site_id"][..]),
            ("ix_submit_flavor", Submit::Table.into_iden(), &["flavor_id"][..]),
            ("ix_submit_claim", Submit::Table.into_iden(), &["claim_id"][..]),
        ] {
            manager.create_index(index(name, table, cols)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Submit::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Claim::Table).to_owned()).await
    }
}
