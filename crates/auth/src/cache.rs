//! A small bounded cache of resolved identities, keyed by the SHA-256 of the token.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use domain::Identity;
use sha2::{Digest, Sha256};

/// Identities by token hash, each with its own deadline.
pub(crate) struct IdentityCache {
    entries: Mutex<HashMap<[u8; 32], (Identity, Instant)>>,
    capacity: usize,
}

pub(crate) fn token_key(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl IdentityCache {
    pub(crate) fn new(capacity: usize) -> Self {
        Self { entries: Mutex::new(HashMap::new()), capacity }
    }

    pub(crate) fn get(&self, token: &str) -> Option<Identity> {
        let key = token_key(token);
        let mut map = self.entries.lock().ok()?;
        match map.get(&key) {
            Some((id, deadline)) if *deadline > Instant::now() => Some(id.clone()),
            Some(_) => {
                map.remove(&key);
                None
            }
            None => None,
        }
    }

    pub(crate) fn put(&self, token: &str, identity: Identity, ttl: Duration) {
        if ttl.is_zero() || self.capacity == 0 {
            return;
        }
        let Ok(mut map) = self.entries.lock() else { return };
        if map.len() >= self.capacity {
            let now = Instant::now();
            map.retain(|_, (_, deadline)| *deadline > now);
            if map.len() >= self.capacity {
                map.clear();
            }
        }
        map.insert(token_key(token), (identity, Instant::now() + ttl));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> Identity {
        Identity { sub: "s".into(), iss: "i".into(), email: None, email_verified: None, entitlements: vec![] }
    }

    #[test]
    fn entries_expire_and_capacity_is_bounded() {
        let cache = IdentityCache::new(2);
        cache.put("a", id(), Duration::from_secs(60));
        cache.put("b", id(), Duration::from_secs(60));
        cache.put("c", id(), Duration::from_secs(60));
        assert!(cache.entries.lock().unwrap().len() <= 2);
        cache.put("d", id(), Duration::from_nanos(1));
        std::thread::sleep(Duration::from_millis(2));
        assert!(cache.get("d").is_none());
    }
}
