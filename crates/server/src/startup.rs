//! Builds the application exactly as production runs it (tests call this too).

use std::{net::TcpListener, sync::Arc};

use actix_web::{HttpServer, dev::Server};
use anyhow::Context;
use auth::OidcIdentityProvider;
use domain::{
    access::Access,
    mail::MailTemplates,
    ports::{Clock, ImageRegistry, NoImageCheck, SystemClock},
    service::{CatalogPorts, CatalogService, ResultPorts, ResultService, TagService, UserService},
};
use infra::{
    Repositories,
    blocking::TokioBlockingPool,
    outbox::{MailDeliverer, MailSignal},
    registry::OciImageRegistry,
};
use sea_orm::DatabaseConnection;

use crate::Settings;

/// A built, bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    db: DatabaseConnection,
    deliverer: tokio::task::JoinHandle<()>,
    stop_deliverer: tokio::sync::oneshot::Sender<()>,
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
        let db = infra::connect(&settings.database)
            .await
            .with_context(|| format!("connecting to {}", infra::config::redact(&settings.database.url)))?;
        infra::migrate(&db).await.context("applying migrations")?;
        if settings.admin_entitlements.is_empty() {
            tracing::warn!(
                "ADMIN_ENTITLEMENTS is empty: nobody is admin (the original made everybody admin)"
            );
        }
        let mail_signal = MailSignal::new();
        let repos = Repositories::new(db.clone(), &mail_signal, settings.database.result_cache);
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
        let identity =
            Arc::new(OidcIdentityProvider::new(settings.oidc.clone()).context("building the OIDC client")?);
        let state = api::AppState {
            identity,
            users: UserService::new(repos.users.clone(), clock.clone(), mails.clone()),
            tags: TagService::new(repos.tags.clone()),
            results: ResultService::new(
                ResultPorts {
                    results: repos.results.clone(),
                    claims: repos.claims.clone(),
                    benchmarks: repos.benchmarks.clone(),
                    flavors: repos.flavors.clone(),
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
                    moderation: repos.moderation.clone(),
                    users: repos.users.clone(),
                    registry,
                    clock: clock.clone(),
                },
                mails.clone(),
            ),
            access,
            responses: api::caching::ResponseCache::new(settings.http.response_cache_bytes),
        };
        let listener =
            TcpListener::bind(&settings.bind).with_context(|| format!("binding {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let http = settings.http.clone();
        let server = HttpServer::new(move || api::build_app_with(state.clone(), http.clone(), extra_routes))
            .listen(listener)?
            .shutdown_timeout(10)
            .run();
        if settings.mail.server.is_none() {
            tracing::warn!("MAIL_SERVER is unset: mails are logged instead of sent");
        }
        let (stop_deliverer, stopped) = tokio::sync::oneshot::channel::<()>();
        let deliverer = MailDeliverer::new(db.clone(), settings.mail.clone(), mail_signal);
        let deliverer = tokio::spawn(deliverer.run_until(async {
            let _ = stopped.await;
        }));
        tracing::info!("listening on {} (port {port})", settings.bind);
        Ok(Self { port, server, db, deliverer, stop_deliverer })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
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
        let result = self.server.await;
        let _ = self.stop_deliverer.send(());
        let _ = self.deliverer.await;
        result
    }
}
