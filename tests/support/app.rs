//! The server under test, started exactly as production starts it, with loopback mocks.

#![allow(clippy::expect_used, reason = "test support: a failed set-up or request is a failed test")]

use std::{collections::HashMap, time::Duration};

use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};

mod catalog;
mod replies;

pub use catalog::registry_repository;
pub use replies::{
    RawResponse, bare, execute, forbidden, handler_error, send, send_raw, unauthenticated, validation_error,
};

use crate::{
    db::{Backend, TestDb},
    oidc::{MockOidc, MockUser},
    registry::MockRegistry,
    smtp::SmtpSink,
};

/// The entitlement that makes a test user admin.
pub const ADMIN_ENTITLEMENT: &str = "urn:eosc-perf:admin";
/// `MAIL_SUPPORT` of the test server.
pub const SUPPORT: &str = "support@example.org";

/// A running server and its surroundings.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// Client without default headers.
    pub client: reqwest::Client,
    /// Mock OIDC provider (the only trusted issuer).
    pub oidc: MockOidc,
    /// SMTP sink receiving the server's mails.
    pub smtp: SmtpSink,
    /// Mock container registry (`IMAGE_REGISTRY_URL`).
    pub registry: MockRegistry,
    /// Direct access to the database.
    pub db: sea_orm::DatabaseConnection,
    /// Backend in use.
    pub backend: Backend,
    /// Addresses whose responses are checked against the served document (this server and
    /// its replicas), until the app is dropped.
    checked: std::sync::Mutex<Vec<String>>,
    /// `http://127.0.0.1:<port>` of `/metrics` when `METRICS_BIND` gave it its own address.
    pub metrics_address: Option<String>,
    _db: TestDb,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let checked = self.checked.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner);
        checked.iter().for_each(|address| crate::conformance::unregister(address));
    }
}

/// A user known to the mock provider.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// Bearer token.
    pub token: String,
    /// Subject.
    pub sub: String,
    /// E-mail.
    pub email: String,
}

/// Starts the app on `backend` with the default test settings; `None` when there is no
/// PostgreSQL server to use (the case is then reported as skipped, see [`crate::db`]).
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, &[]).await
}

/// Like [`spawn_app`], with extra or overriding environment variables.
///
/// # Panics
/// When the app cannot start.
pub async fn spawn_app_with(backend: Backend, overrides: &[(&str, &str)]) -> Option<TestApp> {
    spawn_app_with_routes(backend, overrides, |_| {}).await
}

/// Like [`spawn_app_with`], with `extra_routes` served beside the API behind the same
/// middleware (routes that fail on purpose).
///
/// # Panics
/// When the app cannot start.
pub async fn spawn_app_with_routes(
    backend: Backend,
    overrides: &[(&str, &str)],
    extra_routes: fn(&mut actix_web::web::ServiceConfig),
) -> Option<TestApp> {
    let db = match backend {
        Backend::Sqlite => TestDb::sqlite(),
        Backend::Postgres => TestDb::postgres().await?,
    };
    Some(spawn_app_on(db, overrides, extra_routes).await)
}

/// Starts the app on `db` (for instance [`TestDb::existing_postgres`]) with extra or
/// overriding environment variables and `extra_routes`.
///
/// # Panics
/// When the app cannot start.
pub async fn spawn_app_on(
    db: TestDb,
    overrides: &[(&str, &str)],
    extra_routes: fn(&mut actix_web::web::ServiceConfig),
) -> TestApp {
    let backend = db.backend;
    let oidc = MockOidc::start().await;
    let smtp = SmtpSink::start().await;
    let registry = MockRegistry::start().await;
    let mut env: HashMap<String, String> = HashMap::new();
    for (k, v) in [
        ("DATABASE_URL", db.url.clone()),
        ("BIND_ADDRESS", "127.0.0.1:0".into()),
        ("TRUSTED_OP_LIST", oidc.issuer()),
        ("ADMIN_ENTITLEMENTS", ADMIN_ENTITLEMENT.into()),
        ("MAIL_SERVER", "127.0.0.1".into()),
        ("MAIL_PORT", smtp.port().to_string()),
        ("MAIL_FROM", "perf@example.org".into()),
        ("MAIL_SUPPORT", SUPPORT.into()),
        ("IMAGE_REGISTRY_URL", registry.url()),
        // Off unless a test turns them on: suites send many requests from one address.
        ("RATE_LIMITS", "off".into()),
    ] {
        env.insert(k.into(), v);
    }
    for (k, v) in overrides {
        env.insert((*k).into(), (*v).into());
    }
    let mut settings = server::Settings::from_lookup(&move |k| env.get(k).cloned()).expect("test settings");
    settings = settings.with_fast_mail_retry();
    settings.oidc.timeout = Duration::from_secs(2);
    settings.oidc.cache_ttl = Duration::from_secs(2);
    let app = server::Application::build_with_routes(settings, extra_routes).await.expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    let metrics_address = app.metrics_port().map(|port| format!("http://127.0.0.1:{port}"));
    let conn = app.db();
    tokio::spawn(app.run_until_stopped());
    crate::conformance::register(&address).await;
    let checked = std::sync::Mutex::new(vec![address.clone()]);
    TestApp {
        address,
        client: reqwest::Client::new(),
        oidc,
        smtp,
        registry,
        db: conn,
        backend,
        checked,
        metrics_address,
        _db: db,
    }
}

impl TestApp {
    /// A request to `path` (relative to the server root).
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{}", self.address, path))
    }

    /// GET without token.
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        send(self.request(Method::GET, path)).await
    }

    /// A request with a bearer token and an optional JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.request(method, path);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        send(req).await
    }

    /// A user the provider knows (opaque token), not registered.
    pub fn user(&self, name: &str) -> TestUser {
        self.user_with(MockUser::new(name).with_email(&format!("{name}@example.org"), true))
    }

    /// A user built from a custom mock profile.
    pub fn user_with(&self, user: MockUser) -> TestUser {
        let email = user.email.clone().unwrap_or_default();
        let sub = user.sub.clone();
        TestUser { token: self.oidc.opaque_token(user), sub, email }
    }

    /// A registered user.
    pub async fn registered(&self, name: &str) -> TestUser {
        let user = self.user(name);
        self.register(&user).await;
        user
    }

    /// A registered admin.
    pub async fn admin(&self, name: &str) -> TestUser {
        let user = self.user_with(
            MockUser::new(name)
                .with_email(&format!("{name}@example.org"), true)
                .with_entitlement(ADMIN_ENTITLEMENT),
        );
        self.register(&user).await;
        user
    }

    async fn register(&self, user: &TestUser) {
        let (status, body) = self.call(Method::POST, "/users:register", Some(&user.token), None).await;
        assert_eq!(status, StatusCode::CREATED, "register {}: {body}", user.sub);
    }

    /// Waits until `n` mails arrived and returns them.
    pub async fn mails(&self, n: usize) -> Vec<crate::smtp::ReceivedMail> {
        self.smtp.wait_for(n, Duration::from_secs(10)).await
    }

    /// Waits until `n` mails arrived, then a little longer (several outbox polls) so that a
    /// mail that should not exist has had time to arrive; returns every mail received.
    pub async fn settled_mails(&self, n: usize) -> Vec<crate::smtp::ReceivedMail> {
        self.smtp.wait_for(n, Duration::from_secs(10)).await;
        tokio::time::sleep(Duration::from_millis(600)).await;
        self.smtp.messages()
    }

    /// Creates a tag as `user`, returning its JSON.
    pub async fn create_tag(&self, user: &TestUser, name: &str) -> Value {
        let (status, body) = self
            .call(
                Method::POST,
                "/tags",
                Some(&user.token),
                Some(json!({"name": name, "description": format!("about {name}")})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "create tag: {body}");
        body
    }
}

/// Like [`crate::backend_test!`], for tests that start the app themselves (custom settings,
/// extra mocks): the body gets the [`crate::Backend`] and should return early when
/// [`crate::spawn_app_with`] gives `None`.
#[macro_export]
macro_rules! backend_test_with {
    ($name:ident, |$backend:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($backend: $crate::Backend) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run($crate::Backend::Postgres).await;
            }
        }
    };
}

/// Mail helpers for results and claims: mails picked out by subject.
impl TestApp {
    /// Waits (up to 10 s) until a mail titled `subject` arrived and returns the first one.
    ///
    /// # Panics
    /// When no such mail arrives in time.
    pub async fn mail_titled(&self, subject: &str) -> crate::smtp::ReceivedMail {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(mail) = self.smtp.messages().into_iter().find(|m| m.subject() == subject) {
                return mail;
            }
            if std::time::Instant::now() >= deadline {
                let subjects: Vec<String> = self.smtp.messages().iter().map(|m| m.subject()).collect();
                panic!("no mail titled {subject:?} among {subjects:?}");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until a mail titled `subject` arrived, then a little longer (several outbox polls)
    /// so that mails that should not exist have had time to arrive; returns every subject
    /// received so far, in delivery order.
    ///
    /// # Panics
    /// When no mail titled `subject` arrives in time.
    pub async fn subjects_after(&self, subject: &str) -> Vec<String> {
        self.mail_titled(subject).await;
        tokio::time::sleep(Duration::from_millis(800)).await;
        self.smtp.messages().iter().map(|m| m.subject()).collect()
    }
}

/// Database helpers.
impl TestApp {
    /// The name of the test's PostgreSQL database (empty on SQLite).
    pub fn database_name(&self) -> String {
        self._db.postgres_name().unwrap_or_default()
    }
}

/// Replicas: more servers on the same database.
impl TestApp {
    /// Starts another server on this app's database and OIDC provider (a second replica) and
    /// returns its base address.
    pub async fn replica(&self) -> String {
        let env: HashMap<String, String> = [
            ("DATABASE_URL", self._db.url.clone()),
            ("BIND_ADDRESS", "127.0.0.1:0".to_owned()),
            ("TRUSTED_OP_LIST", self.oidc.issuer()),
            ("ADMIN_ENTITLEMENTS", ADMIN_ENTITLEMENT.to_owned()),
            ("IMAGE_REGISTRY_URL", self.registry.url()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let settings =
            server::Settings::from_lookup(&move |k| env.get(k).cloned()).expect("replica settings");
        let app = server::Application::build(settings).await.expect("build replica");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        crate::conformance::register(&address).await;
        self.checked.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(address.clone());
        address
    }
}
