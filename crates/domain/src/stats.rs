//! Counters a cache keeps about itself: lookups answered from it (hits), lookups that had to
//! compute the answer (misses) and an estimate of the memory its entries hold. Whoever exports
//! metrics reads them from the outside ([`CacheStats::snapshot`]); the caches know no metrics
//! library. Plain atomics: counting costs a relaxed add per lookup.

use std::sync::atomic::{AtomicU64, Ordering};

/// Hits, misses and bytes of one cache, updated by the cache as it works.
#[derive(Debug, Default)]
pub struct CacheStats {
    hits: AtomicU64,
    misses: AtomicU64,
    bytes: AtomicU64,
}

/// The counters of a [`CacheStats`] at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheSnapshot {
    /// Lookups answered from the cache since start.
    pub hits: u64,
    /// Lookups that computed their answer since start.
    pub misses: u64,
    /// Estimated bytes held by the entries now.
    pub bytes: u64,
}

impl CacheStats {
    /// A lookup was answered from the cache.
    pub fn hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    /// A lookup had to compute its answer.
    pub fn miss(&self) {
        self.misses.fetch_add(1, Ordering::Relaxed);
    }

    /// An entry of about `bytes` was stored.
    pub fn stored(&self, bytes: usize) {
        self.bytes.fetch_add(u64::try_from(bytes).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// An entry of about `bytes` left the cache (evicted, expired or replaced).
    pub fn dropped(&self, bytes: usize) {
        let bytes = u64::try_from(bytes).unwrap_or(u64::MAX);
        // Saturating: an estimate never wraps around below zero.
        let _ = self
            .bytes
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |held| Some(held.saturating_sub(bytes)));
    }

    /// The counters now.
    pub fn snapshot(&self) -> CacheSnapshot {
        CacheSnapshot {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lookups_and_tracks_bytes_without_going_below_zero() {
        let stats = CacheStats::default();
        stats.hit();
        stats.hit();
        stats.miss();
        stats.stored(100);
        stats.stored(50);
        stats.dropped(100);
        assert_eq!(stats.snapshot(), CacheSnapshot { hits: 2, misses: 1, bytes: 50 });
        stats.dropped(80);
        assert_eq!(stats.snapshot().bytes, 0);
    }
}
