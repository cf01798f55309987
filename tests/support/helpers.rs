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

/// `GET path` without token; it must answer 200. The page body.
///
/// # Panics
/// On any other status: the test fails there.
pub async fn page(app: &crate::TestApp, path: &str) -> Value {
    let (status, body) = app.get(path).await;
    assert_eq!(status, reqwest::StatusCode::OK, "{path}: {body}");
    body
}

/// The `name`s of the items of a 200 page, in order.
///
/// # Panics
/// When the page has no items or an item no name.
pub async fn names(app: &crate::TestApp, path: &str) -> Vec<String> {
    page(app, path).await["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items at {path}"))
        .iter()
        .map(|item| item["name"].as_str().unwrap_or_else(|| panic!("no name in {item}")).to_owned())
        .collect()
}

/// Like [`names`], sorted (for endpoints without a default order).
pub async fn name_set(app: &crate::TestApp, path: &str) -> Vec<String> {
    let mut names = names(app, path).await;
    names.sort();
    names
}

/// The ids of the items of a 200 page, in order.
///
/// # Panics
/// When the page has no items.
pub async fn ids(app: &crate::TestApp, path: &str) -> Vec<String> {
    page(app, path).await["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no items at {path}"))
        .iter()
        .map(id_of)
        .collect()
}

/// The 422 body of a bad `sort_by` (`message` is an object there).
pub fn sort_error(key_error: &str, hint: &str) -> Value {
    serde_json::json!({"code": 422, "status": "Unprocessable Entity", "message": {"KeyError": key_error, "hint": hint}})
}
