//! OIDC settings and their validation. Client credentials belong to exactly one trusted issuer:
//! a secret is never sent to any other.

use std::{collections::BTreeMap, fmt, time::Duration};

use secrecy::{ExposeSecret, SecretString};

/// The client id and secret this server uses at one issuer's introspection endpoint.
#[derive(Clone)]
pub struct ClientCredentials {
    client_id: String,
    client_secret: SecretString,
}

impl ClientCredentials {
    /// Credentials from their parts.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        Self { client_id: client_id.into(), client_secret: SecretString::from(client_secret.into()) }
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    pub(crate) fn client_secret(&self) -> &str {
        self.client_secret.expose_secret()
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .finish()
    }
}

/// How to reach and trust OIDC providers.
#[derive(Debug, Clone)]
pub struct OidcConfig {
    /// Trusted issuer URLs, without trailing `/`.
    pub trusted_issuers: Vec<String>,
    /// Introspection credentials by trusted issuer (normalized URL). An issuer without an entry
    /// resolves opaque tokens through userinfo.
    pub clients: BTreeMap<String, ClientCredentials>,
    /// Timeout of every call to a provider.
    pub timeout: Duration,
    /// Timeout of a whole token lookup, all issuers and calls together.
    pub lookup_timeout: Duration,
    /// Longest time an identity stays cached.
    pub cache_ttl: Duration,
    /// Most identities kept in the cache (refused tokens are kept apart, with the same bound).
    pub cache_capacity: u64,
    /// How long a token every trusted issuer refused is answered from memory.
    pub rejection_ttl: Duration,
    /// Shortest time between two JWKS fetches of one issuer triggered by an unknown `kid`.
    pub jwks_refresh_interval: Duration,
}

/// A configuration value that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl OidcConfig {
    /// Validates issuer URLs: https is required, except for issuers on loopback addresses
    /// (local setups and tests), which may use plain http. No client credentials yet.
    ///
    /// # Errors
    /// [`ConfigError`] naming the offending issuer.
    pub fn new(issuers: &[String]) -> Result<Self, ConfigError> {
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
            if !trusted.contains(&issuer) {
                trusted.push(issuer);
            }
        }
        Ok(Self {
            trusted_issuers: trusted,
            clients: BTreeMap::new(),
            timeout: Duration::from_secs(5),
            lookup_timeout: Duration::from_secs(10),
            cache_ttl: Duration::from_secs(60),
            cache_capacity: 10_000,
            rejection_ttl: Duration::from_secs(15),
            jwks_refresh_interval: Duration::from_secs(60),
        })
    }

    /// Gives `credentials` to the trusted issuer `issuer` (a trailing `/` is ignored).
    ///
    /// # Errors
    /// [`ConfigError`] when the issuer is not trusted or already has credentials.
    pub fn with_client(mut self, issuer: &str, credentials: ClientCredentials) -> Result<Self, ConfigError> {
        let issuer = normalize(issuer);
        if !self.trusted_issuers.contains(&issuer) {
            return Err(ConfigError(format!("issuer {issuer:?} is not in TRUSTED_OP_LIST")));
        }
        if self.clients.contains_key(&issuer) {
            return Err(ConfigError(format!("issuer {issuer:?} has credentials twice")));
        }
        self.clients.insert(issuer, credentials);
        Ok(self)
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
        assert!(OidcConfig::new(&["http://127.0.0.1:9000/".into()]).is_ok());
        assert!(OidcConfig::new(&["http://op.example.org".into()]).is_err());
        let c = OidcConfig::new(&["https://aai.egi.eu/oidc/".into()]).unwrap();
        assert_eq!(c.trusted_issuers, vec!["https://aai.egi.eu/oidc".to_string()]);
    }

    #[test]
    fn credentials_belong_to_one_trusted_issuer_and_never_print_the_secret() {
        let trusted = OidcConfig::new(&["https://a.example".into(), "https://b.example".into()]).unwrap();
        let config =
            trusted.clone().with_client("https://b.example/", ClientCredentials::new("id", "pw")).unwrap();
        assert_eq!(config.clients.keys().collect::<Vec<_>>(), ["https://b.example"]);
        assert!(!format!("{config:?}").contains("pw"));
        let err = trusted.clone().with_client("https://c.example", ClientCredentials::new("id", "pw"));
        assert_eq!(err.unwrap_err().0, "issuer \"https://c.example\" is not in TRUSTED_OP_LIST");
        let twice = config.with_client("https://b.example", ClientCredentials::new("id", "pw"));
        assert!(twice.is_err());
    }
}
