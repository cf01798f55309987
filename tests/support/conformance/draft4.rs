//! The served schemas as JSON Schema: OpenAPI 3.0 schema objects extend draft 4, so they are
//! validated as draft 4 once `nullable: true` is turned into a `null` alternative and the
//! OpenAPI-only annotations are dropped.

use serde_json::{Map, Value, json};

/// An OpenAPI 3.0 schema object as JSON Schema draft 4.
pub fn to_draft4(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out: Map<String, Value> = map
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "nullable" | "readOnly" | "writeOnly" | "example"))
                .map(|(k, v)| (k.clone(), if k == "properties" { schemas_by_name(v) } else { to_draft4(v) }))
                .collect();
            if map.get("nullable") == Some(&Value::Bool(true)) {
                let inner = Value::Object(out);
                out = Map::new();
                out.insert("anyOf".into(), json!([inner, {"type": "null"}]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(to_draft4).collect()),
        other => other.clone(),
    }
}

/// A map from names (properties, components) to schemas: every value converted, every name
/// kept (a property may be called `example`).
pub fn schemas_by_name(map: &Value) -> Value {
    match map {
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), to_draft4(v))).collect()),
        other => to_draft4(other),
    }
}
