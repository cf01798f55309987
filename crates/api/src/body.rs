//! Request bodies: JSON objects validated field by field with marshmallow's messages
//! (contract §2.2). A body under another content type, or none, counts as `{}`.

use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::{
    error::ApiError,
    limits::{RequestLimits, longer_than},
};

/// The type of a body field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// String.
    Str,
    /// JSON object.
    Object,
    /// List of UUIDs.
    UuidList,
    /// A flavor spec member (`null` allowed: it clears the member).
    Spec(crate::flavor_spec::SpecKind),
}

/// One declared body field.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Name.
    pub name: &'static str,
    /// Type.
    pub kind: FieldKind,
    /// Whether it must be present.
    pub required: bool,
}

/// A body schema: its OpenAPI component name, fields and the read-only fields accepted and
/// ignored (Q8).
#[derive(Debug, Clone, Copy)]
pub struct BodySpec {
    /// Component schema name.
    pub component: &'static str,
    /// Declared fields.
    pub fields: &'static [Field],
    /// Fields accepted and ignored.
    pub ignored: &'static [&'static str],
}

/// Parses the raw body into a JSON value, `{}` when absent or not JSON.
///
/// # Errors
/// 400 for malformed JSON.
pub fn parse_json(bytes: &[u8], is_json: bool) -> Result<Value, ApiError> {
    if !is_json || bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_slice(bytes).map_err(|_| ApiError::BadJson)
}

/// The body must be an object.
///
/// # Errors
/// 422 `_schema: Invalid input type.`
pub fn object(value: Value) -> Result<Map<String, Value>, ApiError> {
    match value {
        Value::Object(m) => Ok(m),
        _ => {
            let mut errors = Map::new();
            errors.insert("_schema".into(), json!(["Invalid input type."]));
            Err(ApiError::Validation { location: "json", errors })
        }
    }
}

/// Validates an object against a spec, lists within `limits`; returns only the declared fields.
///
/// # Errors
/// 422 with each field's messages.
pub fn validate(
    obj: Map<String, Value>,
    spec: &BodySpec,
    limits: &RequestLimits,
) -> Result<Map<String, Value>, ApiError> {
    let mut errors = Map::new();
    let mut out = Map::new();
    for (name, value) in obj {
        let Some(field) = spec.fields.iter().find(|f| f.name == name) else {
            if !spec.ignored.contains(&name.as_str()) {
                errors.insert(name, json!(["Unknown field."]));
            }
            continue;
        };
        match check(field.kind, &value, limits.max_items(field.name)) {
            Ok(()) => {
                out.insert(name, value);
            }
            Err(e) => {
                errors.insert(name, e);
            }
        }
    }
    for field in spec.fields.iter().filter(|f| f.required) {
        if !out.contains_key(field.name) && !errors.contains_key(field.name) {
            errors.insert(field.name.into(), json!(["Missing data for required field."]));
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(ApiError::Validation { location: "json", errors }) }
}

fn check(kind: FieldKind, value: &Value, max_items: usize) -> Result<(), Value> {
    match (kind, value) {
        (FieldKind::Spec(spec), _) => crate::flavor_spec::check(spec, value),
        (_, Value::Null) => Err(json!(["Field may not be null."])),
        (FieldKind::Str, Value::String(s)) if s.contains('\0') => {
            Err(json!(["Not a valid string: NUL characters are not allowed."]))
        }
        (FieldKind::Str, Value::String(_)) => Ok(()),
        (FieldKind::Str, _) => Err(json!(["Not a valid string."])),
        (FieldKind::Object, Value::Object(_)) if contains_nul(value) => {
            Err(json!(["Not a valid mapping type: NUL characters are not allowed."]))
        }
        (FieldKind::Object, Value::Object(_)) => Ok(()),
        (FieldKind::Object, _) => Err(json!(["Not a valid mapping type."])),
        (FieldKind::UuidList, Value::Array(items)) if items.len() > max_items => Err(longer_than(max_items)),
        (FieldKind::UuidList, Value::Array(items)) => {
            let mut errs = Map::new();
            for (i, item) in items.iter().enumerate() {
                if item.as_str().and_then(|s| Uuid::parse_str(s).ok()).is_none() {
                    errs.insert(i.to_string(), json!(["Not a valid UUID."]));
                }
            }
            if errs.is_empty() { Ok(()) } else { Err(Value::Object(errs)) }
        }
        (FieldKind::UuidList, _) => Err(json!(["Not a valid list."])),
    }
}

/// Whether any string or key inside holds U+0000, which PostgreSQL cannot store (Q33).
pub fn contains_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(contains_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || contains_nul(v)),
        _ => false,
    }
}

/// A validated string field.
pub fn string(obj: &Map<String, Value>, name: &str) -> Option<String> {
    obj.get(name).and_then(Value::as_str).map(str::to_owned)
}

/// A validated UUID list field, as ids of `T`s.
pub fn ids<T>(obj: &Map<String, Value>, name: &str) -> Option<Vec<domain::Id<T>>> {
    obj.get(name).and_then(Value::as_array).map(|items| {
        items.iter().filter_map(|i| i.as_str().and_then(|s| s.parse::<domain::Id<T>>().ok())).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: BodySpec = BodySpec {
        component: "Tag",
        fields: &[
            Field { name: "name", kind: FieldKind::Str, required: true },
            Field { name: "description", kind: FieldKind::Str, required: false },
        ],
        ignored: &["id"],
    };

    #[test]
    fn fields_get_marshmallow_messages() {
        let obj = object(json!({"description": null, "bad": 1, "id": "x"})).unwrap();
        let limits = RequestLimits::default();
        let ApiError::Validation { errors, .. } = validate(obj, &SPEC, &limits).unwrap_err() else {
            panic!()
        };
        assert_eq!(errors["name"], json!(["Missing data for required field."]));
        assert_eq!(errors["description"], json!(["Field may not be null."]));
        assert_eq!(errors["bad"], json!(["Unknown field."]));
        assert!(!errors.contains_key("id"));
        assert!(matches!(parse_json(b"{", true), Err(ApiError::BadJson)));
        assert_eq!(parse_json(b"{", false).unwrap(), json!({}));
    }

    #[test]
    fn uuid_lists_are_bounded_in_count() {
        const TAGS: BodySpec = BodySpec {
            component: "TagsIds",
            fields: &[Field { name: "tags_ids", kind: FieldKind::UuidList, required: false }],
            ignored: &[],
        };
        let limits = RequestLimits { max_tags_ids: 1, ..RequestLimits::default() };
        let id = Uuid::new_v4().to_string();
        assert!(validate(object(json!({"tags_ids": [id]})).unwrap(), &TAGS, &limits).is_ok());
        let err = validate(object(json!({"tags_ids": [id, id]})).unwrap(), &TAGS, &limits).unwrap_err();
        let ApiError::Validation { errors, .. } = err else { panic!() };
        assert_eq!(errors["tags_ids"], json!(["Longer than maximum length 1."]));
    }
}
