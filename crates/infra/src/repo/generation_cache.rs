//! Answers cached per value of the change counter (migration `create_change_counter`): a write
//! to any table a result list depends on increments the counter in its transaction, so an
//! entry stored at the committed counter value is exact, for every replica. Entries of older
//! values are never returned; they go first when the cache is full.

use std::{
    collections::HashMap,
    hash::{BuildHasher, BuildHasherDefault, DefaultHasher},
    sync::Mutex,
};

/// Computing lanes per cache: misses on the same key queue in one lane.
const LANES: usize = 64;

/// A bounded map from query keys to answers, each valid for one change-counter value.
pub struct GenerationCache<V> {
    entries: Mutex<Entries<V>>,
    /// Most total weight held.
    capacity: usize,
    /// Weight of one answer (1 for a count, the results held for a page).
    weight: fn(&V) -> usize,
    /// Requests that miss on the same key queue in one lane, so the first computes the answer
    /// and the others find it cached instead of all computing it at once (after a write every
    /// concurrent reader misses together).
    lanes: Vec<tokio::sync::Mutex<()>>,
}

struct Entries<V> {
    map: HashMap<String, (i64, V)>,
    held: usize,
}

impl<V: Clone> GenerationCache<V> {
    /// Holding at most `capacity` total `weight`.
    pub fn new(capacity: usize, weight: fn(&V) -> usize) -> Self {
        Self {
            entries: Mutex::new(Entries { map: HashMap::new(), held: 0 }),
            capacity,
            weight,
            lanes: (0..LANES).map(|_| tokio::sync::Mutex::new(())).collect(),
        }
    }

    /// The answer stored for `key` at counter value `generation`, if any.
    pub fn get(&self, key: &str, generation: i64) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        entries.map.get(key).filter(|(g, _)| *g == generation).map(|(_, v)| v.clone())
    }

    /// Stores `value`, computed at counter value `generation`.
    pub fn put(&self, key: String, generation: i64, value: V) {
        let Ok(mut entries) = self.entries.lock() else { return };
        let size = (self.weight)(&value).max(1);
        if entries.held + size > self.capacity {
            entries.map.retain(|_, (g, _)| *g == generation);
            entries.held = entries.map.values().map(|(_, v)| (self.weight)(v).max(1)).sum();
            if entries.held + size > self.capacity {
                entries.map.clear();
                entries.held = 0;
            }
        }
        if let Some((_, old)) = entries.map.insert(key, (generation, value)) {
            entries.held -= (self.weight)(&old).max(1);
        }
        entries.held += size;
    }

    /// Enters the lane of `key`, to be held while computing its answer. The flag says whether
    /// someone else held it first: they may have stored the answer meanwhile, so look again.
    pub async fn enter(&self, key: &str) -> (tokio::sync::MutexGuard<'_, ()>, bool) {
        let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(key);
        let lane = &self.lanes[(hash % LANES as u64) as usize];
        match lane.try_lock() {
            Ok(free) => (free, false),
            Err(_) => (lane.lock().await, true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::GenerationCache;

    #[test]
    fn an_answer_is_returned_only_for_its_counter_value() {
        let cache = GenerationCache::new(10, |_: &u64| 1);
        cache.put("q".into(), 7, 42);
        assert_eq!(cache.get("q", 7), Some(42));
        assert_eq!(cache.get("q", 8), None);
        assert_eq!(cache.get("other", 7), None);
    }

    #[test]
    fn a_full_cache_drops_older_counter_values_first() {
        let cache = GenerationCache::new(3, |v: &Vec<u8>| v.len());
        cache.put("old".into(), 1, vec![0]);
        cache.put("new".into(), 2, vec![0]);
        cache.put("newer".into(), 2, vec![0, 0]);
        assert_eq!(cache.get("old", 1), None);
        assert_eq!(cache.get("new", 2), Some(vec![0]));
        assert_eq!(cache.get("newer", 2), Some(vec![0, 0]));
        cache.put("huge".into(), 2, vec![0, 0, 0]);
        assert_eq!(cache.get("new", 2), None);
        assert_eq!(cache.get("huge", 2), Some(vec![0, 0, 0]));
    }
}
