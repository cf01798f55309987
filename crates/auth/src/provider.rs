//! The OIDC identity provider: picks the issuer(s) to ask, bounds the whole lookup by one
//! timeout and remembers answers.

use std::time::Duration;

use domain::{AuthError, Identity, IdentityProvider};
use futures_util::{StreamExt, stream::FuturesUnordered};
use serde_json::Value;

use crate::{
    cache::TokenCache,
    config::{OidcConfig, normalize},
    failure::LookupFailure,
    identity::{identity_from, merge_identity},
    issuer::Issuer,
    jwt::{VerifyError, peek_claims, verify},
    keys::KeyStore,
    metrics::OidcMetrics,
};

/// Resolves bearer tokens against the trusted OIDC providers.
pub struct OidcIdentityProvider {
    issuers: Vec<Issuer>,
    cache: TokenCache,
    cache_ttl: Duration,
    lookup_timeout: Duration,
}

impl OidcIdentityProvider {
    /// A provider for this configuration. Outbound HTTPS trusts the system store and
    /// `SSL_CERT_FILE`.
    ///
    /// # Errors
    /// When the HTTP client cannot be built (TLS backend failure).
    pub fn new(config: OidcConfig) -> Result<Self, reqwest::Error> {
        Self::build(config, None)
    }

    /// [`OidcIdentityProvider::new`], counting and timing every call to a provider in `metrics`.
    ///
    /// # Errors
    /// As [`OidcIdentityProvider::new`].
    pub fn with_metrics(config: OidcConfig, metrics: OidcMetrics) -> Result<Self, reqwest::Error> {
        Self::build(config, Some(metrics))
    }

    fn build(config: OidcConfig, metrics: Option<OidcMetrics>) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .user_agent(concat!("eosc-perf/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let issuers = config
            .trusted_issuers
            .iter()
            .map(|url| {
                let client = config.clients.get(url).cloned();
                let keys = KeyStore::new(config.jwks_refresh_interval);
                Issuer::new(url.clone(), client, http.clone(), keys, metrics.clone())
            })
            .collect();
        Ok(Self {
            issuers,
            cache: TokenCache::new(config.cache_capacity, config.rejection_ttl),
            cache_ttl: config.cache_ttl,
            lookup_timeout: config.lookup_timeout,
        })
    }

    /// Lookups and bytes of the token cache, for metrics.
    pub fn cache_stats(&self) -> std::sync::Arc<domain::stats::CacheStats> {
        self.cache.stats()
    }

    fn trusted(&self, iss: &str) -> Option<&Issuer> {
        let wanted = normalize(iss);
        self.issuers.iter().find(|issuer| issuer.url == wanted)
    }

    /// The identity behind `token` and how long it may be remembered, within the lookup timeout.
    async fn resolve(&self, token: &str) -> Result<(Identity, Duration), LookupFailure> {
        let lookup = async {
            match peek_claims(token) {
                Some(claims) => self.identify_jwt(token, &claims).await,
                None => self.identify_opaque(token).await,
            }
        };
        let (identity, exp) = tokio::time::timeout(self.lookup_timeout, lookup).await.map_err(|_| {
            tracing::warn!("OIDC lookup exceeded {:?}", self.lookup_timeout);
            LookupFailure::Unavailable
        })??;
        let mut ttl = self.cache_ttl;
        if let Some(exp) = exp {
            let left = exp.saturating_sub(chrono::Utc::now().timestamp()).max(0);
            ttl = ttl.min(Duration::from_secs(u64::try_from(left).unwrap_or(0)));
        }
        Ok((identity, ttl))
    }

    async fn identify_jwt(
        &self,
        token: &str,
        claims: &Value,
    ) -> Result<(Identity, Option<i64>), LookupFailure> {
        let iss = claims.get("iss").and_then(Value::as_str).ok_or_else(LookupFailure::undetermined)?;
        let issuer = self
            .trusted(iss)
            .ok_or_else(|| LookupFailure::Refused(AuthError(format!("Issuer is not trusted: {iss}"))))?;
        let keys = issuer.keys().await?;
        let verified = match verify(token, &keys) {
            Err(VerifyError::UnknownKey) => match issuer.refreshed_keys(&keys).await? {
                Some(fresh) => verify(token, &fresh),
                None => Err(VerifyError::UnknownKey),
            },
            other => other,
        }
        .map_err(|e| {
            LookupFailure::Refused(match e {
                VerifyError::UnknownKey => AuthError("Could not verify JWT: unknown signing key".into()),
                VerifyError::Invalid(m) => AuthError(format!("Could not verify JWT: {m}")),
            })
        })?;
        // Userinfo carries the e-mail and entitlements (contract §2.8: admin rights come from
        // userinfo, never from the token itself); only `sub` falls back to the token.
        // The verified claims are used whole only when userinfo is unavailable.
        let info = match issuer.userinfo(token).await {
            Ok(info) => merge_identity(info, &verified),
            Err(_) => {
                tracing::warn!(oidc.issuer = %issuer.url, "userinfo failed for a verified JWT, using its claims");
                verified.clone()
            }
        };
        let exp = verified.get("exp").and_then(Value::as_i64);
        Ok((identity_from(&info, &issuer.url)?, exp))
    }

    /// Asks every trusted issuer at once; the first that recognises the token wins. A refusal
    /// is definite only when every issuer refused.
    async fn identify_opaque(&self, token: &str) -> Result<(Identity, Option<i64>), LookupFailure> {
        let mut answers: FuturesUnordered<_> =
            self.issuers.iter().map(|issuer| issuer.resolve_opaque(token)).collect();
        let mut unavailable = false;
        while let Some(answer) = answers.next().await {
            match answer {
                Ok(found) => return Ok(found),
                Err(LookupFailure::Unavailable) => unavailable = true,
                Err(LookupFailure::Refused(_)) => {}
            }
        }
        Err(if unavailable { LookupFailure::Unavailable } else { LookupFailure::undetermined() })
    }
}

#[async_trait::async_trait]
impl IdentityProvider for OidcIdentityProvider {
    async fn identify(&self, token: &str) -> Result<Identity, AuthError> {
        self.cache.get_or_resolve(token, self.resolve(token)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_untrusted_issuer_is_refused_without_contacting_it() {
        let provider =
            OidcIdentityProvider::new(OidcConfig::new(&["https://trusted.example".into()]).unwrap()).unwrap();
        let claims = serde_json::json!({"iss": "https://evil.example", "sub": "x"});
        let err = provider.identify_jwt("a.b.c", &claims).await.unwrap_err().into_auth_error();
        assert_eq!(err.0, "Issuer is not trusted: https://evil.example");
    }
}
