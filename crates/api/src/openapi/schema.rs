//! Paperclip's derived schemas (Swagger 2 schema objects, `DefaultSchemaRaw`) written as the
//! OpenAPI 3 component schemas the original serves. The rules, each for something paperclip's
//! schema model cannot say:
//!
//! - a nested object type with a name becomes a `$ref` to its component;
//! - an object with declared properties gets `additionalProperties: false` (the server sends
//!   exactly the declared members);
//! - integers have no `format` (the original declares plain `integer`), and numeric bounds are
//!   written as integers;
//! - `format: date-time` (declared by [`crate::wire::NaiveUtc`]) becomes the pattern of the
//!   naive datetimes really sent (contract §2.5): the server sends no RFC 3339 datetime;
//! - properties listed as read-only get `readOnly: true`, a `$ref` wrapped in `allOf` for it.

use paperclip::v2::models::{DataType, DataTypeFormat, DefaultSchemaRaw, Either};
use serde_json::{Map, Value, json};

/// The naive datetimes the server writes: `YYYY-MM-DDTHH:MM:SS`, `.ffffff` only when non-zero.
pub const NAIVE_DATETIME_PATTERN: &str =
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?$";

/// The component schema of a derived type: its own schema (not a `$ref` to itself), without
/// the type-level description (the type's doc comment is written for Rust readers), with
/// `read_only` properties marked, and `properties` always present on objects.
pub fn component(raw: &DefaultSchemaRaw, read_only: &[&str]) -> Value {
    let mut schema = convert(raw);
    schema.remove("description");
    if schema.get("type") == Some(&json!("object")) && !schema.contains_key("properties") {
        schema.insert("properties".into(), json!({}));
    }
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        for name in read_only {
            debug_assert!(properties.contains_key(*name), "read-only member {name} is not declared");
            if let Some(property) = properties.get_mut(*name) {
                mark_read_only(property);
            }
        }
    }
    Value::Object(schema)
}

/// `readOnly: true` on a property; a `$ref` cannot carry siblings in OpenAPI 3.0, so it is
/// wrapped in `allOf`.
fn mark_read_only(property: &mut Value) {
    if property.get("$ref").is_some() {
        *property = json!({"allOf": [property.take()], "readOnly": true});
    } else if let Some(map) = property.as_object_mut() {
        map.insert("readOnly".into(), json!(true));
    }
}

/// A schema where it is used: a named object is a reference to its component.
fn nested(raw: &DefaultSchemaRaw) -> Value {
    match (&raw.name, raw.data_type) {
        (Some(name), Some(DataType::Object)) => json!({"$ref": format!("#/components/schemas/{name}")}),
        _ => Value::Object(convert(raw)),
    }
}

fn convert(raw: &DefaultSchemaRaw) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(description) = &raw.description {
        out.insert("description".into(), json!(description));
    }
    if let Some(example) = &raw.example {
        out.insert("example".into(), example.clone());
    }
    if let Some(data_type) = raw.data_type {
        out.insert("type".into(), json!(data_type));
    }
    match &raw.format {
        Some(DataTypeFormat::DateTime) => {
            out.insert("pattern".into(), json!(NAIVE_DATETIME_PATTERN));
        }
        Some(DataTypeFormat::Int32 | DataTypeFormat::Int64) | None => {}
        Some(format) => {
            out.insert("format".into(), json!(format));
        }
    }
    for (key, bound) in [("minimum", raw.minimum), ("maximum", raw.maximum)] {
        if let Some(bound) = bound {
            out.insert(key.into(), number(bound));
        }
    }
    if !raw.enum_.is_empty() {
        out.insert("enum".into(), Value::Array(raw.enum_.clone()));
    }
    if let Some(items) = &raw.items {
        out.insert("items".into(), nested(items));
    }
    if !raw.properties.is_empty() {
        let properties = raw.properties.iter().map(|(name, p)| (name.clone(), nested(p))).collect();
        out.insert("properties".into(), Value::Object(properties));
    }
    match &raw.extra_props {
        Some(Either::Left(allowed)) => {
            out.insert("additionalProperties".into(), json!(allowed));
        }
        Some(Either::Right(schema)) => {
            out.insert("additionalProperties".into(), nested(schema));
        }
        None if !raw.properties.is_empty() => {
            out.insert("additionalProperties".into(), json!(false));
        }
        None => {}
    }
    if !raw.required.is_empty() {
        out.insert("required".into(), json!(raw.required));
    }
    out
}

/// A bound as JSON: an integer when it is one (`1`, not `1.0`).
fn number(bound: f32) -> Value {
    #[expect(clippy::cast_possible_truncation, reason = "only integral bounds of small magnitude")]
    let whole = bound as i64;
    #[expect(clippy::cast_precision_loss, reason = "compared with the f32 it came from")]
    if whole as f32 == bound { json!(whole) } else { json!(f64::from(bound)) }
}

#[cfg(test)]
mod tests {
    use paperclip::v2::models::{DataType, DataTypeFormat, DefaultSchemaRaw};
    use serde_json::json;

    use super::{NAIVE_DATETIME_PATTERN, component};

    fn leaf(data_type: DataType, format: Option<DataTypeFormat>) -> Box<DefaultSchemaRaw> {
        Box::new(DefaultSchemaRaw { data_type: Some(data_type), format, ..Default::default() })
    }

    #[test]
    fn the_rules_turn_a_derived_schema_into_the_component() {
        let user = DefaultSchemaRaw {
            name: Some("User".into()),
            data_type: Some(DataType::Object),
            properties: [("sub".to_owned(), leaf(DataType::String, None))].into(),
            ..Default::default()
        };
        let raw = DefaultSchemaRaw {
            name: Some("Claim".into()),
            description: Some("For Rust readers".into()),
            data_type: Some(DataType::Object),
            properties: [
                ("id".to_owned(), leaf(DataType::String, Some(DataTypeFormat::Uuid))),
                ("at".to_owned(), leaf(DataType::String, Some(DataTypeFormat::DateTime))),
                (
                    "page".to_owned(),
                    Box::new(DefaultSchemaRaw {
                        minimum: Some(1.0),
                        ..*leaf(DataType::Integer, Some(DataTypeFormat::Int64))
                    }),
                ),
                ("uploader".to_owned(), Box::new(user)),
            ]
            .into(),
            required: ["id".to_owned()].into(),
            ..Default::default()
        };
        assert_eq!(
            component(&raw, &["id", "uploader"]),
            json!({
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "id": {"type": "string", "format": "uuid", "readOnly": true},
                    "at": {"type": "string", "pattern": NAIVE_DATETIME_PATTERN},
                    "page": {"type": "integer", "minimum": 1},
                    "uploader": {"allOf": [{"$ref": "#/components/schemas/User"}], "readOnly": true},
                },
                "required": ["id"],
            })
        );
    }
}
