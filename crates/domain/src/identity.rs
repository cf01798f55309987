//! Who is calling: the identity an OIDC token resolves to, and the port that resolves it.

/// A caller as described by its OIDC provider's userinfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// OIDC subject.
    pub sub: String,
    /// OIDC issuer URL (as configured, without trailing slash).
    pub iss: String,
    /// The `email` claim, when the provider released it.
    pub email: Option<String>,
    /// The `email_verified` claim, when present.
    pub email_verified: Option<bool>,
    /// The `eduperson_entitlement` claim (empty when absent).
    pub entitlements: Vec<String>,
    /// Set when the bearer token was an API key: what the key grants. `None` for OIDC tokens.
    pub api_key: Option<crate::api_key::KeyGrant>,
}

impl Identity {
    /// `<sub>@<iss>`, the way the original names a user in 403 bodies.
    pub fn display_name(&self) -> String {
        format!("{}@{}", self.sub, self.iss)
    }
}

/// Why a bearer token did not yield an identity. The text is the contract's
/// `error_description` (flaat wording).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AuthError(pub String);

impl AuthError {
    /// No `Authorization` header, or an empty one.
    pub fn no_header() -> Self {
        Self("No authorization header".into())
    }
    /// The header is not a bearer token.
    pub fn no_bearer() -> Self {
        Self("No bearer token in authorization header".into())
    }
    /// An API key past its expiry.
    pub fn key_expired() -> Self {
        Self("API key expired".into())
    }
    /// No trusted provider could tell who the token belongs to.
    pub fn undetermined() -> Self {
        Self("User identity could not be determined".into())
    }
}

/// Port: turns a bearer token into an [`Identity`].
#[async_trait::async_trait]
pub trait IdentityProvider: Send + Sync {
    /// Resolves an access token.
    ///
    /// # Errors
    /// [`AuthError`] with the contract's description when the token is unusable, the issuer is
    /// not trusted, a JWT signature does not verify, or the provider is down or too slow.
    async fn identify(&self, token: &str) -> Result<Identity, AuthError>;
}
