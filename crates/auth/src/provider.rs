//! The OIDC identity provider.

use std::{collections::HashMap, sync::Mutex, time::Duration};

use domain::{AuthError, Identity, IdentityProvider};
use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;
use serde_json::Value;

use crate::{
    cache::IdentityCache,
    config::{OidcConfig, normalize},
    jwt::{VerifyError, peek_claims, verify},
};

/// What discovery tells about an issuer.
#[derive(Debug, Clone, Deserialize)]
struct Discovery {
    userinfo_endpoint: Option<String>,
    jwks_uri: Option<String>,
    introspection_endpoint: Option<String>,
}

/// Resolves bearer tokens against the trusted OIDC providers.
pub struct OidcIdentityProvider {
    config: OidcConfig,
    http: reqwest::Client,
    cache: IdentityCache,
    discovery: Mutex<HashMap<String, Discovery>>,
    keys: Mutex<HashMap<String, JwkSet>>,
}

impl OidcIdentityProvider {
    /// A provider for this configuration. Outbound HTTPS trusts the system store and
    /// `SSL_CERT_FILE`.
    ///
    /// # Errors
    /// When the HTTP client cannot be built (TLS backend failure).
    pub fn new(config: OidcConfig) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .user_agent(concat!("eosc-perf/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            cache: IdentityCache::new(config.cache_capacity),
            config,
            http,
            discovery: Mutex::new(HashMap::new()),
            keys: Mutex::new(HashMap::new()),
        })
    }

    fn trusted(&self, iss: &str) -> Option<&str> {
        let wanted = normalize(iss);
        self.config.trusted_issuers.iter().find(|t| **t == wanted).map(String::as_str)
    }

    async fn discover(&self, issuer: &str) -> Result<Discovery, String> {
        if let Some(d) = self.discovery.lock().ok().and_then(|m| m.get(issuer).cloned()) {
            return Ok(d);
        }
        let url = format!("{issuer}/.well-known/openid-configuration");
        let d: Discovery = self.get_json(self.http.get(&url)).await?;
        if let Ok(mut m) = self.discovery.lock() {
            m.insert(issuer.to_owned(), d.clone());
        }
        Ok(d)
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<T, String> {
        let resp = req.send().await.map_err(|e| e.to_string())?;
        if !resp.status().is_success() {
            return Err(format!("HTTP {}", resp.status()));
        }
        resp.json::<T>().await.map_err(|e| e.to_string())
    }

    async fn jwks(&self, issuer: &str, refresh: bool) -> Result<JwkSet, String> {
        if !refresh && let Some(k) = self.keys.lock().ok().and_then(|m| m.get(issuer).cloned()) {
            return Ok(k);
        }
        let uri = self.discover(issuer).await?.jwks_uri.ok_or("no jwks_uri")?;
        let set: JwkSet = self.get_json(self.http.get(&uri)).await?;
        if let Ok(mut m) = self.keys.lock() {
            m.insert(issuer.to_owned(), set.clone());
        }
        Ok(set)
    }

    async fn userinfo(&self, issuer: &str, token: &str) -> Result<Value, String> {
        let endpoint = self.discover(issuer).await?.userinfo_endpoint.ok_or("no userinfo_endpoint")?;
        self.get_json(self.http.get(&endpoint).bearer_auth(token)).await
    }

    async fn introspect(
        &self,
        issuer: &str,
        token: &str,
        (id, secret): &(String, String),
    ) -> Result<Value, String> {
        let endpoint =
            self.discover(issuer).await?.introspection_endpoint.ok_or("no introspection_endpoint")?;
        let req = self.http.post(&endpoint).basic_auth(id, Some(secret)).form(&[("token", token)]);
        let answer: Value = self.get_json(req).await?;
        if answer.get("active").and_then(Value::as_bool) == Some(true) {
            Ok(answer)
        } else {
            Err("inactive".into())
        }
    }

    async fn identify_jwt(&self, token: &str, claims: &Value) -> Result<(Identity, Option<i64>), AuthError> {
        let iss = claims.get("iss").and_then(Value::as_str).ok_or_else(AuthError::undetermined)?;
        let issuer =
            self.trusted(iss).ok_or_else(|| AuthError(format!("Issuer is not trusted: {iss}")))?.to_owned();
        let keys = self.jwks(&issuer, false).await.map_err(|e| unreachable_provider(&issuer, &e))?;
        let verified = match verify(token, &keys) {
            Err(VerifyError::UnknownKey) => {
                let fresh = self.jwks(&issuer, true).await.map_err(|e| unreachable_provider(&issuer, &e))?;
                verify(token, &fresh)
            }
            other => other,
        }
        .map_err(|e| match e {
            VerifyError::UnknownKey => AuthError("Could not verify JWT: unknown signing key".into()),
            VerifyError::Invalid(m) => AuthError(format!("Could not verify JWT: {m}")),
        })?;
        // Userinfo carries the e-mail and entitlements (contract §2.8: admin rights come from
        // userinfo, never from the token itself); only `sub` and `iss` fall back to the token.
        // The verified claims are used whole only when userinfo is unavailable.
        let info = match self.userinfo(&issuer, token).await {
            Ok(info) => merge_identity(info, &verified),
            Err(e) => {
                tracing::warn!(oidc.issuer = %issuer, "userinfo failed for a verified JWT, using its claims: {e}");
                verified.clone()
            }
        };
        let exp = verified.get("exp").and_then(Value::as_i64);
        Ok((identity_from(&info, &issuer)?, exp))
    }

    async fn identify_opaque(&self, token: &str) -> Result<(Identity, Option<i64>), AuthError> {
        for issuer in &self.config.trusted_issuers {
            let found = match &self.config.client {
                Some(client) => match self.introspect(issuer, token, client).await {
                    Ok(intro) => {
                        let merged = match self.userinfo(issuer, token).await {
                            Ok(info) => merge(info, &intro),
                            Err(_) => intro.clone(),
                        };
                        Some((merged, intro.get("exp").and_then(Value::as_i64)))
                    }
                    Err(e) => {
                        tracing::debug!(oidc.issuer = %issuer, "introspection refused the token: {e}");
                        None
                    }
                },
                None => match self.userinfo(issuer, token).await {
                    Ok(info) => Some((info, None)),
                    Err(e) => {
                        tracing::debug!(oidc.issuer = %issuer, "userinfo refused the token: {e}");
                        None
                    }
                },
            };
            if let Some((info, exp)) = found {
                return Ok((identity_from(&info, issuer)?, exp));
            }
        }
        Err(AuthError::undetermined())
    }
}

fn unreachable_provider(issuer: &str, e: &str) -> AuthError {
    tracing::warn!(oidc.issuer = %issuer, "OIDC provider unreachable: {e}");
    AuthError::undetermined()
}

/// Userinfo wins; only a missing `sub` or `iss` is taken from the verified token.
fn merge_identity(mut info: Value, token: &Value) -> Value {
    if let (Some(i), Some(t)) = (info.as_object_mut(), token.as_object()) {
        for key in ["sub", "iss"] {
            if let Some(v) = t.get(key) {
                i.entry(key).or_insert_with(|| v.clone());
            }
        }
    }
    info
}

/// Userinfo fields win; missing ones come from `fallback`.
fn merge(mut primary: Value, fallback: &Value) -> Value {
    if let (Some(p), Some(f)) = (primary.as_object_mut(), fallback.as_object()) {
        for (k, v) in f {
            p.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    primary
}

fn identity_from(info: &Value, issuer: &str) -> Result<Identity, AuthError> {
    let sub = info.get("sub").and_then(Value::as_str).ok_or_else(AuthError::undetermined)?;
    let entitlements = match info.get("eduperson_entitlement") {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        Some(Value::String(one)) => vec![one.clone()],
        _ => Vec::new(),
    };
    let email_verified = match info.get("email_verified") {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) => Some(s.eq_ignore_ascii_case("true")),
        _ => None,
    };
    Ok(Identity {
        sub: sub.to_owned(),
        iss: info.get("iss").and_then(Value::as_str).map(normalize).unwrap_or_else(|| issuer.to_owned()),
        email: info.get("email").and_then(Value::as_str).map(str::to_owned),
        email_verified,
        entitlements,
    })
}

#[async_trait::async_trait]
impl IdentityProvider for OidcIdentityProvider {
    async fn identify(&self, token: &str) -> Result<Identity, AuthError> {
        if let Some(hit) = self.cache.get(token) {
            return Ok(hit);
        }
        let (identity, exp) = match peek_claims(token) {
            Some(claims) => self.identify_jwt(token, &claims).await?,
            None => self.identify_opaque(token).await?,
        };
        let mut ttl = self.config.cache_ttl;
        if let Some(exp) = exp {
            let left = exp.saturating_sub(chrono::Utc::now().timestamp()).max(0);
            ttl = ttl.min(Duration::from_secs(u64::try_from(left).unwrap_or(0)));
        }
        self.cache.put(token, identity.clone(), ttl);
        Ok(identity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_fills_the_issuer_and_reads_entitlements() {
        let info = serde_json::json!({"sub": "u1", "email": "a@b", "email_verified": true, "eduperson_entitlement": ["x"]});
        let id = identity_from(&info, "https://op").unwrap();
        assert_eq!(
            (id.iss.as_str(), id.entitlements.len(), id.email_verified),
            ("https://op", 1, Some(true))
        );
    }

    #[test]
    fn only_the_identity_falls_back_to_the_token() {
        let info = serde_json::json!({"email": "a@b"});
        let token = serde_json::json!({"sub": "u1", "iss": "https://op", "eduperson_entitlement": ["admin"]});
        let merged = merge_identity(info, &token);
        assert_eq!(merged, serde_json::json!({"sub": "u1", "iss": "https://op", "email": "a@b"}));
    }

    #[tokio::test]
    async fn an_untrusted_issuer_is_refused_without_contacting_it() {
        let provider =
            OidcIdentityProvider::new(OidcConfig::new(&["https://trusted.example".into()], None).unwrap())
                .unwrap();
        let claims = serde_json::json!({"iss": "https://evil.example", "sub": "x"});
        let err = provider.identify_jwt("a.b.c", &claims).await.unwrap_err();
        assert_eq!(err.0, "Issuer is not trusted: https://evil.example");
    }
}
