//! Operations the original does not have (issue 13: API keys), served beside its own: left out
//! of the comparison with its document in `openapi.rs`, checked here instead.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use eosc_perf_tests::{Backend, spawn_app};
use serde_json::{Value, json};

/// Operations the original does not have, added for unattended uploads (issue 13): `(method,
/// path, operationId, success status)`. Left out of the comparison with its document and
/// checked in `the_additions_are_served_with_their_operation_ids`.
pub const ADDED_OPERATIONS: [(&str, &str, &str, &str); 3] = [
    ("post", "/users/self/keys", "CreateApiKey", "201"),
    ("get", "/users/self/keys", "ListApiKeys", "200"),
    ("delete", "/users/self/keys/{key_id}", "DeleteApiKey", "204"),
];

/// The component schemas of [`ADDED_OPERATIONS`].
pub const ADDED_SCHEMAS: [&str; 4] = ["ApiKey", "ApiKeyCreated", "ApiKeys", "CreateApiKey"];

/// Whether `op` is one of [`ADDED_OPERATIONS`].
pub fn is_added(op: &Value) -> bool {
    ADDED_OPERATIONS.iter().any(|(_, _, id, _)| op["operationId"] == *id)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_additions_are_served_with_their_operation_ids() {
    let app = spawn_app(Backend::Sqlite).await.expect("sqlite app");
    let (status, served) = app.get("/api-spec.json").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    for (method, path, id, success) in ADDED_OPERATIONS {
        let op = &served["paths"][path][method];
        assert_eq!(op["operationId"], json!(id), "{method} {path}");
        assert!(op["responses"][success].is_object(), "{id} documents {success}");
        assert!(op["responses"]["default"].is_object(), "{id} documents its errors");
    }
    for name in ADDED_SCHEMAS {
        assert!(served["components"]["schemas"][name].is_object(), "{name}");
    }
}
