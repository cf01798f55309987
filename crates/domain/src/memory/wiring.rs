//! Every service of the domain wired over the in-memory adapters.

use std::sync::Arc;

use crate::{
    DomainError, Identity, IdentityProvider,
    access::Access,
    mail::MailTemplates,
    service::{
        ApiKeyService, CatalogPorts, CatalogService, ResultPorts, ResultService, StatisticsPorts,
        StatisticsService, TagService, UserService,
    },
};

use super::{CountingPool, ManualClock, MemoryStore, StaticIdentityProvider, StaticImageRegistry};

/// The domain embedded with in-memory adapters: one store, the fakes of the other ports, and
/// the services built on them exactly as the server builds them on SQL.
///
/// The image registry starts empty: publish an image with [`StaticImageRegistry::publish`]
/// before submitting a benchmark for it.
#[derive(Clone)]
pub struct InMemory {
    /// The tables, and the outbox of queued mails.
    pub store: MemoryStore,
    /// Bearer tokens and the identities they stand for.
    pub identities: Arc<StaticIdentityProvider>,
    /// The container images that exist.
    pub registry: Arc<StaticImageRegistry>,
    /// The services' time.
    pub clock: Arc<ManualClock>,
    /// Where large result documents are checked.
    pub pool: Arc<CountingPool>,
    /// Access levels (registered, admin).
    pub access: Access,
    /// Registration and user administration.
    pub users: UserService,
    /// Tags.
    pub tags: TagService,
    /// Benchmarks, sites, flavors and their moderation.
    pub catalog: CatalogService,
    /// Results and claims.
    pub results: ResultService,
    /// API keys.
    pub keys: ApiKeyService,
    /// Statistics and rankings of results.
    pub statistics: StatisticsService,
}

impl std::fmt::Debug for InMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InMemory").field("store", &self.store).finish_non_exhaustive()
    }
}

impl InMemory {
    /// Wires the domain; identities holding one of `admin_entitlements` are admins once
    /// registered (none: nobody is admin). Mails carry no Cc.
    pub fn with_admins<S: Into<String>>(admin_entitlements: impl IntoIterator<Item = S>) -> Self {
        Self::new(admin_entitlements.into_iter().map(Into::into).collect(), MailTemplates::default())
    }

    /// Wires the domain with these admin entitlements and mail templates.
    pub fn new(admin_entitlements: Vec<String>, mails: MailTemplates) -> Self {
        let store = MemoryStore::new();
        let identities = Arc::new(StaticIdentityProvider::new());
        let registry = Arc::new(StaticImageRegistry::default());
        let clock = Arc::new(ManualClock::default());
        let pool = Arc::new(CountingPool::default());
        let shared = Arc::new(store.clone());
        let access = Access::new(shared.clone(), admin_entitlements);
        let users = UserService::new(shared.clone(), clock.clone(), mails.clone());
        let tags = TagService::new(shared.clone());
        let catalog = CatalogService::new(catalog_ports(&store, &registry, &clock), mails.clone());
        let results = ResultService::new(result_ports(&store, &clock, &pool), mails);
        let keys = ApiKeyService::new(shared.clone(), clock.clone());
        let statistics = StatisticsService::new(StatisticsPorts {
            samples: shared.clone(),
            benchmarks: shared.clone(),
            sites: shared.clone(),
            flavors: shared.clone(),
            tags: shared.clone(),
        });
        Self {
            store,
            identities,
            registry,
            clock,
            pool,
            access,
            users,
            tags,
            catalog,
            results,
            keys,
            statistics,
        }
    }

    /// The catalog's ports over these adapters, to wire a [`CatalogService`] with some of them
    /// replaced.
    pub fn catalog_ports(&self) -> CatalogPorts {
        catalog_ports(&self.store, &self.registry, &self.clock)
    }

    /// The ports of results and claims over these adapters, to wire a [`ResultService`] with
    /// some of them replaced.
    pub fn result_ports(&self) -> ResultPorts {
        result_ports(&self.store, &self.clock, &self.pool)
    }

    /// The identity behind a bearer token.
    ///
    /// # Errors
    /// `Unauthenticated` for an unknown token.
    pub async fn identify(&self, token: &str) -> Result<Identity, DomainError> {
        Ok(self.identities.identify(token).await?)
    }
}

fn catalog_ports(
    store: &MemoryStore,
    registry: &Arc<StaticImageRegistry>,
    clock: &Arc<ManualClock>,
) -> CatalogPorts {
    let shared = Arc::new(store.clone());
    CatalogPorts {
        benchmarks: shared.clone(),
        sites: shared.clone(),
        flavors: shared.clone(),
        submits: shared.clone(),
        unit_of_work: shared.clone(),
        users: shared,
        registry: registry.clone(),
        clock: clock.clone(),
    }
}

fn result_ports(store: &MemoryStore, clock: &Arc<ManualClock>, pool: &Arc<CountingPool>) -> ResultPorts {
    let shared = Arc::new(store.clone());
    ResultPorts {
        results: shared.clone(),
        claims: shared.clone(),
        unit_of_work: shared.clone(),
        benchmarks: shared.clone(),
        flavors: shared.clone(),
        sites: shared.clone(),
        tags: shared.clone(),
        users: shared,
        clock: clock.clone(),
        blocking: pool.clone(),
    }
}

impl Default for InMemory {
    /// Nobody is admin.
    fn default() -> Self {
        Self::with_admins(Vec::<String>::new())
    }
}
