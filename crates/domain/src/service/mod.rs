//! Use cases. Handlers call these; these call ports. Every rule of the contract that is not a
//! wire-format rule lives here.

pub mod catalog;
mod claims;
pub mod keys;
mod moderation;
pub mod results;
pub mod statistics;
pub mod tags;
mod uploads;
pub mod users;

pub use catalog::{CatalogPorts, CatalogService};
pub use keys::ApiKeyService;
pub use moderation::Decision;
pub use results::{ResultPorts, ResultService, Upload};
pub use statistics::{StatisticsPorts, StatisticsService};
pub use tags::TagService;
pub use uploads::MAX_BATCH_ITEMS;
pub use users::UserService;
