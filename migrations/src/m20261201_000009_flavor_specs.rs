//! Typed flavor specs (issue 11): nullable columns on `flavor` for vCPUs, memory, GPUs,
//! architecture, disk, region and the hourly price. A flavor without them is a flavor as
//! before. The change-counter triggers on `flavor` fire on any update, so result lists that
//! embed flavors stay exact when a spec changes.
//!
//! SQLite allows one alteration per `ALTER TABLE`, hence one statement per column.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The spec columns of `flavor`.
#[derive(DeriveIden, Clone, Copy)]
enum FlavorSpec {
    #[sea_orm(iden = "flavor")]
    Table,
    Vcpus,
    MemoryGib,
    GpuModel,
    GpuCount,
    Architecture,
    DiskGib,
    Region,
    PriceAmount,
    PriceCurrency,
    PricePer,
    PriceAsOf,
}

/// Every spec column with its type.
fn columns() -> Vec<ColumnDef> {
    use FlavorSpec as F;
    vec![
        ColumnDef::new(F::Vcpus).integer().null().to_owned(),
        ColumnDef::new(F::MemoryGib).double().null().to_owned(),
        ColumnDef::new(F::GpuModel).text().null().to_owned(),
        ColumnDef::new(F::GpuCount).integer().null().to_owned(),
        ColumnDef::new(F::Architecture).text().null().to_owned(),
        ColumnDef::new(F::DiskGib).double().null().to_owned(),
        ColumnDef::new(F::Region).text().null().to_owned(),
        ColumnDef::new(F::PriceAmount).double().null().to_owned(),
        ColumnDef::new(F::PriceCurrency).text().null().to_owned(),
        ColumnDef::new(F::PricePer).text().null().to_owned(),
        ColumnDef::new(F::PriceAsOf).date().null().to_owned(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in columns() {
            manager
                .alter_table(Table::alter().table(FlavorSpec::Table).add_column(column).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in columns().into_iter().rev() {
            manager
                .alter_table(
                    Table::alter()
                        .table(FlavorSpec::Table)
                        .drop_column(Alias::new(column.get_column_name()))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
