//! What this rebuild adds to the original's OpenAPI document (issue 11, docs/compatibility.md):
//! operations, component schemas and optional properties of the original's components. The
//! comparison with the reference document (`tests/api/openapi.rs`) leaves them out; their own
//! suites and the response conformance check (`conformance`) cover them.

use serde_json::{Value, json};

/// Operations added by issues 11 and 13 (docs/compatibility.md): not compared with the
/// reference.
pub const ADDED_OPERATIONS: &[&str] = &[
    "ValidateResult",
    "ExportResults",
    "GetResultStats",
    "RankResults",
    "CreateResults",
    "CreateApiKey",
    "ListApiKeys",
    "DeleteApiKey",
];

/// Header parameters the original's operations gain: `(operationId, header)`.
pub const ADDED_HEADERS: &[(&str, &str)] =
    &[("CreateResult", "Idempotency-Key"), ("CreateResults", "Idempotency-Key")];

/// Component schemas the original does not have, added by issues 11 and 13.
pub const ADDED_SCHEMAS: &[&str] = &[
    "Gpus",
    "Price",
    "ResultsBatch",
    "ResultsBatchItem",
    "ResultsCreated",
    "ApiKey",
    "ApiKeys",
    "ApiKeyCreated",
    "CreateApiKey",
    "ResultRanking",
    "ResultRankingEntry",
    "ResultStats",
    "ResultStatsGroup",
];

/// The flavor spec members (issue 11), optional.
pub const FLAVOR_SPEC: [&str; 7] =
    ["architecture", "disk_gib", "gpus", "memory_gib", "price", "region", "vcpus"];

/// `(component, optional properties it gains)`: additions to the original's components.
pub const ADDED_PROPERTIES: [(&str, &[&str]); 2] = [("Flavor", &FLAVOR_SPEC), ("CreateFlavor", &FLAVOR_SPEC)];

/// The served schemas without the optional properties issue 11 adds.
///
/// # Panics
/// When an added property is not served or is required.
pub fn without_added_properties(schemas: &Value) -> Value {
    let mut schemas = schemas.clone();
    for (name, added) in ADDED_PROPERTIES {
        let schema = &mut schemas[name];
        let required = schema.get("required").cloned().unwrap_or(json!([]));
        let properties = schema["properties"].as_object_mut().expect("properties");
        for property in added {
            assert!(properties.remove(*property).is_some(), "{name}.{property} is served");
            assert!(!required.as_array().expect("required").contains(&json!(property)), "{name}.{property}");
        }
    }
    schemas
}
