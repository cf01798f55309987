//! OIDC settings and their validation.

use std::time::Duration;

/// How to reach and trust OIDC providers.
#[derive(Debug, Clone)]
pub struct OidcConfig {
    /// Trusted issuer URLs, without trailing `/`.
    pub trusted_issuers: Vec<String>,
    /// Client credentials enabling token introspection.
    pub client: Option<(String, String)>,
    /// Timeout of every call to a provider.
    pub timeout: Duration,
    /// Longest time an identity stays cached.
    pub cache_ttl: Duration,
    /// Most identities kept in the cache.
    pub cache_capacity: usize,
}

/// A configuration value that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl OidcConfig {
    /// Validates issuer URLs: https is required, except for issuers on loopback addresses
    /// (local setups and tests), which may use plain http.
    ///
    /// # Errors
    /// [`ConfigError`] naming the offending issuer.
    pub fn new(issuers: &[String], client: Option<(String, String)>) -> Result<Self, ConfigError> {
        let mut trusted = Vec::new();
        for raw in issuers.iter().filter(|i| !i.is_empty()) {
            let issuer = normalize(raw);
            let url = url::Url::parse(&issuer).map_err(|e| ConfigError(format!("issuer {issuer:?}: {e}")))?;
            let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]" | "::1"));
            match url.scheme() {
                "https" => {}
                "http" if loopback => {}
                _ => return Err(ConfigError(format!("issuer {issuer:?} must use https"))),
            }
            trusted.push(issuer);
        }
        Ok(Self {
            trusted_issuers: trusted,
            client,
            timeout: Duration::from_secs(5),
            cache_ttl: Duration::from_secs(60),
            cache_capacity: 10_000,
        })
    }
}

/// Issuers compare without a trailing slash.
pub(crate) fn normalize(issuer: &str) -> String {
    issuer.trim_end_matches('/').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_only_allowed_on_loopback() {
        assert!(OidcConfig::new(&["http://127.0.0.1:9000/".into()], None).is_ok());
        assert!(OidcConfig::new(&["http://op.example.org".into()], None).is_err());
        let c = OidcConfig::new(&["https://aai.egi.eu/oidc/".into()], None).unwrap();
        assert_eq!(c.trusted_issuers, vec!["https://aai.egi.eu/oidc".to_string()]);
    }
}
