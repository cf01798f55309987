//! One issuer's JWKS: fetched on first use, refreshed when a token names an unknown `kid`, but
//! at most once per refresh interval, so a flood of tokens with made-up key ids cannot turn into
//! a flood of JWKS downloads. Concurrent callers share one fetch.

use std::{
    future::Future,
    sync::{Arc, PoisonError, RwLock},
    time::{Duration, Instant},
};

use jsonwebtoken::jwk::JwkSet;

/// The signing keys of one issuer.
pub(crate) struct KeyStore {
    current: RwLock<Option<Arc<JwkSet>>>,
    /// When the last fetch started; held while fetching, so that fetches never overlap.
    last_fetch: tokio::sync::Mutex<Option<Instant>>,
    refresh_interval: Duration,
}

impl KeyStore {
    pub(crate) fn new(refresh_interval: Duration) -> Self {
        Self { current: RwLock::new(None), last_fetch: tokio::sync::Mutex::new(None), refresh_interval }
    }

    fn snapshot(&self) -> Option<Arc<JwkSet>> {
        self.current.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The known keys, fetched with `fetch` when there are none yet.
    pub(crate) async fn current<E, Fut>(&self, fetch: impl FnOnce() -> Fut) -> Result<Arc<JwkSet>, E>
    where
        Fut: Future<Output = Result<JwkSet, E>>,
    {
        if let Some(keys) = self.snapshot() {
            return Ok(keys);
        }
        let mut last_fetch = self.last_fetch.lock().await;
        if let Some(keys) = self.snapshot() {
            return Ok(keys);
        }
        self.fetch_into(&mut last_fetch, fetch).await
    }

    /// Newer keys than `seen` (which lacked a token's `kid`): those another caller fetched
    /// meanwhile, or a fresh fetch when the last one is older than the refresh interval.
    /// `None` when it is too soon to ask the issuer again.
    pub(crate) async fn refreshed<E, Fut>(
        &self,
        seen: &Arc<JwkSet>,
        fetch: impl FnOnce() -> Fut,
    ) -> Result<Option<Arc<JwkSet>>, E>
    where
        Fut: Future<Output = Result<JwkSet, E>>,
    {
        let mut last_fetch = self.last_fetch.lock().await;
        if let Some(keys) = self.snapshot().filter(|keys| !Arc::ptr_eq(keys, seen)) {
            return Ok(Some(keys));
        }
        if last_fetch.is_some_and(|at| at.elapsed() < self.refresh_interval) {
            return Ok(None);
        }
        self.fetch_into(&mut last_fetch, fetch).await.map(Some)
    }

    async fn fetch_into<E, Fut>(
        &self,
        last_fetch: &mut Option<Instant>,
        fetch: impl FnOnce() -> Fut,
    ) -> Result<Arc<JwkSet>, E>
    where
        Fut: Future<Output = Result<JwkSet, E>>,
    {
        *last_fetch = Some(Instant::now());
        let keys = Arc::new(fetch().await?);
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::clone(&keys));
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    async fn count(calls: &AtomicUsize) -> Result<JwkSet, ()> {
        calls.fetch_add(1, Ordering::SeqCst);
        Ok(JwkSet { keys: Vec::new() })
    }

    #[tokio::test]
    async fn an_unknown_kid_refreshes_at_most_once_per_interval() {
        let calls = AtomicUsize::new(0);
        let store = KeyStore::new(Duration::from_secs(60));
        let seen = store.current(|| count(&calls)).await.unwrap();
        assert!(Arc::ptr_eq(&seen, &store.current(|| count(&calls)).await.unwrap()));
        for _ in 0..5 {
            assert!(store.refreshed(&seen, || count(&calls)).await.unwrap().is_none());
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_stale_set_is_refreshed_and_shared_with_later_callers() {
        let calls = AtomicUsize::new(0);
        let store = KeyStore::new(Duration::ZERO);
        let seen = store.current(|| count(&calls)).await.unwrap();
        let fresh = store.refreshed(&seen, || count(&calls)).await.unwrap().unwrap();
        assert!(!Arc::ptr_eq(&seen, &fresh));
        // A caller still holding the old set gets the new one without another fetch.
        let shared = store.refreshed(&seen, || count(&calls)).await.unwrap().unwrap();
        assert!(Arc::ptr_eq(&fresh, &shared));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
