//! Idempotent uploads: a client that retries an upload with the same `Idempotency-Key` gets the
//! first answer again instead of a second copy of its results.
//!
//! A key is scoped to its user and remembered for [`IDEMPOTENCY_WINDOW`] together with a
//! fingerprint of the request (a SHA-256 of the operation and of every item as parsed) and the
//! ids of the results the first request stored. The record is written in the transaction that
//! stores the results, under a unique (user, key) constraint, so concurrent retries store
//! exactly one set of results: the others find the record and answer with it.

use crate::{ResultId, service::Upload, user::UserKey};
use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};

/// How long a key is remembered: a retry after this stores the results again.
pub const IDEMPOTENCY_WINDOW: TimeDelta = TimeDelta::hours(24);

/// Longest key, in characters.
pub const MAX_KEY_CHARS: usize = 255;

/// A client's idempotency key: 1 to [`MAX_KEY_CHARS`] visible ASCII characters (a UUID is the
/// usual choice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Checks the header value.
    ///
    /// # Errors
    /// The message for the client when the value is empty, too long or has characters other
    /// than visible ASCII.
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.is_empty() {
            return Err("Shorter than minimum length 1.".into());
        }
        if raw.chars().count() > MAX_KEY_CHARS {
            return Err(format!("Longer than maximum length {MAX_KEY_CHARS}."));
        }
        if !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("Only visible ASCII characters are allowed.".into());
        }
        Ok(Self(raw.to_owned()))
    }

    /// The key as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Which upload operation a request was (a key used for one cannot be replayed by the other).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadOperation {
    /// `POST /results`.
    Single,
    /// `POST /results:batch`.
    Batch,
}

/// The fingerprint of an upload request: SHA-256 (hex) of the operation and of every item's
/// context and document.
pub fn fingerprint(operation: UploadOperation, items: &[Upload]) -> String {
    let mut hash = Sha256::new();
    hash.update(match operation {
        UploadOperation::Single => b"POST /results\n".as_slice(),
        UploadOperation::Batch => b"POST /results:batch\n".as_slice(),
    });
    for item in items {
        let (naive, zone) = item.execution;
        let zone = zone.map_or_else(|| "none".to_owned(), |z| z.local_minus_utc().to_string());
        hash.update(format!("{}|{}|{naive:?}|{zone}|", item.benchmark_id, item.flavor_id).as_bytes());
        for tag in &item.tags_ids {
            hash.update(tag.uuid().as_bytes());
        }
        hash.update(b"|");
        hash.update(item.json.to_string().as_bytes());
        hash.update(b"\n");
    }
    hex::encode(hash.finalize())
}

/// What is remembered of a successful idempotent upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    /// Whose key.
    pub user: UserKey,
    /// The key.
    pub key: String,
    /// [`fingerprint`] of the request.
    pub fingerprint: String,
    /// The results stored, in the answer's order.
    pub result_ids: Vec<ResultId>,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
}

/// The outcome of storing results under a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// The results (and the key, if any) were stored.
    Inserted,
    /// Another request stored the key first: nothing was stored.
    KeyTaken,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_of_bounded_length() {
        assert!(IdempotencyKey::parse("0b6f5c1e-4a5e-4e8e-9c1e-3f1d2a4b5c6d").is_ok());
        assert!(IdempotencyKey::parse("nightly:2026-12-01").is_ok());
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("with space").is_err());
        assert!(IdempotencyKey::parse("é").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(MAX_KEY_CHARS)).is_ok());
        assert!(IdempotencyKey::parse(&"k".repeat(MAX_KEY_CHARS + 1)).is_err());
    }

    fn upload(doc: serde_json::Value) -> Upload {
        Upload {
            execution: (chrono::NaiveDateTime::default(), chrono::FixedOffset::east_opt(0)),
            benchmark_id: crate::BenchmarkId::default(),
            flavor_id: crate::FlavorId::default(),
            tags_ids: vec![],
            json: doc,
            document_bytes: 2,
        }
    }

    #[test]
    fn fingerprints_differ_by_operation_and_content() {
        let a = upload(serde_json::json!({"a": 1}));
        let b = upload(serde_json::json!({"a": 2}));
        let single = fingerprint(UploadOperation::Single, std::slice::from_ref(&a));
        assert_eq!(single, fingerprint(UploadOperation::Single, std::slice::from_ref(&a)));
        assert_ne!(single, fingerprint(UploadOperation::Batch, std::slice::from_ref(&a)));
        assert_ne!(single, fingerprint(UploadOperation::Single, &[b]));
    }
}
