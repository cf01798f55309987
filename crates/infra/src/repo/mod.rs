//! SeaORM implementations of the domain's repository ports.

mod benchmark;
mod claim;
mod common;
mod flavor;
mod generation_cache;
mod moderation;
mod result;
mod site;
mod tag;
mod user;

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::{config::ResultCacheConfig, outbox::MailSignal};

pub use benchmark::SeaBenchmarkRepository;
pub use claim::SeaClaimRepository;
pub use flavor::SeaFlavorRepository;
pub use moderation::SeaModerationRepository;
pub use result::SeaResultRepository;
pub use site::SeaSiteRepository;
pub use tag::SeaTagRepository;
pub use user::SeaUserRepository;

/// Every repository over one connection pool.
#[derive(Clone)]
pub struct Repositories {
    /// Users.
    pub users: Arc<SeaUserRepository>,
    /// Tags.
    pub tags: Arc<SeaTagRepository>,
    /// Benchmarks.
    pub benchmarks: Arc<SeaBenchmarkRepository>,
    /// Sites.
    pub sites: Arc<SeaSiteRepository>,
    /// Flavors.
    pub flavors: Arc<SeaFlavorRepository>,
    /// Approve / reject / delete / submits.
    pub moderation: Arc<SeaModerationRepository>,
    /// Results.
    pub results: Arc<SeaResultRepository>,
    /// Claims.
    pub claims: Arc<SeaClaimRepository>,
}

impl Repositories {
    /// Builds every repository over `db`; those that queue mails wake the deliverer through
    /// `mail` after each commit; result lists are cached within `result_cache`.
    pub fn new(db: DatabaseConnection, mail: &MailSignal, result_cache: ResultCacheConfig) -> Self {
        Self {
            users: Arc::new(SeaUserRepository::new(db.clone(), mail.clone())),
            tags: Arc::new(SeaTagRepository::new(db.clone())),
            benchmarks: Arc::new(SeaBenchmarkRepository::new(db.clone(), mail.clone())),
            sites: Arc::new(SeaSiteRepository::new(db.clone(), mail.clone())),
            flavors: Arc::new(SeaFlavorRepository::new(db.clone(), mail.clone())),
            moderation: Arc::new(SeaModerationRepository::new(db.clone(), mail.clone())),
            results: Arc::new(SeaResultRepository::new(db.clone(), result_cache)),
            claims: Arc::new(SeaClaimRepository::new(db, mail.clone())),
        }
    }
}
