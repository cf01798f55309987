//! SeaORM entities, one module per table. Plain table mappings: no logic lives here.

pub mod api_key;
pub mod benchmark;
pub mod claim;
pub mod flavor;
pub mod mail_outbox;
pub mod result;
pub mod result_tag;
pub mod site;
pub mod submit;
pub mod tag;
pub mod user;
