//! The server under test, started exactly as production starts it, with loopback mocks.

use std::{collections::HashMap, time::Duration};

use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};

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
    _db: TestDb,
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

/// Starts the app on `backend` with the default test settings; `None` when the backend is not
/// configured (PostgreSQL without `TEST_DATABASE_URL`).
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, &[]).await
}

/// Like [`spawn_app`], with extra or overriding environment variables.
///
/// # Panics
/// When the app cannot start.
pub async fn spawn_app_with(backend: Backend, overrides: &[(&str, &str)]) -> Option<TestApp> {
    let db = match backend {
        Backend::Sqlite => TestDb::sqlite(),
        Backend::Postgres => TestDb::postgres().await?,
    };
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
    let app = server::Application::build(settings).await.expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    let conn = app.db();
    tokio::spawn(app.run_until_stopped());
    Some(TestApp {
        address,
        client: reqwest::Client::new(),
        oidc,
        smtp,
        registry,
        db: conn,
        backend,
        _db: db,
    })
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

/// Sends and decodes (an empty body decodes to `Value::Null`).
pub async fn send(req: RequestBuilder) -> (StatusCode, Value) {
    let resp = req.send().await.expect("request");
    let status = resp.status();
    let bytes = resp.bytes().await.expect("body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()))
    };
    (status, body)
}
