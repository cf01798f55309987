//! JSON Schema rules (contract §6.1, Q9): benchmark schemas must be valid Draft-7 schemas;
//! result documents are validated against their benchmark's schema in the dialect it names
//! (default 2020-12), without asserting `format`. Errors carry the Python `deque([...])` path.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use jsonschema::Validator;
use serde_json::Value;

use crate::{BenchmarkId, DomainError, stats::CacheStats};

/// Renders a JSON pointer the way Python prints the error's `deque` path.
fn deque(pointer: &str) -> String {
    let items: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|seg| seg.replace("~1", "/").replace("~0", "~"))
        .map(|seg| {
            if !seg.is_empty() && seg.chars().all(|c| c.is_ascii_digit()) {
                seg
            } else if seg.contains('\'') && !seg.contains('"') {
                format!("\"{seg}\"")
            } else {
                format!("'{}'", seg.replace('\\', "\\\\").replace('\'', "\\'"))
            }
        })
        .collect();
    format!("deque([{}])", items.join(", "))
}

fn violation(error: &jsonschema::ValidationError<'_>) -> DomainError {
    DomainError::SchemaViolation { error: error.to_string(), path: deque(error.instance_path().as_str()) }
}

/// A benchmark's `json_schema` must be valid against the Draft-7 metaschema.
///
/// # Errors
/// 422 with the first metaschema violation.
pub fn check_benchmark_schema(schema: &Value) -> Result<(), DomainError> {
    jsonschema::draft7::meta::validate(schema).map_err(|e| violation(&e))
}

/// Compiles a benchmark's schema into a validator of result documents.
///
/// # Errors
/// 422 when the stored schema itself is broken (Q9).
pub fn compile_schema(schema: &Value) -> Result<Validator, DomainError> {
    jsonschema::options().should_validate_formats(false).build(schema).map_err(|e| {
        DomainError::SchemaViolation { error: format!("Invalid benchmark JSON Schema: {e}"), path: deque("") }
    })
}

/// Validates a result document with a compiled schema.
///
/// # Errors
/// 422 with the first violation.
pub fn check_document(validator: &Validator, document: &Value) -> Result<(), DomainError> {
    match validator.iter_errors(document).next() {
        Some(e) => Err(violation(&e)),
        None => Ok(()),
    }
}

/// Validates a result document against its benchmark's schema.
///
/// # Errors
/// 422 with the first violation; 422 as well when the stored schema itself is broken (Q9).
pub fn validate_document(schema: &Value, document: &Value) -> Result<(), DomainError> {
    check_document(&compile_schema(schema)?, document)
}

/// Compiled validators, one per benchmark, reused until the benchmark's schema changes.
/// Compiling a schema costs far more than checking a typical document against it, and schemas
/// rarely change, so uploads compile each schema once. An entry is used only while the schema
/// it was compiled from equals the benchmark's current one (compared in full, so no hash
/// collision can apply a stale schema); a broken schema is never cached. At most `capacity`
/// benchmarks are kept; past that an arbitrary entry makes room. Its [`CacheStats`] count
/// lookups and the JSON text size of the kept schemas (their compiled form is larger).
#[derive(Debug)]
pub struct SchemaCache {
    entries: Mutex<HashMap<BenchmarkId, CompiledSchema>>,
    capacity: usize,
    stats: Arc<CacheStats>,
}

#[derive(Debug)]
struct CompiledSchema {
    source: Value,
    validator: Arc<Validator>,
    /// The JSON text size of `source`, counted in the stats while kept.
    bytes: usize,
}

impl SchemaCache {
    /// The default number of benchmarks whose compiled schema is kept.
    pub const DEFAULT_CAPACITY: usize = 256;

    /// An empty cache keeping at most `capacity` compiled schemas.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
            stats: Arc::new(CacheStats::default()),
        }
    }

    /// Lookups and bytes of this cache, for metrics.
    pub fn stats(&self) -> Arc<CacheStats> {
        self.stats.clone()
    }

    /// The validator of `benchmark_id`'s current `schema`, compiled on first use or after the
    /// schema changed.
    ///
    /// # Errors
    /// 422 when the schema is broken (Q9).
    pub fn validator(
        &self,
        benchmark_id: BenchmarkId,
        schema: &Value,
    ) -> Result<Arc<Validator>, DomainError> {
        if let Some(hit) = self.lock().get(&benchmark_id).filter(|entry| entry.source == *schema) {
            self.stats.hit();
            return Ok(hit.validator.clone());
        }
        self.stats.miss();
        // Compiled outside the lock: concurrent uploads for other benchmarks never wait on it.
        let validator = Arc::new(compile_schema(schema)?);
        let bytes = schema.to_string().len();
        let mut entries = self.lock();
        if entries.len() >= self.capacity && !entries.contains_key(&benchmark_id) {
            let evicted = entries.keys().next().copied();
            if let Some(evicted) = evicted.and_then(|id| entries.remove(&id)) {
                self.stats.dropped(evicted.bytes);
            }
        }
        let compiled = CompiledSchema { source: schema.clone(), validator: validator.clone(), bytes };
        if let Some(replaced) = entries.insert(benchmark_id, compiled) {
            self.stats.dropped(replaced.bytes);
        }
        self.stats.stored(bytes);
        Ok(validator)
    }

    /// How many compiled schemas are kept.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no schema is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<BenchmarkId, CompiledSchema>> {
        // Nothing panics while the lock is held; a poisoned map is still consistent.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for SchemaCache {
    fn default() -> Self {
        Self::new(Self::DEFAULT_CAPACITY)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn paths_render_like_python_deques() {
        assert_eq!(deque(""), "deque([])");
        assert_eq!(deque("/a/0/b"), "deque(['a', 0, 'b'])");
    }

    #[test]
    fn benchmark_schemas_are_checked_against_draft_7() {
        assert!(check_benchmark_schema(&json!({"type": "object", "suggestToUser": 1})).is_ok());
        let err = check_benchmark_schema(&json!({"type": "x"})).unwrap_err();
        assert!(matches!(err, DomainError::SchemaViolation { path, .. } if path == "deque(['type'])"));
        let draft4 = json!({"properties": {"n": {"exclusiveMaximum": true}}});
        assert!(check_benchmark_schema(&draft4).is_err());
    }

    #[test]
    fn documents_are_validated_without_format_assertions() {
        let schema = json!({"properties": {"time": {"type": "integer"}, "d": {"format": "date-time"}}, "required": ["time"]});
        assert!(validate_document(&schema, &json!({"time": 1, "d": "not-a-date"})).is_ok());
        let err = validate_document(&schema, &json!({"time": "10"})).unwrap_err();
        assert!(matches!(err, DomainError::SchemaViolation { path, .. } if path == "deque(['time'])"));
        assert!(validate_document(&json!({"type": "x"}), &json!({})).is_err());
    }

    #[test]
    fn compiled_schemas_are_reused_until_the_schema_changes() {
        let cache = SchemaCache::new(2);
        let (a, b, c) = (BenchmarkId::new_v4(), BenchmarkId::new_v4(), BenchmarkId::new_v4());
        let integer = json!({"properties": {"n": {"type": "integer"}}});
        let first = cache.validator(a, &integer).unwrap();
        assert!(Arc::ptr_eq(&first, &cache.validator(a, &integer).unwrap()));
        assert!(check_document(&first, &json!({"n": "x"})).is_err());
        let string = json!({"properties": {"n": {"type": "string"}}});
        let changed = cache.validator(a, &string).unwrap();
        assert!(!Arc::ptr_eq(&first, &changed));
        assert!(check_document(&changed, &json!({"n": "x"})).is_ok());
        assert!(cache.validator(b, &json!({"type": "x"})).is_err());
        assert_eq!(cache.len(), 1, "a broken schema is not kept");
        cache.validator(b, &integer).unwrap();
        cache.validator(c, &integer).unwrap();
        assert_eq!(cache.len(), 2, "bounded");
    }

    #[test]
    fn lookups_and_kept_bytes_are_counted() {
        let cache = SchemaCache::new(1);
        let (a, b) = (BenchmarkId::new_v4(), BenchmarkId::new_v4());
        let schema = json!({"type": "integer"});
        let size = schema.to_string().len();
        cache.validator(a, &schema).unwrap();
        cache.validator(a, &schema).unwrap();
        let stats = cache.stats().snapshot();
        assert_eq!((stats.hits, stats.misses, stats.bytes), (1, 1, size as u64));
        cache.validator(b, &schema).unwrap();
        assert_eq!(cache.stats().snapshot().bytes, size as u64, "the evicted entry's bytes left");
    }
}
