//! API keys: long-lived, revocable bearer secrets with scopes, for uploaders that run
//! unattended (cron jobs, CI pipelines). A key stands for its owner, within its scopes only,
//! and never as an admin. Only the SHA-256 of a secret is stored: a secret is 256 random bits,
//! so its hash is looked up directly (no salt, no slow hash, no constant-time compare needed).

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{RepoError, user::UserKey};

/// The prefix of every key secret, so that a leaked key is recognisable (secret scanners) and
/// a bearer token is told apart from an OIDC access token without a lookup.
pub const SECRET_PREFIX: &str = "epk_";

/// What a key may do. Every other operation refuses keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// `results:write`: upload results (`POST /results`, and batch uploads).
    ResultsWrite,
    /// `results:read`: the caller's own results (`GET /users/self/results`), and every public
    /// read when `PROTECTION_LEVEL=ALL`.
    ResultsRead,
    /// `claims:write`: report a result (`POST /results/{result_id}:claim`).
    ClaimsWrite,
}

impl Scope {
    /// Every scope, in the order they are listed.
    pub const ALL: [Scope; 3] = [Scope::ResultsWrite, Scope::ResultsRead, Scope::ClaimsWrite];

    /// The wire name, e.g. `results:write`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ResultsWrite => "results:write",
            Scope::ResultsRead => "results:read",
            Scope::ClaimsWrite => "claims:write",
        }
    }

    /// The scope named `name`, if any.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The requirement a key without this scope fails (`error_details` of the 403).
    pub fn requirement(self) -> &'static str {
        match self {
            Scope::ResultsWrite => "has_scope(results:write)",
            Scope::ResultsRead => "has_scope(results:read)",
            Scope::ClaimsWrite => "has_scope(claims:write)",
        }
    }
}

/// The requirement a key fails on operations no scope opens (they need an OIDC token).
pub const OIDC_TOKEN_REQUIRED: &str = "is_oidc_token";

/// A stored key, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// Identifier (`key_id`).
    pub id: Uuid,
    /// The user the key acts for.
    pub owner: UserKey,
    /// The owner's label for the key.
    pub name: String,
    /// What the key may do (sorted, no duplicates).
    pub scopes: Vec<Scope>,
    /// When the key stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// When the key was created.
    pub created_at: DateTime<Utc>,
    /// When the key was last used (updated at most once a [`LAST_USED_PRECISION`]).
    pub last_used: Option<DateTime<Utc>>,
}

/// How stale `last_used` may be: a key used again within this time is not written again.
pub const LAST_USED_PRECISION: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// What a key grants to the identity it resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyGrant {
    /// The key.
    pub key_id: Uuid,
    /// Its scopes.
    pub scopes: Vec<Scope>,
}

impl KeyGrant {
    /// Whether the key holds `scope`.
    pub fn allows(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

/// A key as its owner asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRequest {
    /// Label, 1 to [`MAX_NAME_CHARS`] characters.
    pub name: String,
    /// At least one scope.
    pub scopes: Vec<Scope>,
    /// Optional expiry, in the future.
    pub expires_at: Option<DateTime<Utc>>,
}

/// The longest key name.
pub const MAX_NAME_CHARS: usize = 100;
/// The most keys one user may hold.
pub const MAX_KEYS_PER_USER: usize = 100;

/// A new key and its secret, which is shown this once.
#[derive(Debug, Clone)]
pub struct IssuedKey {
    /// The stored key.
    pub key: ApiKey,
    /// `epk_` and 64 hex digits (256 random bits).
    pub secret: String,
}

/// The stored form of a secret: hex SHA-256.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether a bearer token has the shape of a key secret (it may still be unknown).
pub fn looks_like_key(token: &str) -> bool {
    token.starts_with(SECRET_PREFIX)
}

/// Port: key storage.
#[async_trait::async_trait]
pub trait ApiKeyRepository: Send + Sync {
    /// Stores a key under the hash of its secret.
    ///
    /// # Errors
    /// `NotFound` when the owner is not (or no longer) registered.
    async fn insert(&self, key: &ApiKey, secret_hash: &str) -> Result<(), RepoError>;
    /// The keys of `owner`, oldest first.
    ///
    /// # Errors
    /// `Unavailable` or `Backend` when the database fails.
    async fn list(&self, owner: &UserKey) -> Result<Vec<ApiKey>, RepoError>;
    /// Deletes the key `id` of `owner`; false when `owner` has no such key.
    ///
    /// # Errors
    /// `Unavailable` or `Backend` when the database fails.
    async fn delete(&self, owner: &UserKey, id: Uuid) -> Result<bool, RepoError>;
    /// The key whose secret hashes to `secret_hash`.
    ///
    /// # Errors
    /// `Unavailable` or `Backend` when the database fails.
    async fn find_by_hash(&self, secret_hash: &str) -> Result<Option<ApiKey>, RepoError>;
    /// Records a use of key `id` at `at`.
    ///
    /// # Errors
    /// `Unavailable` or `Backend` when the database fails.
    async fn touch(&self, id: Uuid, at: DateTime<Utc>) -> Result<(), RepoError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_round_trip_and_hashes_are_hex_sha256() {
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
        }
        assert_eq!(Scope::parse("admin"), None);
        assert_eq!(secret_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(looks_like_key("epk_00") && !looks_like_key("eyJhbGciOi"));
    }
}
