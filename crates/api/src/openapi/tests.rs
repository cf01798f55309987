//! The derived components against the rest of the crate: the request bodies the handlers
//! validate declare what the document says, and every reference resolves.

use serde_json::{Value, json};

use super::components::schemas;
use crate::{
    body::{BodySpec, FieldKind},
    extract::BodySchema,
    flavor_spec::SpecKind,
    routes::{benchmarks, flavors, results, sites, tags},
};

/// Every body the handlers validate.
const BODY_SPECS: [BodySpec; 11] = [
    benchmarks::CreateBenchmarkBody::SPEC,
    benchmarks::BenchmarkBody::SPEC,
    flavors::FlavorBody::SPEC,
    sites::CreateSiteBody::SPEC,
    sites::SiteBody::SPEC,
    sites::CreateFlavorBody::SPEC,
    tags::CreateTagBody::SPEC,
    tags::TagBody::SPEC,
    results::ResultDocument::SPEC,
    results::CreateClaimBody::SPEC,
    results::TagsIdsBody::SPEC,
];

/// The schema a field kind is documented with.
fn documented_as(kind: FieldKind) -> Value {
    match kind {
        FieldKind::Str => json!({"type": "string"}),
        FieldKind::Object => json!({"type": "object", "additionalProperties": {}}),
        FieldKind::UuidList => json!({"type": "array", "items": {"type": "string", "format": "uuid"}}),
        FieldKind::Spec(SpecKind::Count) => json!({"type": "integer"}),
        FieldKind::Spec(SpecKind::Gib) => json!({"type": "number", "format": "double"}),
        FieldKind::Spec(SpecKind::Label) => json!({"type": "string"}),
        FieldKind::Spec(SpecKind::Gpus) => json!({"$ref": "#/components/schemas/Gpus"}),
        FieldKind::Spec(SpecKind::Price) => json!({"$ref": "#/components/schemas/Price"}),
    }
}

/// The type keywords of a property (documentation and `readOnly` left out).
fn shape(property: &Value) -> Value {
    let keep = ["type", "format", "items", "additionalProperties", "$ref"];
    let map = property.as_object().into_iter().flatten().filter(|(k, _)| keep.contains(&k.as_str()));
    Value::Object(map.map(|(k, v)| (k.clone(), v.clone())).collect())
}

#[test]
fn every_validated_body_declares_the_members_of_its_component() {
    let schemas = schemas();
    for spec in BODY_SPECS {
        let schema = &schemas[spec.component];
        let properties = schema["properties"].as_object().unwrap_or_else(|| panic!("{}", spec.component));
        let mut declared: Vec<&str> =
            spec.fields.iter().map(|f| f.name).chain(spec.ignored.iter().copied()).collect();
        declared.sort_unstable();
        assert_eq!(declared, properties.keys().map(String::as_str).collect::<Vec<_>>(), "{}", spec.component);
        for field in spec.fields {
            let property = &properties[field.name];
            assert_eq!(shape(property), documented_as(field.kind), "{}.{}", spec.component, field.name);
            assert_eq!(property.get("readOnly"), None, "{}.{}", spec.component, field.name);
        }
        for name in spec.ignored {
            assert_eq!(
                properties[*name]["readOnly"],
                json!(true),
                "{}.{name} is accepted and ignored",
                spec.component
            );
        }
        let required: Vec<&str> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|name| !spec.ignored.contains(name))
            .collect();
        let mut required_fields: Vec<&str> =
            spec.fields.iter().filter(|f| f.required).map(|f| f.name).collect();
        required_fields.sort_unstable();
        assert_eq!(required, required_fields, "required members of {}", spec.component);
    }
    assert_eq!(schemas["Json"], json!({"type": "object", "properties": {}, "additionalProperties": true}));
}

#[test]
fn every_reference_between_components_resolves() {
    fn references(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                out.extend(map.get("$ref").and_then(Value::as_str).map(str::to_owned));
                map.values().for_each(|v| references(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| references(v, out)),
            _ => {}
        }
    }
    let schemas = Value::Object(schemas());
    let mut found = Vec::new();
    references(&schemas, &mut found);
    assert!(found.len() >= 10, "{found:?}");
    for reference in found {
        let name = reference.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("{reference}"));
        assert!(schemas.get(name).is_some(), "dangling {reference}");
    }
}

#[test]
fn error_documents_every_body_shape() {
    let error = &schemas()["Error"];
    assert!(
        error["description"]
            .as_str()
            .is_some_and(|d| d.starts_with("Every error body. ") && !d.contains('\n'))
    );
    assert_eq!(error["properties"]["message"]["anyOf"][0], json!({"type": "string"}));
    assert_eq!(error["properties"]["code"], json!({"description": "HTTP status code", "type": "integer"}));
    assert_eq!(error.get("required"), None);
}

#[test]
fn path_parameters_are_read_from_the_template() {
    assert_eq!(super::path_params("/results/{result_id}:claim"), vec!["result_id"]);
    assert!(super::path_params("/results").is_empty());
}

#[test]
fn swagger_2_query_parameters_become_openapi_3() {
    let v2 = json!({"in": "query", "name": "per_page", "type": "integer", "default": 100, "minimum": 1.0, "maximum": 100.0});
    let v3 = super::query_param(&v2);
    assert_eq!(v3["schema"], json!({"type": "integer", "default": 100, "minimum": 1, "maximum": 100}));
    assert_eq!(v3["required"], json!(false));
}
