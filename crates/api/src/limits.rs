//! Request limits: how much one request may ask of the server. Past a limit the answer is 413
//! `{"code":413,"status":"Payload Too Large"}` for sizes, or 422 in the validation shape for
//! counts, lengths and nesting depth (marshmallow's `Longer than maximum length N.` wording);
//! never a 500 and never work proportional to what the client chose to send.

use actix_web::http::StatusCode;
use serde_json::{Map, Value, json};

use crate::error::ApiError;

/// One mebibyte.
const MIB: usize = 1024 * 1024;

/// Limits on the size and shape of requests. [`Default`] gives the documented defaults; the
/// server reads each from its own environment variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLimits {
    /// Most `terms` values one request may carry.
    pub max_terms: usize,
    /// Most `filters` values one request may carry.
    pub max_filters: usize,
    /// Most `tags_ids` one request may carry (query string or JSON body).
    pub max_tags_ids: usize,
    /// Longest `terms` or `filters` value, in characters.
    pub max_value_chars: usize,
    /// Largest result document, in bytes as sent.
    pub max_result_bytes: usize,
    /// Deepest nesting of arrays and objects in a result document (the document itself is 1).
    pub max_result_depth: usize,
    /// Largest request body of any endpoint, in bytes.
    pub max_body_bytes: usize,
}

impl Default for RequestLimits {
    fn default() -> Self {
        Self {
            max_terms: 32,
            max_filters: 32,
            max_tags_ids: 32,
            max_value_chars: 256,
            max_result_bytes: MIB,
            max_result_depth: 32,
            max_body_bytes: 2 * MIB,
        }
    }
}

/// How many `group_by` keys `GET /results:stats` takes.
pub const MAX_GROUP_BY: usize = 3;

/// The deepest nesting `serde_json` parses; a result depth limit above it could never apply.
pub const DEEPEST_PARSABLE_DEPTH: usize = 128;

/// marshmallow's `Length(max=…)` message.
pub fn longer_than(max: usize) -> Value {
    json!([format!("Longer than maximum length {max}.")])
}

impl RequestLimits {
    /// How many values the list parameter or field `name` may hold.
    pub fn max_items(&self, name: &str) -> usize {
        match name {
            "terms" => self.max_terms,
            "filters" => self.max_filters,
            "tags_ids" => self.max_tags_ids,
            "group_by" => MAX_GROUP_BY,
            _ => self.max_terms.min(self.max_filters).min(self.max_tags_ids),
        }
    }

    /// Checks a result document as sent, before it is parsed: its size, then its nesting depth.
    ///
    /// # Errors
    /// 413 when larger than [`RequestLimits::max_result_bytes`]; 422
    /// `{"json":{"_schema":["Nested deeper than maximum depth N."]}}` when deeper than
    /// [`RequestLimits::max_result_depth`].
    pub fn check_result_document(&self, bytes: &[u8]) -> Result<(), ApiError> {
        if bytes.len() > self.max_result_bytes {
            return Err(ApiError::Bare(StatusCode::PAYLOAD_TOO_LARGE));
        }
        if nesting_depth(bytes) > self.max_result_depth {
            let mut errors = Map::new();
            errors.insert(
                "_schema".into(),
                json!([format!("Nested deeper than maximum depth {}.", self.max_result_depth)]),
            );
            return Err(ApiError::Validation { location: "json", errors });
        }
        Ok(())
    }
}

/// The deepest nesting of arrays and objects in JSON text, brackets inside strings ignored.
/// It scans the raw bytes, so a document far deeper than any parser accepts is measured without
/// recursion; malformed text gets a number too, and the parser refuses it afterwards.
pub fn nesting_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &byte in bytes {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_brackets_outside_strings() {
        assert_eq!(nesting_depth(b"1"), 0);
        assert_eq!(nesting_depth(b"{}"), 1);
        assert_eq!(nesting_depth(br#"{"a": [1, {"b": []}], "c": {}}"#), 4);
        assert_eq!(nesting_depth(br#"{"a": "[[[{{{", "b\"[": "\\"}"#), 1);
        assert_eq!(nesting_depth(&[b'['; 100_000]), 100_000);
    }

    #[test]
    fn documents_are_refused_by_size_then_depth() {
        let limits = RequestLimits { max_result_bytes: 20, max_result_depth: 2, ..RequestLimits::default() };
        assert!(limits.check_result_document(br#"{"a": {"b": 1}}"#).is_ok());
        let too_deep = limits.check_result_document(br#"{"a": {"b": [1]}}"#);
        assert!(matches!(too_deep, Err(ApiError::Validation { location: "json", .. })));
        let too_big = limits.check_result_document(br#"{"a": "0123456789abcdef"}"#);
        assert!(matches!(too_big, Err(ApiError::Bare(StatusCode::PAYLOAD_TOO_LARGE))));
    }

    #[test]
    fn each_list_has_its_own_maximum() {
        let limits =
            RequestLimits { max_terms: 1, max_filters: 2, max_tags_ids: 3, ..RequestLimits::default() };
        assert_eq!(
            [limits.max_items("terms"), limits.max_items("filters"), limits.max_items("tags_ids")],
            [1, 2, 3]
        );
        assert_eq!(limits.max_items("other"), 1);
    }
}
