//! API keys: their owner creates, lists and revokes them; the identity port resolves a
//! presented secret to the owner's identity with the key's grant. A revoked or expired key is
//! refused at once: every use looks the key up by the hash of its secret (no cache).

use std::sync::Arc;

use uuid::Uuid;

use crate::{
    AuthError, DomainError, Identity, Missing, RepoError,
    access::Registered,
    api_key::{
        ApiKey, ApiKeyRepository, IssuedKey, KeyGrant, KeyRequest, LAST_USED_PRECISION, MAX_KEYS_PER_USER,
        MAX_NAME_CHARS, SECRET_PREFIX, secret_hash,
    },
    ports::Clock,
};

/// API key use cases.
#[derive(Clone)]
pub struct ApiKeyService {
    keys: Arc<dyn ApiKeyRepository>,
    clock: Arc<dyn Clock>,
}

impl ApiKeyService {
    /// Wires the service.
    pub fn new(keys: Arc<dyn ApiKeyRepository>, clock: Arc<dyn Clock>) -> Self {
        Self { keys, clock }
    }

    /// `POST /users/self/keys`: a new key for the caller; the secret is returned this once.
    ///
    /// # Errors
    /// 422 for an empty or long name, no scope, an expiry in the past, or too many keys.
    pub async fn create(&self, caller: &Registered, request: KeyRequest) -> Result<IssuedKey, DomainError> {
        let name = request.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(DomainError::Invalid(format!("Key name must have 1 to {MAX_NAME_CHARS} characters")));
        }
        let mut scopes = request.scopes;
        scopes.sort_unstable();
        scopes.dedup();
        if scopes.is_empty() {
            return Err(DomainError::Invalid("A key needs at least one scope".into()));
        }
        let now = self.clock.now();
        if request.expires_at.is_some_and(|at| at <= now) {
            return Err(DomainError::Invalid("Key expiry must be in the future".into()));
        }
        let owner = caller.key();
        if self.keys.list(&owner).await?.len() >= MAX_KEYS_PER_USER {
            return Err(DomainError::Invalid(format!("A user may hold at most {MAX_KEYS_PER_USER} keys")));
        }
        let secret = new_secret()?;
        let key = ApiKey {
            id: Uuid::new_v4(),
            owner,
            name: name.to_owned(),
            scopes,
            expires_at: request.expires_at,
            created_at: now,
            last_used: None,
        };
        self.keys.insert(&key, &secret_hash(&secret)).await.map_err(|e| match e {
            RepoError::NotFound => DomainError::NotFound(Missing::User),
            other => other.into(),
        })?;
        tracing::info!(key.id = %key.id, "API key created");
        Ok(IssuedKey { key, secret })
    }

    /// `GET /users/self/keys`: the caller's keys, without secrets.
    ///
    /// # Errors
    /// 503 when the database is down.
    pub async fn list(&self, caller: &Registered) -> Result<Vec<ApiKey>, DomainError> {
        Ok(self.keys.list(&caller.key()).await?)
    }

    /// `DELETE /users/self/keys/{key_id}`: revokes one of the caller's keys.
    ///
    /// # Errors
    /// 404 when the caller has no such key (another user's key included).
    pub async fn revoke(&self, caller: &Registered, id: Uuid) -> Result<(), DomainError> {
        if self.keys.delete(&caller.key(), id).await? {
            tracing::info!(key.id = %id, "API key revoked");
            Ok(())
        } else {
            Err(DomainError::NotFound(Missing::ApiKey(id)))
        }
    }

    /// The identity a key secret stands for: its owner's `(sub, iss)`, no e-mail and no
    /// entitlements, with the key's grant. Records the use (at most once a minute per key).
    ///
    /// # Errors
    /// An unknown, revoked or expired key, or a database failure: 401 with the description
    /// of an unusable token.
    pub async fn identify(&self, secret: &str) -> Result<Identity, AuthError> {
        let key = match self.keys.find_by_hash(&secret_hash(secret)).await {
            Ok(Some(key)) => key,
            Ok(None) => return Err(AuthError::undetermined()),
            Err(error) => {
                tracing::warn!(%error, "API key lookup failed");
                return Err(AuthError::undetermined());
            }
        };
        let now = self.clock.now();
        if key.expires_at.is_some_and(|at| at <= now) {
            return Err(AuthError::key_expired());
        }
        if key.last_used.is_none_or(|used| now - used >= LAST_USED_PRECISION)
            && let Err(error) = self.keys.touch(key.id, now).await
        {
            tracing::warn!(%error, key.id = %key.id, "recording an API key use failed");
        }
        Ok(Identity {
            sub: key.owner.sub,
            iss: key.owner.iss,
            email: None,
            email_verified: None,
            entitlements: Vec::new(),
            api_key: Some(KeyGrant { key_id: key.id, scopes: key.scopes }),
        })
    }
}

/// `epk_` and 256 random bits from the operating system, in hex.
fn new_secret() -> Result<String, DomainError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| DomainError::Internal(format!("no randomness: {e}")))?;
    Ok(format!("{SECRET_PREFIX}{}", hex::encode(bytes)))
}
