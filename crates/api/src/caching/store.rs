//! Serialised answers kept in memory, bounded by bytes: keyed by the normalised request, the
//! change counter value the answer is exact for, and the content coding. Entries of an older
//! counter value are never asked for again; eviction is least-recently-used, so they go first,
//! and any entry unread for [`IDLE_LIFETIME`] leaves.

use std::{future::Future, time::Duration};

use actix_web::web::Bytes;
use moka::{future::Cache, policy::EvictionPolicy};

use super::validators::{Coding, gzip};

/// An entry nobody read for this long is dropped.
pub const IDLE_LIFETIME: Duration = Duration::from_secs(600);

/// Bytes an entry is charged for beyond its body and request (key, bookkeeping).
const ENTRY_OVERHEAD: usize = 96;

/// What an answer is stored under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AnswerKey {
    /// The request line, query pairs in a canonical order.
    pub request: String,
    /// The change counter value the answer is exact for.
    pub generation: i64,
    /// The coding of the stored bytes.
    pub coding: Coding,
}

/// Serialised answers shared by every worker of one server.
#[derive(Clone)]
pub struct ResponseCache {
    bodies: Cache<AnswerKey, Bytes>,
}

impl std::fmt::Debug for ResponseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseCache").field("bytes", &self.bodies.weighted_size()).finish()
    }
}

impl ResponseCache {
    /// Default bound (`RESPONSE_CACHE_BYTES`): 48 MiB, about 160 pages of 100 realistic results
    /// (289 KB each, 12.7 KB more with a gzip copy), within the 150 MiB a server may hold at a
    /// million results (`docs/performance.md`).
    pub const DEFAULT_BYTES: u64 = 48 * 1024 * 1024;

    /// Holding at most `max_bytes` of bodies (0 keeps nothing, but still lets concurrent
    /// requests for one answer share its computation).
    pub fn new(max_bytes: u64) -> Self {
        let bodies = Cache::builder()
            .max_capacity(max_bytes)
            .weigher(|key: &AnswerKey, body: &Bytes| {
                u32::try_from(key.request.len() + body.len() + ENTRY_OVERHEAD).unwrap_or(u32::MAX)
            })
            .eviction_policy(EvictionPolicy::lru())
            .time_to_idle(IDLE_LIFETIME)
            .build();
        Self { bodies }
    }

    /// The body stored under `key`; when there is none, `plain` computes the identity body
    /// (`None`: not to be stored), which is stored, and for a gzip key compressed and stored
    /// too. Concurrent calls for one key share one computation; a call that waited for one
    /// that stored nothing gets `None` without running its own `plain`.
    pub async fn body(&self, key: &AnswerKey, plain: impl Future<Output = Option<Bytes>>) -> Option<Bytes> {
        let identity_key = AnswerKey { coding: Coding::Identity, ..key.clone() };
        let identity = self.bodies.optionally_get_with(identity_key, async { plain.await.map(trimmed) });
        match key.coding {
            Coding::Identity => identity.await,
            Coding::Gzip => {
                let compressed = async {
                    match gzip(&identity.await?) {
                        Ok(bytes) => Some(trimmed(bytes)),
                        Err(e) => {
                            tracing::error!(error = %e, "compressing an answer failed: {e}");
                            None
                        }
                    }
                };
                self.bodies.optionally_get_with(key.clone(), compressed).await
            }
        }
    }

    /// The bytes held now (after pending evictions ran).
    #[cfg(test)]
    async fn held_bytes(&self) -> u64 {
        self.bodies.run_pending_tasks().await;
        self.bodies.weighted_size()
    }
}

/// `bytes` in an allocation of their own length. A body serialised into a growing `Vec` keeps
/// its capacity when it becomes `Bytes` (a 289 KB page sits in 512 KB, a gzip copy in the quarter
/// of its input reserved for it), and the bound counts lengths: stored as they come, 64 MiB of
/// answers held up to twice that. Copied once, when stored.
fn trimmed(bytes: Bytes) -> Bytes {
    Bytes::copy_from_slice(&bytes)
}

#[cfg(test)]
mod tests {
    use std::{
        cell::Cell,
        sync::{
            Arc,
            atomic::{AtomicUsize, Ordering},
        },
    };

    use super::*;

    fn key(request: &str, generation: i64, coding: Coding) -> AnswerKey {
        AnswerKey { request: request.into(), generation, coding }
    }

    #[tokio::test]
    async fn a_stored_body_is_served_without_computing_again() {
        let cache = ResponseCache::new(1 << 20);
        let runs = Cell::new(0);
        let compute = || async {
            runs.set(runs.get() + 1);
            Some(Bytes::from_static(b"{\"items\":[]}"))
        };
        let first = cache.body(&key("/results", 1, Coding::Identity), compute()).await;
        let second = cache.body(&key("/results", 1, Coding::Identity), compute()).await;
        assert_eq!(first, second);
        assert_eq!(runs.get(), 1);
        cache.body(&key("/results", 2, Coding::Identity), compute()).await;
        assert_eq!(runs.get(), 2, "another counter value is another answer");
    }

    #[tokio::test]
    async fn a_gzip_key_stores_both_codings_from_one_computation() {
        let cache = ResponseCache::new(1 << 20);
        let runs = Cell::new(0);
        let body = Bytes::from(br#"{"a":1}"#.repeat(100));
        let compute = || async {
            runs.set(runs.get() + 1);
            Some(body.clone())
        };
        let compressed = cache.body(&key("/r", 1, Coding::Gzip), compute()).await.unwrap();
        assert!(compressed.len() < body.len());
        assert_eq!(cache.body(&key("/r", 1, Coding::Identity), compute()).await, Some(body.clone()));
        assert_eq!(cache.body(&key("/r", 1, Coding::Gzip), compute()).await, Some(compressed));
        assert_eq!(runs.get(), 1);
    }

    #[tokio::test]
    async fn an_answer_not_to_be_stored_is_computed_each_time() {
        let cache = ResponseCache::new(1 << 20);
        let runs = Cell::new(0);
        for _ in 0..2 {
            let got = cache
                .body(&key("/r", 1, Coding::Gzip), async {
                    runs.set(runs.get() + 1);
                    None
                })
                .await;
            assert_eq!(got, None);
        }
        assert_eq!(runs.get(), 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_misses_of_one_answer_compute_it_once() {
        let cache = ResponseCache::new(1 << 20);
        let runs = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (cache, runs) = (cache.clone(), runs.clone());
                tokio::spawn(async move {
                    cache
                        .body(&key("/r", 1, Coding::Identity), async {
                            runs.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            Some(Bytes::from_static(b"[]"))
                        })
                        .await
                })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap(), Some(Bytes::from_static(b"[]")));
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn the_bound_counts_bytes() {
        let cache = ResponseCache::new(10_000);
        for page in 0..10 {
            let body = Bytes::from(vec![b' '; 3_000]);
            cache.body(&key(&format!("/r?page={page}"), 1, Coding::Identity), async { Some(body) }).await;
        }
        let held = cache.held_bytes().await;
        assert!(held <= 10_000, "{held}");
        assert!(held >= 3_000, "{held}");
    }
}
