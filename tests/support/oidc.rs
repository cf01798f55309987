//! `MockOidc`: a mock OpenID Connect provider on loopback with discovery,
//! JWKS, userinfo, RFC 7662 introspection, RS256 JWT minting, per-endpoint
//! call counters, the client credentials it was shown, and fault injection (delay, outage,
//! an `iss` that names another issuer).

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

mod user;

pub use user::MockUser;

/// `kid` of the provider's (only) signing key.
pub const KID: &str = "test-key";
/// Client id accepted by the introspection endpoint (unless [`MockOidc::set_client`]).
pub const CLIENT_ID: &str = "eosc-perf";
/// Client secret accepted by the introspection endpoint (unless [`MockOidc::set_client`]).
pub const CLIENT_SECRET: &str = "s3cret";

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
    /// Accepted client id and secret; `None`: [`CLIENT_ID`] and [`CLIENT_SECRET`].
    client: Mutex<Option<(String, String)>>,
    /// Every client id and secret presented to `/introspect`, in order.
    presented: Mutex<Vec<(String, String)>>,
    /// An `iss` put into userinfo and introspection answers.
    claimed_issuer: Mutex<Option<String>>,
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
    pub fn jwt_with(&self, claims: Value, key: SigningKey) -> String {
        self.jwt_with_kid(claims, key, KID)
    }

    /// Sign arbitrary `claims` (RS256) with the chosen key, naming `kid` in the header.
    #[expect(clippy::expect_used, reason = "test support: RS256 signing of JSON cannot fail")]
    pub fn jwt_with_kid(&self, claims: Value, key: SigningKey, kid: &str) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(kid.to_owned());
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

    /// Accept only this client id and secret at `/introspect`.
    pub fn set_client(&self, id: &str, secret: &str) {
        *lock(&self.state.client) = Some((id.to_owned(), secret.to_owned()));
    }

    /// Every client id and secret presented to `/introspect` so far, right or wrong.
    pub fn presented_clients(&self) -> Vec<(String, String)> {
        lock(&self.state.presented).clone()
    }

    /// Put `iss` into every userinfo and introspection answer, as a provider claiming to
    /// speak for another issuer would.
    pub fn claim_issuer(&self, iss: &str) {
        *lock(&self.state.claimed_issuer) = Some(iss.to_owned());
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

/// The client id and secret of an introspection request (HTTP Basic or form), if any.
fn presented_client(req: &Request) -> Option<(String, String)> {
    if let Some(basic) = req.header("authorization").and_then(|v| v.strip_prefix("Basic ")) {
        let decoded = STANDARD.decode(basic.trim()).ok().and_then(|b| String::from_utf8(b).ok())?;
        let (id, secret) = decoded.split_once(':')?;
        let unescape = |s: &str| {
            url::form_urlencoded::parse(format!("v={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        return Some((unescape(id), unescape(secret)));
    }
    let mut form = req.form();
    Some((form.remove("client_id")?, form.remove("client_secret")?))
}

/// Records the presented credentials and tells whether they are the accepted ones.
fn client_authenticated(state: &State, req: &Request) -> bool {
    let Some(presented) = presented_client(req) else { return false };
    lock(&state.presented).push(presented.clone());
    let accepted =
        lock(&state.client).clone().unwrap_or_else(|| (CLIENT_ID.to_owned(), CLIENT_SECRET.to_owned()));
    presented == accepted
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
                Some((user, _)) => {
                    let mut claims = user.claims();
                    if let Some(claimed) = lock(&state.claimed_issuer).clone() {
                        claims.insert("iss".into(), json!(claimed));
                    }
                    Response::json(200, &Value::Object(claims))
                }
                None => Response::json(401, &json!({"error": "invalid_token"}))
                    .with_header("WWW-Authenticate", "Bearer error=\"invalid_token\""),
            }
        }
        "/introspect" if req.method == "POST" => {
            if !client_authenticated(state, &req) {
                return Response::json(401, &json!({"error": "invalid_client"}))
                    .with_header("WWW-Authenticate", "Basic realm=\"mock-oidc\"");
            }
            let token = req.form().get("token").cloned().unwrap_or_default();
            match resolve(state, &token) {
                Some((user, exp)) => {
                    let mut claims = user.claims();
                    claims.insert("active".into(), json!(true));
                    let claimed = lock(&state.claimed_issuer).clone();
                    claims.insert("iss".into(), json!(claimed.unwrap_or(iss)));
                    claims.insert("exp".into(), json!(exp));
                    let client_id = lock(&state.client).clone().map_or_else(|| CLIENT_ID.to_owned(), |c| c.0);
                    claims.insert("client_id".into(), json!(client_id));
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
mod tests;
