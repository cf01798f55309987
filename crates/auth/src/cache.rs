//! Remembered answers, keyed by the SHA-256 of the token (tokens themselves are never kept):
//! identities until their own deadline (at most the cache TTL, never past the token's expiry),
//! and refused tokens for a short fixed window. Both are bounded moka caches, kept apart so
//! that a flood of bad tokens cannot evict good identities. Concurrent lookups of the same
//! token share one resolution. Lookups and the estimated bytes held are counted in a
//! [`CacheStats`] that metrics read.

use std::{
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use domain::{AuthError, Identity, stats::CacheStats};
use moka::{Expiry, future::Cache};
use sha2::{Digest, Sha256};

use crate::failure::LookupFailure;

type TokenKey = [u8; 32];

fn token_key(token: &str) -> TokenKey {
    Sha256::digest(token.as_bytes()).into()
}

/// An identity and how long it may be remembered.
#[derive(Clone)]
struct Remembered {
    identity: Identity,
    ttl: Duration,
}

/// Each identity expires after its own TTL.
struct OwnTtl;

impl Expiry<TokenKey, Remembered> for OwnTtl {
    fn expire_after_create(&self, _: &TokenKey, value: &Remembered, _: Instant) -> Option<Duration> {
        Some(value.ttl)
    }
}

/// About the memory an identity entry holds: key, entry and the identity's strings.
fn identity_bytes(remembered: &Remembered) -> usize {
    let identity = &remembered.identity;
    let strings = identity.sub.len()
        + identity.iss.len()
        + identity.email.as_ref().map_or(0, String::len)
        + identity.entitlements.iter().map(|e| size_of::<String>() + e.len()).sum::<usize>();
    size_of::<TokenKey>() + size_of::<Remembered>() + strings
}

/// About the memory a refusal entry holds.
fn refusal_bytes(refusal: &AuthError) -> usize {
    size_of::<TokenKey>() + size_of::<AuthError>() + refusal.0.len()
}

/// Identities and refusals by token hash.
pub(crate) struct TokenCache {
    identities: Cache<TokenKey, Remembered>,
    refusals: Option<Cache<TokenKey, AuthError>>,
    stats: Arc<CacheStats>,
}

impl TokenCache {
    /// Each cache holds at most `capacity` tokens; refusals are remembered `refusal_ttl`
    /// (not at all when zero).
    pub(crate) fn new(capacity: u64, refusal_ttl: Duration) -> Self {
        let stats = Arc::new(CacheStats::default());
        let evicted = stats.clone();
        let identities = Cache::builder()
            .max_capacity(capacity)
            .expire_after(OwnTtl)
            .eviction_listener(move |_, remembered, _| evicted.dropped(identity_bytes(&remembered)))
            .build();
        let evicted = stats.clone();
        let refusals = (!refusal_ttl.is_zero()).then(|| {
            Cache::builder()
                .max_capacity(capacity)
                .time_to_live(refusal_ttl)
                .eviction_listener(move |_, refusal, _| evicted.dropped(refusal_bytes(&refusal)))
                .build()
        });
        Self { identities, refusals, stats }
    }

    /// Lookups and bytes of both caches together.
    pub(crate) fn stats(&self) -> Arc<CacheStats> {
        self.stats.clone()
    }

    /// The identity behind `token`: remembered, or from `resolve`, which yields the identity
    /// and how long it may be remembered. A refusal is remembered; an unavailable provider is not.
    pub(crate) async fn get_or_resolve(
        &self,
        token: &str,
        resolve: impl Future<Output = Result<(Identity, Duration), LookupFailure>> + Send,
    ) -> Result<Identity, AuthError> {
        let key = token_key(token);
        if let Some(refusal) = self.refused(&key).await {
            self.stats.hit();
            return Err(refusal);
        }
        let asked = AtomicBool::new(false);
        let asked_provider = &asked;
        let resolved = self
            .identities
            .try_get_with(key, async move {
                // A lookup that finished between the check above and this one left its
                // refusal behind: honour it instead of asking the provider again.
                if let Some(refusal) = self.refused(&key).await {
                    return Err(LookupFailure::Refused(refusal));
                }
                asked_provider.store(true, Ordering::Relaxed);
                match resolve.await {
                    Ok((identity, ttl)) => {
                        let remembered = Remembered { identity, ttl };
                        self.stats.stored(identity_bytes(&remembered));
                        Ok(remembered)
                    }
                    Err(LookupFailure::Refused(refusal)) => {
                        if let Some(refusals) = &self.refusals {
                            self.stats.stored(refusal_bytes(&refusal));
                            refusals.insert(key, refusal.clone()).await;
                        }
                        Err(LookupFailure::Refused(refusal))
                    }
                    Err(LookupFailure::Unavailable) => Err(LookupFailure::Unavailable),
                }
            })
            .await;
        if asked.load(Ordering::Relaxed) {
            self.stats.miss()
        } else {
            self.stats.hit()
        }
        resolved
            .map(|remembered| remembered.identity)
            .map_err(|failure: Arc<LookupFailure>| LookupFailure::clone(&failure).into_auth_error())
    }

    async fn refused(&self, key: &TokenKey) -> Option<AuthError> {
        self.refusals.as_ref()?.get(key).await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn id() -> Identity {
        Identity {
            sub: "s".into(),
            iss: "i".into(),
            email: None,
            email_verified: None,
            entitlements: vec![],
            api_key: None,
        }
    }

    async fn lookup(
        calls: &AtomicUsize,
        answer: Result<(Identity, Duration), LookupFailure>,
    ) -> Result<(Identity, Duration), LookupFailure> {
        calls.fetch_add(1, Ordering::SeqCst);
        answer
    }

    #[tokio::test]
    async fn identities_live_their_own_ttl() {
        let (cache, calls) = (TokenCache::new(10, Duration::from_secs(10)), AtomicUsize::new(0));
        let long = Ok((id(), Duration::from_secs(60)));
        assert!(cache.get_or_resolve("a", lookup(&calls, long.clone())).await.is_ok());
        assert!(cache.get_or_resolve("a", lookup(&calls, long)).await.is_ok());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let brief = Ok((id(), Duration::from_millis(1)));
        cache.get_or_resolve("b", lookup(&calls, brief.clone())).await.unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
        cache.get_or_resolve("b", lookup(&calls, brief)).await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn refusals_are_remembered_briefly_and_outages_not_at_all() {
        let (cache, calls) = (TokenCache::new(10, Duration::from_millis(50)), AtomicUsize::new(0));
        for _ in 0..3 {
            let err = cache.get_or_resolve("bad", lookup(&calls, Err(LookupFailure::undetermined()))).await;
            assert_eq!(err.unwrap_err(), AuthError::undetermined());
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        tokio::time::sleep(Duration::from_millis(80)).await;
        let _ = cache.get_or_resolve("bad", lookup(&calls, Err(LookupFailure::undetermined()))).await;
        assert_eq!(calls.load(Ordering::SeqCst), 2, "the refusal outlived its window");
        for _ in 0..3 {
            let _ = cache.get_or_resolve("down", lookup(&calls, Err(LookupFailure::Unavailable))).await;
        }
        assert_eq!(calls.load(Ordering::SeqCst), 5);
    }

    #[tokio::test]
    async fn lookups_and_remembered_bytes_are_counted() {
        let (cache, calls) = (TokenCache::new(10, Duration::from_secs(10)), AtomicUsize::new(0));
        let long = Ok((id(), Duration::from_secs(60)));
        cache.get_or_resolve("a", lookup(&calls, long.clone())).await.unwrap();
        cache.get_or_resolve("a", lookup(&calls, long)).await.unwrap();
        let _ = cache.get_or_resolve("bad", lookup(&calls, Err(LookupFailure::undetermined()))).await;
        let _ = cache.get_or_resolve("bad", lookup(&calls, Err(LookupFailure::undetermined()))).await;
        let stats = cache.stats().snapshot();
        assert_eq!((stats.hits, stats.misses), (2, 2));
        let remembered = Remembered { identity: id(), ttl: Duration::ZERO };
        assert_eq!(
            stats.bytes as usize,
            identity_bytes(&remembered) + refusal_bytes(&AuthError::undetermined())
        );
    }
}
