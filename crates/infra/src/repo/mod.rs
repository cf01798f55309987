//! SeaORM implementations of the domain's repository ports and of its unit of work.

mod api_key;
mod benchmark;
mod claim;
mod common;
mod flavor;
mod generation_cache;
mod kinds;
mod moderated;
mod result;
mod site;
mod submit;
mod tag;
mod unit_of_work;
mod user;

use std::sync::Arc;

use domain::{benchmark::Benchmark, flavor::Flavor, site::Site};
use sea_orm::DatabaseConnection;

use crate::{config::ResultCacheConfig, outbox::MailSignal, read_pools::ReadPools};

pub use api_key::SeaApiKeyRepository;
pub use claim::SeaClaimRepository;
pub use moderated::SeaModeratedRepository;
pub use result::SeaResultRepository;
pub use submit::SeaSubmitRepository;
pub use tag::SeaTagRepository;
pub use unit_of_work::SeaUnitOfWork;
pub use user::SeaUserRepository;

/// Every repository over one connection pool.
#[derive(Clone)]
pub struct Repositories {
    /// Users.
    pub users: Arc<SeaUserRepository>,
    /// Tags.
    pub tags: Arc<SeaTagRepository>,
    /// Benchmarks.
    pub benchmarks: Arc<SeaModeratedRepository<Benchmark>>,
    /// Sites.
    pub sites: Arc<SeaModeratedRepository<Site>>,
    /// Flavors.
    pub flavors: Arc<SeaModeratedRepository<Flavor>>,
    /// The submit list.
    pub submits: Arc<SeaSubmitRepository>,
    /// Writes of several steps in one transaction.
    pub unit_of_work: Arc<SeaUnitOfWork>,
    /// Results.
    pub results: Arc<SeaResultRepository>,
    /// Claims.
    pub claims: Arc<SeaClaimRepository>,
    /// API keys.
    pub api_keys: Arc<SeaApiKeyRepository>,
}

impl Repositories {
    /// Builds every repository over `pools` (a [`DatabaseConnection`] alone, or the primary with
    /// a hot standby for list reads); transactions that queue mails wake the deliverer through
    /// `mail` after each commit; result lists are cached within `result_cache`.
    pub fn new(pools: impl Into<ReadPools>, mail: &MailSignal, result_cache: ResultCacheConfig) -> Self {
        let pools = pools.into();
        let db: DatabaseConnection = pools.primary().clone();
        Self {
            users: Arc::new(SeaUserRepository::new(db.clone(), mail.clone())),
            tags: Arc::new(SeaTagRepository::new(pools.clone())),
            benchmarks: Arc::new(SeaModeratedRepository::new(pools.clone())),
            sites: Arc::new(SeaModeratedRepository::new(pools.clone())),
            flavors: Arc::new(SeaModeratedRepository::new(pools.clone())),
            submits: Arc::new(SeaSubmitRepository::new(db.clone())),
            unit_of_work: Arc::new(SeaUnitOfWork::new(db.clone(), mail.clone())),
            results: Arc::new(SeaResultRepository::new(pools, result_cache)),
            claims: Arc::new(SeaClaimRepository::new(db.clone())),
            api_keys: Arc::new(SeaApiKeyRepository::new(db)),
        }
    }
}
