//! Exactness, eviction order and single flight of [`GenerationCache`].

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use domain::RepoError;
use tokio::sync::Barrier;

use super::{Computed, GenerationCache};

fn exact<V>(value: V, at: i64) -> Result<Computed<V>, RepoError> {
    Ok(Computed { value, exact_at: Some(at) })
}

#[tokio::test]
async fn an_answer_is_returned_only_for_its_counter_value() {
    let cache = GenerationCache::new(10, |_: &u64| 1, |_| 8);
    assert_eq!(cache.get_or_compute("q", 7, async { exact(42, 7) }).await.unwrap(), 42);
    assert_eq!(cache.get_or_compute("q", 7, async { exact(0, 7) }).await.unwrap(), 42);
    assert_eq!(cache.get_or_compute("q", 8, async { exact(43, 8) }).await.unwrap(), 43);
    assert_eq!(cache.get("other", 7).await, None);
}

#[tokio::test]
async fn an_answer_not_exact_for_the_asked_value_is_returned_but_not_stored() {
    let cache = GenerationCache::new(10, |_: &u64| 1, |_| 8);
    assert_eq!(cache.get_or_compute("q", 7, async { exact(42, 8) }).await.unwrap(), 42);
    assert_eq!(cache.get("q", 7).await, None);
    assert_eq!(cache.get("q", 8).await, None);
    let mixed = async { Ok(Computed { value: 5, exact_at: None }) };
    assert_eq!(cache.get_or_compute("q", 7, mixed).await.unwrap(), 5);
    assert_eq!(cache.get("q", 7).await, None);
}

#[tokio::test]
async fn a_failure_is_returned_and_not_stored() {
    let cache = GenerationCache::new(10, |_: &u64| 1, |_| 8);
    let failed = cache.get_or_compute("q", 7, async { Err(RepoError::Unavailable("down".into())) }).await;
    assert!(matches!(failed, Err(RepoError::Unavailable(m)) if m == "down"));
    assert_eq!(cache.get_or_compute("q", 7, async { exact(1, 7) }).await.unwrap(), 1);
}

#[tokio::test]
async fn a_full_cache_drops_the_least_recently_used_first() {
    let cache = GenerationCache::new(3, |v: &Vec<u8>| super::weight_of(v.len()), Vec::len);
    cache.get_or_compute("q", 1, async { exact(vec![0], 1) }).await.unwrap();
    cache.get_or_compute("new", 2, async { exact(vec![0], 2) }).await.unwrap();
    cache.settle().await;
    assert_eq!(cache.get("new", 2).await, Some(vec![0]));
    cache.get_or_compute("q", 2, async { exact(vec![0, 0], 2) }).await.unwrap();
    cache.settle().await;
    assert_eq!(cache.get("q", 1).await, None, "the older counter value goes first");
    assert_eq!(cache.get("new", 2).await, Some(vec![0]));
    assert_eq!(cache.get("q", 2).await, Some(vec![0, 0]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_misses_of_one_key_compute_once() {
    let cache = Arc::new(GenerationCache::new(100, |_: &u64| 1, |_| 8));
    let computed = Arc::new(AtomicUsize::new(0));
    let readers: Vec<_> = (0..16)
        .map(|_| {
            let (cache, computed) = (cache.clone(), computed.clone());
            tokio::spawn(async move {
                cache
                    .get_or_compute("q", 3, async move {
                        computed.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        exact(9, 3)
                    })
                    .await
            })
        })
        .collect();
    for reader in readers {
        assert_eq!(reader.await.unwrap().unwrap(), 9);
    }
    assert_eq!(computed.load(Ordering::SeqCst), 1, "one computation for 16 concurrent misses");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn misses_of_different_keys_compute_concurrently() {
    let cache = Arc::new(GenerationCache::new(100, |_: &u64| 1, |_| 8));
    // Each computation waits until all of them have started: it finishes only if none waits
    // for another.
    let all_started = Arc::new(Barrier::new(8));
    let readers: Vec<_> = (0..8u64)
        .map(|i| {
            let (cache, all_started) = (cache.clone(), all_started.clone());
            tokio::spawn(async move {
                cache
                    .get_or_compute(i, 3, async move {
                        all_started.wait().await;
                        exact(i, 3)
                    })
                    .await
            })
        })
        .collect();
    let all = async {
        for (i, reader) in readers.into_iter().enumerate() {
            assert_eq!(reader.await.unwrap().unwrap(), i as u64);
        }
    };
    tokio::time::timeout(Duration::from_secs(10), all)
        .await
        .expect("different keys do not wait on each other");
}

#[tokio::test]
async fn lookups_and_held_bytes_are_counted() {
    let cache = GenerationCache::new(3, |v: &Vec<u8>| super::weight_of(v.len()), Vec::len);
    cache.get_or_compute("a", 1, async { exact(vec![0, 0], 1) }).await.unwrap();
    cache.get_or_compute("a", 1, async { exact(vec![9], 1) }).await.unwrap();
    cache.get_or_compute("b", 1, async { exact(vec![0, 0], 1) }).await.unwrap();
    cache.settle().await;
    let stats = cache.stats().snapshot();
    assert_eq!((stats.hits, stats.misses), (1, 2));
    assert_eq!(stats.bytes, 2, "the evicted answer's bytes are no longer held");
}
