//! Database migrations of eosc-perf, written once with the SeaQuery DSL and run on PostgreSQL
//! and SQLite. Never edit a released migration: add a new one.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_user_and_tag;
mod m20261122_000002_create_catalog;
mod m20261122_000003_create_result;
mod m20261122_000004_create_claim_and_submit;
mod m20261122_000005_create_mail_outbox;
mod m20261122_000006_create_change_counter;
mod m20261123_000007_index_visible_results_by_context;
mod m20261124_000008_lease_mail_outbox;
mod m20261201_000009_flavor_specs;
mod m20261201_000010_api_keys;
mod m20261201_000011_idempotency;
mod m20261201_000012_derive_result_data;
mod m20261201_000013_cheaper_result_inserts;
mod m20261201_000014_number_context;
pub mod schema;

/// Every migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_user_and_tag::Migration),
            Box::new(m20261122_000002_create_catalog::Migration),
            Box::new(m20261122_000003_create_result::Migration),
            Box::new(m20261122_000004_create_claim_and_submit::Migration),
            Box::new(m20261122_000005_create_mail_outbox::Migration),
            Box::new(m20261122_000006_create_change_counter::Migration),
            Box::new(m20261123_000007_index_visible_results_by_context::Migration),
            Box::new(m20261124_000008_lease_mail_outbox::Migration),
            Box::new(m20261201_000009_flavor_specs::Migration),
            Box::new(m20261201_000010_api_keys::Migration),
            Box::new(m20261201_000011_idempotency::Migration),
            Box::new(m20261201_000012_derive_result_data::Migration),
            Box::new(m20261201_000013_cheaper_result_inserts::Migration),
            Box::new(m20261201_000014_number_context::Migration),
        ]
    }
}
