//! JSON Schema rules (contract §6.1, Q9): benchmark schemas must be valid Draft-7 schemas;
//! result documents are validated against their benchmark's schema in the dialect it names
//! (default 2020-12), without asserting `format`. Errors carry the Python `deque([...])` path.

use serde_json::Value;

use crate::DomainError;

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

/// Validates a result document against its benchmark's schema.
///
/// # Errors
/// 422 with the first violation; 422 as well when the stored schema itself is broken (Q9).
pub fn validate_document(schema: &Value, document: &Value) -> Result<(), DomainError> {
    let validator = jsonschema::options().should_validate_formats(false).build(schema).map_err(|e| {
        DomainError::SchemaViolation { error: format!("Invalid benchmark JSON Schema: {e}"), path: deque("") }
    })?;
    match validator.iter_errors(document).next() {
        Some(e) => Err(violation(&e)),
        None => Ok(()),
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
}
