//! [`ApiKeyRepository`] in memory.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{
    RepoError,
    api_key::{ApiKey, ApiKeyRepository},
    user::UserKey,
};

use super::MemoryStore;

#[async_trait::async_trait]
impl ApiKeyRepository for MemoryStore {
    async fn insert(&self, key: &ApiKey, secret_hash: &str) -> Result<(), RepoError> {
        let mut tables = self.write();
        if !tables.users.contains_key(&(key.owner.sub.clone(), key.owner.iss.clone())) {
            return Err(RepoError::NotFound);
        }
        tables.api_keys.insert(key.id, (key.clone(), secret_hash.to_owned()));
        Ok(())
    }

    async fn list(&self, owner: &UserKey) -> Result<Vec<ApiKey>, RepoError> {
        let mut keys: Vec<ApiKey> = self
            .lock()
            .api_keys
            .values()
            .filter(|(k, _)| k.owner == *owner)
            .map(|(k, _)| k.clone())
            .collect();
        keys.sort_by_key(|k| (k.created_at, k.id));
        Ok(keys)
    }

    async fn delete(&self, owner: &UserKey, id: Uuid) -> Result<bool, RepoError> {
        let mut tables = self.write();
        let owned = tables.api_keys.get(&id).is_some_and(|(k, _)| k.owner == *owner);
        if owned {
            tables.api_keys.remove(&id);
        }
        Ok(owned)
    }

    async fn find_by_hash(&self, secret_hash: &str) -> Result<Option<ApiKey>, RepoError> {
        Ok(self.lock().api_keys.values().find(|(_, h)| h == secret_hash).map(|(k, _)| k.clone()))
    }

    async fn touch(&self, id: Uuid, at: DateTime<Utc>) -> Result<(), RepoError> {
        if let Some((key, _)) = self.write().api_keys.get_mut(&id) {
            key.last_used = Some(at);
        }
        Ok(())
    }
}
