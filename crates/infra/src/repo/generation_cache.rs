//! Answers cached per value of the change counter (migration `create_change_counter`): a write
//! to any table a result list depends on increments the counter in its transaction, so an
//! entry stored at the committed counter value is exact, for every replica.
//!
//! A bounded moka cache keyed by (query, counter value): an entry of an older value is never
//! returned, since nobody asks for that value again. Eviction is least-recently-used, so those
//! dead entries go first when the cache is full, and idle ones leave after [`IDLE_LIFETIME`].
//! Concurrent misses of the same key and counter value compute the answer once (the others wait
//! for it); misses of other keys never wait on each other. Lookups and the estimated bytes of
//! the stored answers are counted in a [`CacheStats`] that metrics read.

use std::{
    future::Future,
    hash::Hash,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use domain::{RepoError, stats::CacheStats};
use moka::{future::Cache, policy::EvictionPolicy};

/// An entry nobody read for this long is dropped (the cache then frees the memory of answers
/// whose counter value has passed, even without new entries pushing them out).
pub const IDLE_LIFETIME: Duration = Duration::from_secs(600);

/// A computed answer and the counter value it is exact for: `None` when the statements that
/// built it did not all see the same counter value.
pub struct Computed<V> {
    /// The answer.
    pub value: V,
    /// The counter value every statement building `value` saw, if they agreed.
    pub exact_at: Option<i64>,
}

/// Why a computation left nothing in the cache (shared with every request that waited for it).
enum NotStored<V> {
    /// Computed, but not exact for the counter value asked about: returned, not stored.
    Inexact(V),
    /// The computation failed.
    Failed(RepoError),
}

/// A bounded map from (query key, change-counter value) to answers.
pub struct GenerationCache<K, V> {
    entries: Cache<(K, i64), V>,
    stats: Arc<CacheStats>,
    bytes: fn(&V) -> usize,
}

impl<K, V> GenerationCache<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// Holding at most `capacity` total `weight` (e.g. 1 for a count, the results of a page);
    /// `bytes` estimates the memory an answer holds, for the stats.
    pub fn new(capacity: u64, weight: fn(&V) -> u32, bytes: fn(&V) -> usize) -> Self {
        let stats = Arc::new(CacheStats::default());
        let evicted = stats.clone();
        let entries = Cache::builder()
            .max_capacity(capacity)
            .weigher(move |_key: &(K, i64), value: &V| weight(value).max(1))
            .eviction_policy(EvictionPolicy::lru())
            .time_to_idle(IDLE_LIFETIME)
            .eviction_listener(move |_key, value: V, _cause| evicted.dropped(bytes(&value)))
            .build();
        Self { entries, stats, bytes }
    }

    /// Lookups and bytes of this cache, for metrics.
    pub fn stats(&self) -> Arc<CacheStats> {
        self.stats.clone()
    }

    /// The answer for `key` at counter value `generation`: cached, or from `compute`, which is
    /// stored only when exact for `generation`. Concurrent calls for the same key and value
    /// share one `compute`.
    ///
    /// # Errors
    /// Those of `compute`.
    pub async fn get_or_compute(
        &self,
        key: K,
        generation: i64,
        compute: impl Future<Output = Result<Computed<V>, RepoError>> + Send,
    ) -> Result<V, RepoError> {
        let computed = AtomicBool::new(false);
        let ran = &computed;
        let stored = self
            .entries
            .try_get_with((key, generation), async move {
                ran.store(true, Ordering::Relaxed);
                match compute.await {
                    Ok(Computed { value, exact_at: Some(at) }) if at == generation => {
                        self.stats.stored((self.bytes)(&value));
                        Ok(value)
                    }
                    Ok(Computed { value, .. }) => Err(NotStored::Inexact(value)),
                    Err(e) => Err(NotStored::Failed(e)),
                }
            })
            .await;
        // A request that waited for another's computation counts as a hit: it computed nothing.
        if computed.load(Ordering::Relaxed) {
            self.stats.miss()
        } else {
            self.stats.hit()
        }
        match stored {
            Ok(value) => Ok(value),
            Err(not_stored) => match not_stored.as_ref() {
                NotStored::Inexact(value) => Ok(value.clone()),
                NotStored::Failed(e) => Err(copy_error(e)),
            },
        }
    }

    /// The answer cached for `key` at `generation`, if any.
    #[cfg(test)]
    pub async fn get(&self, key: K, generation: i64) -> Option<V> {
        self.entries.get(&(key, generation)).await
    }

    /// Applies pending evictions now (they otherwise run in batches).
    #[cfg(test)]
    pub async fn settle(&self) {
        self.entries.run_pending_tasks().await;
    }
}

/// The same error, for each request that shared a failed computation.
fn copy_error(e: &RepoError) -> RepoError {
    match e {
        RepoError::NotFound => RepoError::NotFound,
        RepoError::Conflict(m) => RepoError::Conflict(m.clone()),
        RepoError::Unavailable(m) => RepoError::Unavailable(m.clone()),
        RepoError::Backend(m) => RepoError::Backend(m.clone()),
    }
}

/// A weight from a length, saturating at the largest weight.
pub fn weight_of(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

#[cfg(test)]
#[path = "generation_cache_tests.rs"]
mod tests;
