//! The in-process issuer of `eosc-perf demo`: it signs JWTs with a key made when it is created
//! (HS256, 256 random bits, never written anywhere) and, as an identity provider, trusts those
//! tokens and nothing else. It has no endpoint and no configuration: only the `demo` command
//! builds one, so `serve` can never trust it.

use std::time::Duration;

use domain::{AuthError, Identity, IdentityProvider};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

/// The claims of a demo token.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    exp: i64,
    email: String,
    email_verified: bool,
    #[serde(default)]
    eduperson_entitlement: Vec<String>,
}

/// A demo issuer and the identity provider that trusts only it.
pub struct DemoIssuer {
    url: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

/// Failure to draw the key from the operating system's random source.
#[derive(Debug, thiserror::Error)]
#[error("no random key for the demo issuer: {0}")]
pub struct DemoKeyError(String);

impl DemoIssuer {
    /// An issuer named `url` with a fresh random key.
    ///
    /// # Errors
    /// When the operating system gives no random bytes.
    pub fn generate(url: impl Into<String>) -> Result<Self, DemoKeyError> {
        let mut secret = [0_u8; 32];
        getrandom::fill(&mut secret).map_err(|e| DemoKeyError(e.to_string()))?;
        Ok(Self {
            url: url.into(),
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
        })
    }

    /// The issuer URL (the `iss` of every identity it vouches for).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A token for `sub` with a verified `email` and `entitlements`, valid for `ttl`.
    ///
    /// # Errors
    /// When signing fails (it does not with an HMAC key).
    pub fn token(
        &self,
        sub: &str,
        email: &str,
        entitlements: &[String],
        ttl: Duration,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let exp =
            chrono::Utc::now().timestamp().saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX));
        let claims = Claims {
            iss: self.url.clone(),
            sub: sub.to_owned(),
            exp,
            email: email.to_owned(),
            email_verified: true,
            eduperson_entitlement: entitlements.to_vec(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }
}

#[async_trait::async_trait]
impl IdentityProvider for DemoIssuer {
    async fn identify(&self, token: &str) -> Result<Identity, AuthError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.validate_aud = false;
        validation.leeway = 0;
        validation.set_issuer(&[&self.url]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        let claims = decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|e| AuthError(format!("Could not verify JWT: {e}")))?
            .claims;
        Ok(Identity {
            sub: claims.sub,
            iss: self.url.clone(),
            email: Some(claims.email),
            email_verified: Some(claims.email_verified),
            entitlements: claims.eduperson_entitlement,
            api_key: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn its_own_tokens_are_trusted_and_no_other_issuers() {
        let issuer = DemoIssuer::generate("http://demo.invalid").unwrap();
        let token =
            issuer.token("ada", "ada@example.org", &["admin".into()], Duration::from_secs(60)).unwrap();
        let identity = issuer.identify(&token).await.unwrap();
        assert_eq!((identity.sub.as_str(), identity.entitlements.len()), ("ada", 1));
        let other = DemoIssuer::generate("http://demo.invalid").unwrap();
        assert!(other.identify(&token).await.is_err(), "another key must not verify");
        assert!(issuer.identify("opaque-token").await.is_err());
    }
}
