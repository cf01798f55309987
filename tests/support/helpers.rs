//! Small helpers every suite uses.

use chrono::NaiveDateTime;
use serde_json::Value;

/// Parses a naive ISO datetime as the API writes them (`2024-01-01T10:00:00.123456`).
///
/// # Panics
/// When `text` is not one: the test fails there.
pub fn naive(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .unwrap_or_else(|e| panic!("{text:?} is not a naive ISO datetime: {e}"))
}

/// The `id` of a JSON object.
///
/// # Panics
/// When `item` has no string `id`: the test fails there.
pub fn id_of(item: &Value) -> String {
    item["id"].as_str().unwrap_or_else(|| panic!("no id in {item}")).to_owned()
}
