//! The health operations in the document: their own `health` tag, no security requirement
//! (they need no token), and their answers described inline (they are not part of the
//! original's wire format, so they add no component schema).

use serde_json::{Value, json};

/// The tag of the health operations.
pub const TAG: &str = "health";

/// The tag's entry in the document's `tags`.
pub fn tag() -> Value {
    json!({"name": TAG, "description": "Liveness and readiness probes (no token needed)"})
}

/// Whether `operation_id` is a health operation.
pub fn is_health(operation_id: &str) -> bool {
    matches!(operation_id, "GetLiveness" | "GetReadiness")
}

fn status(values: &[&str]) -> Value {
    json!({"type": "string", "enum": values})
}

fn nullable_number() -> Value {
    json!({"type": "number", "nullable": true})
}

fn nullable_integer() -> Value {
    json!({"type": "integer", "nullable": true})
}

fn object(properties: Value) -> Value {
    let required: Vec<String> =
        properties.as_object().map(|p| p.keys().cloned().collect()).unwrap_or_default();
    json!({"type": "object", "properties": properties, "required": required})
}

fn readiness_schema() -> Value {
    let mut schema = object(json!({
        "database": object(json!({
            "latency_seconds": nullable_number(),
            "status": status(&["ok", "unavailable"]),
        })),
        "mail_outbox": object(json!({
            "oldest_age_seconds": nullable_number(),
            "queued": nullable_integer(),
            "status": status(&["ok", "unknown"]),
        })),
        "migrations": object(json!({
            "pending": nullable_integer(),
            "status": status(&["ok", "pending", "unknown"]),
        })),
        "status": status(&["ready", "unavailable"]),
    }));
    // Present only when a hot standby is configured (`DATABASE_READ_URL`).
    schema["properties"]["standby"] = object(json!({
        "replay_lag_seconds": nullable_number(),
        "serving_reads": {"type": "boolean"},
        "status": status(&["ok", "lagging", "unavailable"]),
    }));
    schema
}

fn body(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

/// The responses of a health operation.
pub fn responses(operation_id: &str) -> Value {
    if operation_id == "GetLiveness" {
        return json!({"200": body("Alive", object(json!({"status": status(&["alive"])})))});
    }
    json!({
        "200": body("Ready", readiness_schema()),
        "503": body("Not ready: the database did not answer in time or migrations are pending", readiness_schema()),
    })
}
