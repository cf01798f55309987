//! Builds the application exactly as production runs it (tests call this too).

use std::{net::TcpListener, sync::Arc};

use actix_web::{
    App, HttpServer,
    dev::{Server, ServerHandle},
    http::StatusCode,
    middleware::from_fn,
    web,
};
use anyhow::Context;
use api::routes::health::ReadinessCheck;
use auth::{DemoIssuer, OidcIdentityProvider, WithApiKeys};
use domain::{
    IdentityProvider,
    access::Access,
    mail::MailTemplates,
    ports::{Clock, ImageRegistry, NoImageCheck, SystemClock},
    service::{
        ApiKeyService, CatalogPorts, CatalogService, ResultPorts, ResultService, StatisticsPorts,
        StatisticsService, TagService, UserService,
    },
};
use infra::{
    ReadPools, Repositories,
    blocking::TokioBlockingPool,
    outbox::{MailDeliverer, MailSignal},
    registry::OciImageRegistry,
};
use sea_orm::DatabaseConnection;

use crate::{
    Settings,
    metrics::{ACQUIRE_SAMPLE_INTERVAL, Metrics, MetricsEndpoint, Sources},
    read_routing::{ReadRouting, route_reads},
    readiness::DatabaseReadiness,
};

/// A built, bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    /// `/metrics` on its own address (`METRICS_BIND`) and that address's port.
    metrics_server: Option<(Server, u16)>,
    db: DatabaseConnection,
    deliverer: tokio::task::JoinHandle<()>,
    stop_deliverer: tokio::sync::oneshot::Sender<()>,
    acquire_sampler: tokio::task::JoinHandle<()>,
    /// The hot standby's check, when one is configured.
    standby_monitor: Option<tokio::task::JoinHandle<()>>,
}

impl Application {
    /// Connects and migrates the database, wires the services, binds the listener and starts
    /// the mail deliverer.
    ///
    /// # Errors
    /// When the database cannot be reached or migrated, or the address cannot be bound.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_routes(settings, |_| {}).await
    }

    /// [`Application::build`] with `extra_routes` served beside the API, behind the same
    /// middleware (the test suites register routes that fail on purpose this way).
    ///
    /// # Errors
    /// As [`Application::build`].
    pub async fn build_with_routes(
        settings: Settings,
        extra_routes: fn(&mut actix_web::web::ServiceConfig),
    ) -> anyhow::Result<Self> {
        Self::build_inner(settings, extra_routes, None).await
    }

    /// [`Application::build`] for `eosc-perf demo`: bearer tokens are checked by `issuer`
    /// alone, instead of the configured OIDC providers (the only way to trust a demo issuer).
    ///
    /// # Errors
    /// As [`Application::build`].
    pub async fn build_demo(settings: Settings, issuer: Arc<DemoIssuer>) -> anyhow::Result<Self> {
        Self::build_inner(settings, |_| {}, Some(issuer)).await
    }

    async fn build_inner(
        settings: Settings,
        extra_routes: fn(&mut actix_web::web::ServiceConfig),
        demo_issuer: Option<Arc<DemoIssuer>>,
    ) -> anyhow::Result<Self> {
        let db = infra::connect(&settings.database)
            .await
            .with_context(|| format!("connecting to {}", infra::config::redact(&settings.database.url)))?;
        infra::migrate(&db).await.context("applying migrations")?;
        if settings.admin_entitlements.is_empty() {
            tracing::warn!(
                "ADMIN_ENTITLEMENTS is empty: nobody is admin (the original made everybody admin)"
            );
        }
        let reads = read_pools(&settings, &db).await?;
        let mail_signal = MailSignal::new();
        let repos = Repositories::new(reads.clone(), &mail_signal, settings.database.result_cache);
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let registry: Arc<dyn ImageRegistry> = match &settings.registry {
            Some(config) => {
                Arc::new(OciImageRegistry::new(config.clone()).context("building the registry client")?)
            }
            None => {
                tracing::warn!("IMAGE_CHECK=off: container images are not checked");
                Arc::new(NoImageCheck)
            }
        };
        let mails = MailTemplates { support: settings.mail_support.clone() };
        let access = Access::new(repos.users.clone(), settings.admin_entitlements.clone());
        let mut metrics = Metrics::new().context("building the metrics registry")?;
        if reads.standby().is_some() {
            metrics.track_standby().context("registering the standby's metrics")?;
        }
        let metrics = Arc::new(metrics);
        let mut caches = repos.results.cache_stats().to_vec();
        let tokens: Arc<dyn IdentityProvider> = match demo_issuer {
            Some(issuer) => issuer,
            None => {
                let oidc = Arc::new(
                    OidcIdentityProvider::with_metrics(settings.oidc.clone(), metrics.oidc.clone())
                        .context("building the OIDC client")?,
                );
                caches.push(("auth_tokens", oidc.cache_stats()));
                oidc
            }
        };
        let keys = ApiKeyService::new(repos.api_keys.clone(), clock.clone());
        let state = api::AppState {
            identity: Arc::new(WithApiKeys::new(keys.clone(), tokens)),
            keys,
            users: UserService::new(repos.users.clone(), clock.clone(), mails.clone()),
            tags: TagService::new(repos.tags.clone()),
            results: ResultService::new(
                ResultPorts {
                    results: repos.results.clone(),
                    claims: repos.claims.clone(),
                    unit_of_work: repos.unit_of_work.clone(),
                    benchmarks: repos.benchmarks.clone(),
                    flavors: repos.flavors.clone(),
                    sites: repos.sites.clone(),
                    tags: repos.tags.clone(),
                    users: repos.users.clone(),
                    clock: clock.clone(),
                    blocking: Arc::new(TokioBlockingPool),
                },
                mails.clone(),
            ),
            catalog: CatalogService::new(
                CatalogPorts {
                    benchmarks: repos.benchmarks.clone(),
                    sites: repos.sites.clone(),
                    flavors: repos.flavors.clone(),
                    submits: repos.submits.clone(),
                    unit_of_work: repos.unit_of_work.clone(),
                    users: repos.users.clone(),
                    registry,
                    clock: clock.clone(),
                },
                mails.clone(),
            ),
            statistics: StatisticsService::new(StatisticsPorts {
                samples: repos.results.clone(),
                benchmarks: repos.benchmarks.clone(),
                sites: repos.sites.clone(),
                flavors: repos.flavors.clone(),
                tags: repos.tags.clone(),
            }),
            access,
            responses: api::caching::ResponseCache::new(settings.http.response_cache_bytes),
        };
        caches.push(("schemas", state.results.schema_cache_stats()));
        let deliverer = MailDeliverer::new(db.clone(), settings.mail.clone(), mail_signal);
        let standby = reads.standby().is_some().then(|| reads.clone());
        let sources = Sources { db: db.clone(), mail: deliverer.counters(), caches, standby };
        let endpoint = web::Data::new(MetricsEndpoint { metrics: metrics.clone(), sources });
        let readiness = web::Data::new(ReadinessCheck(Arc::new(DatabaseReadiness::new(reads.clone()))));
        let routing = settings
            .read_replica
            .as_ref()
            .map(|replica| web::Data::new(ReadRouting::new(replica.read_your_writes)));
        let http_metrics = metrics.http.clone();
        // `/metrics` on the main address only when it has no address of its own.
        let main_metrics = settings.metrics_bind.is_none().then(|| endpoint.clone());
        let listener =
            TcpListener::bind(&settings.bind).with_context(|| format!("binding {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let http = settings.http.clone();
        let limiters = rate_limiters(&settings);
        let server = HttpServer::new(move || {
            let metrics_route = main_metrics.as_ref().map(crate::metrics::route);
            let routing = routing.clone();
            let app = api::build_app_with(state.clone(), http.clone(), extra_routes);
            let app = match &limiters {
                Some(limiters) => app.app_data(limiters.clone()),
                None => app,
            };
            app.app_data(readiness.clone())
                .app_data(http_metrics.clone())
                .configure(|cfg| metrics_route.into_iter().for_each(|route| route(cfg)))
                .configure(|cfg| {
                    if let Some(routing) = routing {
                        cfg.app_data(routing);
                    }
                })
                .wrap(from_fn(route_reads))
                .wrap(from_fn(api::observe::request))
        })
        .listen(listener)?
        .shutdown_timeout(10)
        .run();
        let metrics_server = match &settings.metrics_bind {
            Some(address) => Some(metrics_server(address, &endpoint)?),
            None => None,
        };
        if settings.mail.server.is_none() {
            tracing::warn!("MAIL_SERVER is unset: mails are logged instead of sent");
        }
        let (stop_deliverer, stopped) = tokio::sync::oneshot::channel::<()>();
        let deliverer = tokio::spawn(deliverer.run_until(async {
            let _ = stopped.await;
        }));
        let acquire_sampler = tokio::spawn(sample_acquire(metrics, db.clone()));
        let standby_monitor = reads.standby().is_some().then(|| tokio::spawn(crate::standby::monitor(reads)));
        tracing::info!("listening on {} (port {port})", settings.bind);
        Ok(Self {
            port,
            server,
            metrics_server,
            db,
            deliverer,
            stop_deliverer,
            acquire_sampler,
            standby_monitor,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the metrics address, when `METRICS_BIND` gave one.
    pub fn metrics_port(&self) -> Option<u16> {
        self.metrics_server.as_ref().map(|(_, port)| *port)
    }

    /// The database pool (tests inspect it).
    pub fn db(&self) -> DatabaseConnection {
        self.db.clone()
    }

    /// Serves until SIGINT/SIGTERM (graceful: in-flight requests finish, then the mails being
    /// sent are recorded as sent).
    ///
    /// # Errors
    /// I/O errors of the server.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let metrics: Option<(ServerHandle, _)> =
            self.metrics_server.map(|(server, _)| (server.handle(), tokio::spawn(server)));
        let result = self.server.await;
        if let Some((handle, running)) = metrics {
            handle.stop(true).await;
            let _ = running.await;
        }
        self.acquire_sampler.abort();
        if let Some(monitor) = self.standby_monitor {
            monitor.abort();
        }
        let _ = self.stop_deliverer.send(());
        let _ = self.deliverer.await;
        result
    }
}

/// The primary alone, or with the hot standby of `DATABASE_READ_URL` (opened lazily and
/// checked once, so a standby that is down delays nothing: reads go to the primary).
async fn read_pools(settings: &Settings, db: &DatabaseConnection) -> anyhow::Result<ReadPools> {
    let Some(replica) = &settings.read_replica else { return Ok(ReadPools::primary_only(db.clone())) };
    let standby = infra::connect_standby(&replica.database)
        .await
        .with_context(|| format!("DATABASE_READ_URL {}", infra::config::redact(&replica.database.url)))?;
    let reads = ReadPools::with_standby(db.clone(), standby, replica.standby);
    let status = reads.check_standby().await;
    tracing::info!(
        ?status,
        "list reads may use the hot standby {}",
        infra::config::redact(&replica.database.url)
    );
    Ok(reads)
}

/// A server answering `GET /metrics` on `address`, and 404 to anything else.
fn metrics_server(address: &str, endpoint: &web::Data<MetricsEndpoint>) -> anyhow::Result<(Server, u16)> {
    let listener = TcpListener::bind(address).with_context(|| format!("binding METRICS_BIND {address}"))?;
    let port = listener.local_addr()?.port();
    let endpoint = endpoint.clone();
    let server = HttpServer::new(move || {
        App::new()
            .configure(crate::metrics::route(&endpoint))
            .default_service(web::to(|| async { api::error::bare(StatusCode::NOT_FOUND) }))
    })
    .workers(1)
    .listen(listener)?
    .shutdown_timeout(5)
    .run();
    tracing::info!("metrics on {address} (port {port})");
    Ok((server, port))
}

/// The shared rate limiters when `RATE_LIMITS` is on, with a task that forgets idle keys
/// every minute (it ends with the runtime).
fn rate_limiters(settings: &Settings) -> Option<web::Data<api::ratelimit::Limiters>> {
    let config = &settings.http.rate_limits;
    if !config.enabled {
        tracing::warn!("RATE_LIMITS=off: requests are not rate limited");
        return None;
    }
    let limiters = web::Data::new(api::ratelimit::Limiters::new(config.clone()));
    let kept = limiters.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every.tick().await;
            let keys = kept.forget_idle();
            tracing::debug!(rate_limit.keys = keys, "idle rate-limit keys forgotten");
        }
    });
    Some(limiters)
}

/// Samples the pool's acquire time until aborted.
async fn sample_acquire(metrics: Arc<Metrics>, db: DatabaseConnection) {
    let mut every = tokio::time::interval(ACQUIRE_SAMPLE_INTERVAL);
    loop {
        every.tick().await;
        metrics.sample_acquire(&db).await;
    }
}
