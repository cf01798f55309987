//! `MockOidc`: a mock OpenID Connect provider on loopback with discovery,
//! JWKS, userinfo, RFC 7662 introspection, RS256 JWT minting, per-endpoint
//! call counters and fault injection (delay, outage).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rsa::pkcs1::EncodeRsaPrivateKey as _;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::traits::PublicKeyParts as _;
use serde_json::{Value, json};

use crate::registry::http::{self, Request, Response, Server};

/// `kid` of the provider's (only) signing key.
pub const KID: &str = "test-key";
/// Client id accepted by the introspection endpoint.
pub const CLIENT_ID: &str = "eosc-perf";
/// Client secret accepted by the introspection endpoint.
pub const CLIENT_SECRET: &str = "s3cret";

/// A user known to the provider.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MockUser {
    /// Subject identifier.
    pub sub: String,
    /// `email` claim, omitted when `None`.
    pub email: Option<String>,
    /// `email_verified` claim, omitted when `None`.
    pub email_verified: Option<bool>,
    /// `eduperson_entitlement` claim, omitted when empty.
    pub entitlements: Vec<String>,
}

impl MockUser {
    /// A user with only a `sub`.
    pub fn new(sub: &str) -> Self {
        Self { sub: sub.to_owned(), ..Self::default() }
    }

    /// Set `email` and `email_verified`.
    pub fn with_email(mut self, email: &str, verified: bool) -> Self {
        self.email = Some(email.to_owned());
        self.email_verified = Some(verified);
        self
    }

    /// Add an `eduperson_entitlement` value.
    pub fn with_entitlement(mut self, entitlement: &str) -> Self {
        self.entitlements.push(entitlement.to_owned());
        self
    }

    fn claims(&self) -> serde_json::Map<String, Value> {
        let mut map = serde_json::Map::new();
        map.insert("sub".into(), json!(self.sub));
        if let Some(email) = &self.email {
            map.insert("email".into(), json!(email));
        }
        if let Some(verified) = self.email_verified {
            map.insert("email_verified".into(), json!(verified));
        }
        if !self.entitlements.is_empty() {
            map.insert("eduperson_entitlement".into(), json!(self.entitlements));
        }
        map
    }

    fn from_claims(claims: &Value) -> Self {
        Self {
            sub: claims["sub"].as_str().unwrap_or_default().to_owned(),
            email: claims["email"].as_str().map(str::to_owned),
            email_verified: claims["email_verified"].as_bool(),
            entitlements: claims["eduperson_entitlement"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                .unwrap_or_default(),
        }
    }
}

/// Which private key signs a token minted by [`MockOidc::jwt_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningKey {
    /// The provider key published in the JWKS (`fixtures/oidc_rsa.pem`).
    Provider,
    /// A foreign key not in the JWKS (`fixtures/other_rsa.pem`), for forgeries.
    Other,
}

struct Keys {
    provider: EncodingKey,
    other: EncodingKey,
    decoding: DecodingKey,
    jwk: Value,
}

#[expect(clippy::expect_used, reason = "test support: the fixture keys are known-good")]
static KEYS: LazyLock<Keys> = LazyLock::new(|| {
    let load = |pem: &str| rsa::RsaPrivateKey::from_pkcs8_pem(pem).expect("fixture RSA key");
    let der = |key: &rsa::RsaPrivateKey| key.to_pkcs1_der().expect("PKCS#1 DER").as_bytes().to_vec();
    let provider = load(include_str!("../fixtures/oidc_rsa.pem"));
    let other = load(include_str!("../fixtures/other_rsa.pem"));
    let n = URL_SAFE_NO_PAD.encode(provider.n().to_bytes_be());
    let e = URL_SAFE_NO_PAD.encode(provider.e().to_bytes_be());
    Keys {
        decoding: DecodingKey::from_rsa_components(&n, &e).expect("RSA components"),
        jwk: json!({"kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID, "n": n, "e": e}),
        provider: EncodingKey::from_rsa_der(&der(&provider)),
        other: EncodingKey::from_rsa_der(&der(&other)),
    }
});

#[derive(Default)]
struct State {
    issuer: OnceLock<String>,
    tokens: Mutex<HashMap<String, MockUser>>,
    by_sub: Mutex<HashMap<String, MockUser>>,
    delay: Mutex<Duration>,
    down: AtomicBool,
    discovery: AtomicUsize,
    jwks: AtomicUsize,
    userinfo: AtomicUsize,
    introspection: AtomicUsize,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A mock OpenID Connect provider on `127.0.0.1:<random port>`.
///
/// Cloning shares the same provider; it stops when the last clone is dropped.
#[derive(Clone)]
pub struct MockOidc {
    state: Arc<State>,
    server: Arc<Server>,
}

impl MockOidc {
    /// Start the provider in the background of the current tokio runtime.
    #[expect(clippy::expect_used, reason = "test support: failing to bind loopback is fatal")]
    pub async fn start() -> Self {
        LazyLock::force(&KEYS);
        let state = Arc::new(State::default());
        let cloned = Arc::clone(&state);
        let server = http::serve(move |req| {
            let state = Arc::clone(&cloned);
            async move { route(&state, req).await }
        })
        .await
        .expect("bind mock OIDC provider");
        let _ = state.issuer.set(format!("http://{}", server.addr));
        Self { state, server: Arc::new(server) }
    }

    /// Issuer URL, `http://127.0.0.1:<port>` (no trailing slash).
    pub fn issuer(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// Map the opaque access token `token` to `user` (also registers its sub).
    pub fn register_token(&self, token: &str, user: MockUser) {
        lock(&self.state.by_sub).insert(user.sub.clone(), user.clone());
        lock(&self.state.tokens).insert(token.to_owned(), user);
    }

    /// Create, register and return a random opaque access token for `user`.
    pub fn opaque_token(&self, user: MockUser) -> String {
        let token = uuid::Uuid::new_v4().simple().to_string();
        self.register_token(&token, user);
        token
    }

    /// Mint an RS256 access token for `user` valid `ttl_secs` seconds (negative:
    /// already expired) and register the user for userinfo look-ups by sub.
    pub fn jwt(&self, user: &MockUser, ttl_secs: i64) -> String {
        lock(&self.state.by_sub).insert(user.sub.clone(), user.clone());
        let mut claims = user.claims();
        let iat = now();
        claims.insert("iss".into(), json!(self.issuer()));
        claims.insert("iat".into(), json!(iat));
        claims.insert("exp".into(), json!(iat + ttl_secs));
        claims.insert("jti".into(), json!(uuid::Uuid::new_v4().to_string()));
        self.jwt_with(Value::Object(claims), SigningKey::Provider)
    }

    /// Sign arbitrary `claims` (RS256, kid [`KID`]) with the chosen key.
    #[expect(clippy::expect_used, reason = "test support: RS256 signing of JSON cannot fail")]
    pub fn jwt_with(&self, claims: Value, key: SigningKey) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(KID.to_owned());
        let key = match key {
            SigningKey::Provider => &KEYS.provider,
            SigningKey::Other => &KEYS.other,
        };
        jsonwebtoken::encode(&header, &claims, key).expect("sign JWT")
    }

    /// Make every endpoint sleep `delay` before answering.
    pub fn set_delay(&self, delay: Duration) {
        *lock(&self.state.delay) = delay;
    }

    /// When `true`, every endpoint answers 503.
    pub fn set_down(&self, down: bool) {
        self.state.down.store(down, Ordering::SeqCst);
    }

    /// Requests received by `/.well-known/openid-configuration`.
    pub fn discovery_calls(&self) -> usize {
        self.state.discovery.load(Ordering::SeqCst)
    }

    /// Requests received by `/jwks`.
    pub fn jwks_calls(&self) -> usize {
        self.state.jwks.load(Ordering::SeqCst)
    }

    /// Requests received by `/userinfo`.
    pub fn userinfo_calls(&self) -> usize {
        self.state.userinfo.load(Ordering::SeqCst)
    }

    /// Requests received by `/introspect`.
    pub fn introspection_calls(&self) -> usize {
        self.state.introspection.load(Ordering::SeqCst)
    }
}

impl std::fmt::Debug for MockOidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockOidc").field("issuer", &self.issuer()).finish_non_exhaustive()
    }
}

fn issuer(state: &State) -> String {
    state.issuer.get().cloned().unwrap_or_default()
}

/// The user and expiry behind an opaque token or a valid provider-signed JWT.
fn resolve(state: &State, token: &str) -> Option<(MockUser, i64)> {
    if let Some(user) = lock(&state.tokens).get(token) {
        return Some((user.clone(), now() + 3600));
    }
    let mut validation = Validation::new(Algorithm::RS256);
    validation.leeway = 0;
    validation.validate_aud = false;
    validation.set_issuer(&[issuer(state)]);
    let claims = jsonwebtoken::decode::<Value>(token, &KEYS.decoding, &validation).ok()?.claims;
    let sub = claims["sub"].as_str()?;
    let user = lock(&state.by_sub).get(sub).cloned().unwrap_or_else(|| MockUser::from_claims(&claims));
    Some((user, claims["exp"].as_i64().unwrap_or_else(now)))
}

fn client_authenticated(req: &Request) -> bool {
    if let Some(basic) = req.header("authorization").and_then(|v| v.strip_prefix("Basic ")) {
        let decoded = STANDARD.decode(basic.trim()).ok().and_then(|b| String::from_utf8(b).ok());
        let Some((id, secret)) = decoded.as_deref().and_then(|s| s.split_once(':')) else {
            return false;
        };
        let unescape = |s: &str| {
            url::form_urlencoded::parse(format!("v={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        return unescape(id) == CLIENT_ID && unescape(secret) == CLIENT_SECRET;
    }
    let form = req.form();
    form.get("client_id").map(String::as_str) == Some(CLIENT_ID)
        && form.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET)
}

async fn route(state: &State, req: Request) -> Response {
    let counter = match req.path.as_str() {
        "/.well-known/openid-configuration" => Some(&state.discovery),
        "/jwks" => Some(&state.jwks),
        "/userinfo" => Some(&state.userinfo),
        "/introspect" => Some(&state.introspection),
        _ => None,
    };
    if let Some(counter) = counter {
        counter.fetch_add(1, Ordering::SeqCst);
    }
    let delay = *lock(&state.delay);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if state.down.load(Ordering::SeqCst) {
        return Response::json(503, &json!({"error": "temporarily_unavailable"}));
    }
    let iss = issuer(state);
    match req.path.as_str() {
        "/.well-known/openid-configuration" => Response::json(
            200,
            &json!({
                "issuer": iss,
                "authorization_endpoint": format!("{iss}/authorize"),
                "token_endpoint": format!("{iss}/token"),
                "userinfo_endpoint": format!("{iss}/userinfo"),
                "introspection_endpoint": format!("{iss}/introspect"),
                "jwks_uri": format!("{iss}/jwks"),
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "email", "profile", "eduperson_entitlement"],
                "grant_types_supported": ["authorization_code", "refresh_token"],
                "introspection_endpoint_auth_methods_supported":
                    ["client_secret_basic", "client_secret_post"],
            }),
        ),
        "/jwks" => Response::json(200, &json!({"keys": [KEYS.jwk.clone()]})),
        "/userinfo" => {
            let bearer = req
                .header("authorization")
                .and_then(|v| v.get(..7).filter(|p| p.eq_ignore_ascii_case("bearer ")).map(|_| &v[7..]));
            match bearer.and_then(|t| resolve(state, t.trim())) {
                Some((user, _)) => Response::json(200, &Value::Object(user.claims())),
                None => Response::json(401, &json!({"error": "invalid_token"}))
                    .with_header("WWW-Authenticate", "Bearer error=\"invalid_token\""),
            }
        }
        "/introspect" if req.method == "POST" => {
            if !client_authenticated(&req) {
                return Response::json(401, &json!({"error": "invalid_client"}))
                    .with_header("WWW-Authenticate", "Basic realm=\"mock-oidc\"");
            }
            let token = req.form().get("token").cloned().unwrap_or_default();
            match resolve(state, &token) {
                Some((user, exp)) => {
                    let mut claims = user.claims();
                    claims.insert("active".into(), json!(true));
                    claims.insert("iss".into(), json!(iss));
                    claims.insert("exp".into(), json!(exp));
                    claims.insert("client_id".into(), json!(CLIENT_ID));
                    claims.insert("token_type".into(), json!("Bearer"));
                    Response::json(200, &Value::Object(claims))
                }
                None => Response::json(200, &json!({"active": false})),
            }
        }
        "/token" => Response::json(400, &json!({"error": "unsupported_grant_type"})),
        _ => Response::json(404, &json!({"error": "not_found"})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> MockUser {
        MockUser::new("alice@egi").with_email("alice@example.org", true).with_entitlement("urn:x:admins")
    }

    #[tokio::test(flavor = "current_thread")]
    async fn discovery_jwks_and_jwt_verification() {
        let oidc = MockOidc::start().await;
        let client = reqwest::Client::new();
        let iss = oidc.issuer();
        assert!(iss.starts_with("http://127.0.0.1:") && !iss.ends_with('/'));
        let url = format!("{iss}/.well-known/openid-configuration");
        let conf: Value = client.get(url).send().await.unwrap().json().await.unwrap();
        assert_eq!(conf["issuer"], iss.as_str());
        let jwks: jsonwebtoken::jwk::JwkSet =
            client.get(conf["jwks_uri"].as_str().unwrap()).send().await.unwrap().json().await.unwrap();
        let jwk = jwks.find(KID).unwrap();
        let key = DecodingKey::from_jwk(jwk).unwrap();
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_aud = false;
        let token = oidc.jwt(&alice(), 60);
        let data = jsonwebtoken::decode::<Value>(&token, &key, &validation).unwrap();
        assert_eq!(data.claims["iss"], iss.as_str());
        assert_eq!(data.claims["sub"], "alice@egi");
        let forged = oidc.jwt_with(data.claims.clone(), SigningKey::Other);
        assert!(jsonwebtoken::decode::<Value>(&forged, &key, &validation).is_err());
        assert_eq!((oidc.discovery_calls(), oidc.jwks_calls()), (1, 1));
    }

    #[tokio::test]
    async fn userinfo_and_introspection() {
        let oidc = MockOidc::start().await;
        let client = reqwest::Client::new();
        let iss = oidc.issuer();
        let opaque = oidc.opaque_token(alice());
        let jwt = oidc.jwt(&MockUser::new("bob"), 60);
        let expired = oidc.jwt(&MockUser::new("carol"), -10);
        let info = |t: String| client.get(format!("{iss}/userinfo")).bearer_auth(t).send();
        let body: Value = info(opaque.clone()).await.unwrap().json().await.unwrap();
        assert_eq!(
            body,
            json!({"sub": "alice@egi", "email": "alice@example.org", "email_verified": true,
                   "eduperson_entitlement": ["urn:x:admins"]})
        );
        let body: Value = info(jwt.clone()).await.unwrap().json().await.unwrap();
        assert_eq!(body, json!({"sub": "bob"}));
        assert_eq!(info(expired).await.unwrap().status(), 401);
        assert_eq!(info("nope".into()).await.unwrap().status(), 401);
        assert_eq!(oidc.userinfo_calls(), 4);

        let introspect = |t: &str, secret: &str| {
            client
                .post(format!("{iss}/introspect"))
                .basic_auth(CLIENT_ID, Some(secret))
                .form(&[("token", t)])
                .send()
        };
        let body: Value = introspect(&opaque, CLIENT_SECRET).await.unwrap().json().await.unwrap();
        assert_eq!(body["active"], true);
        assert_eq!(body["iss"], iss.as_str());
        assert_eq!(body["eduperson_entitlement"][0], "urn:x:admins");
        assert!(body["exp"].as_i64().unwrap() > now() + 3000);
        let body: Value = introspect("unknown", CLIENT_SECRET).await.unwrap().json().await.unwrap();
        assert_eq!(body, json!({"active": false}));
        assert_eq!(introspect(&jwt, "wrong").await.unwrap().status(), 401);
        assert_eq!(oidc.introspection_calls(), 3);
    }

    #[tokio::test]
    async fn delay_and_outage() {
        let oidc = MockOidc::start().await;
        let client = reqwest::Client::new();
        let url = format!("{}/jwks", oidc.issuer());
        oidc.set_delay(Duration::from_millis(500));
        let slow = client.get(&url).timeout(Duration::from_millis(100)).send().await;
        assert!(slow.unwrap_err().is_timeout());
        oidc.set_delay(Duration::ZERO);
        oidc.set_down(true);
        assert_eq!(client.get(&url).send().await.unwrap().status(), 503);
        oidc.set_down(false);
        assert_eq!(client.get(&url).send().await.unwrap().status(), 200);
    }
}
