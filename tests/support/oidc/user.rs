//! `MockUser`: a user known to the mock provider, and the claims it releases.

use serde_json::{Value, json};

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

    pub(super) fn claims(&self) -> serde_json::Map<String, Value> {
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

    pub(super) fn from_claims(claims: &Value) -> Self {
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
