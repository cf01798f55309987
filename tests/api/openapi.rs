//! `/api-spec.json` against the reference document of the original service: every operation
//! the server serves must match the reference in everything a generated client depends on
//! (paths, methods, operationIds, parameters in order with their schemas, bodies, responses,
//! tags). Summaries, descriptions and examples may differ. Reference operations the server
//! does not serve yet are listed, not failed. The component schemas match the reference
//! except where the reference does not describe what the original sends (see [`truthful`]
//! and docs/compatibility.md); `spec_conformance.rs` checks real responses against them.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use eosc_perf_tests::{
    Backend, TestApp,
    additions::{ADDED_HEADERS, ADDED_OPERATIONS, ADDED_SCHEMAS, without_added_properties},
    spawn_app, spawn_app_with,
};
use serde_json::{Map, Value, json};

const REFERENCE: &str = include_str!("../fixtures/reference-openapi.json");
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

fn reference() -> Value {
    serde_json::from_str(REFERENCE).expect("reference OpenAPI document")
}

pub(crate) async fn served(app: &TestApp) -> Value {
    let (status, spec) = app.get("/api-spec.json").await;
    assert_eq!(status, reqwest::StatusCode::OK);
    spec
}

pub(crate) async fn app() -> TestApp {
    spawn_app(Backend::Sqlite).await.expect("sqlite app")
}

/// The tag of the health probes: operations the original does not have (docs/operations.md),
/// left out of the comparison with its document and checked in `operations::health`.
const HEALTH_TAG: &str = "health";

/// `(path, method, operation)` of every operation of a document, the health probes and the
/// added operations excepted.
fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let added = ADDED_OPERATIONS.iter().any(|id| op["operationId"] == *id);
            if METHODS.contains(&method.as_str()) && op["tags"] != json!([HEALTH_TAG]) && !added {
                out.push((path.clone(), method.clone(), op.clone()));
            }
        }
    }
    out
}

/// The parts of a parameter schema that a client generator uses.
fn schema_shape(schema: &Value) -> Value {
    let mut out = Map::new();
    for key in ["type", "format", "default", "enum", "minimum", "maximum", "$ref"] {
        if let Some(v) = schema.get(key) {
            // 1 and 1.0 are the same bound.
            let v = match v.as_f64() {
                Some(f) if v.is_number() && key != "default" => json!(f),
                _ => v.clone(),
            };
            out.insert(key.into(), v);
        }
    }
    if let Some(items) = schema.get("items") {
        out.insert("items".into(), schema_shape(items));
    }
    Value::Object(out)
}

/// The parts of a parameter that a client generator uses.
fn parameter_shape(p: &Value) -> Value {
    json!({
        "name": p["name"],
        "in": p["in"],
        "required": p.get("required").cloned().unwrap_or(json!(false)),
        "style": p.get("style").cloned().unwrap_or(Value::Null),
        "explode": p.get("explode").cloned().unwrap_or(Value::Null),
        "schema": schema_shape(&p["schema"]),
    })
}

fn parameters(op: &Value) -> Vec<Value> {
    let added = |p: &&Value| {
        ADDED_HEADERS
            .iter()
            .any(|(id, name)| op["operationId"] == *id && p["in"] == "header" && p["name"] == *name)
    };
    op.get("parameters")
        .and_then(Value::as_array)
        .map(|ps| ps.iter().filter(|p| !added(p)).map(parameter_shape).collect())
        .unwrap_or_default()
}

fn request_body_shape(op: &Value) -> Value {
    match op.get("requestBody") {
        None => Value::Null,
        Some(body) => json!({
            "required": body.get("required").cloned().unwrap_or(json!(false)),
            "content_types": body["content"].as_object().map(|c| c.keys().cloned().collect::<Vec<_>>()),
            "schema": body["content"]["application/json"]["schema"],
        }),
    }
}

fn responses_shape(op: &Value) -> Value {
    let mut out = Map::new();
    for (code, resp) in op["responses"].as_object().expect("responses") {
        let shape = match resp.get("$ref") {
            Some(r) => json!({"$ref": r}),
            None => json!({"schema": resp["content"]["application/json"]["schema"]}),
        };
        out.insert(code.clone(), shape);
    }
    Value::Object(out)
}

/// Drops documentation-only keys (`description`, `example`, `summary`) everywhere except where
/// they name a schema property.
fn strip_docs(value: &Value, in_properties: bool) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, v)| {
                    let doc =
                        matches!(k.as_str(), "description" | "summary") && v.is_string() || *k == "example";
                    in_properties || !doc
                })
                .map(|(k, v)| (k.clone(), strip_docs(v, k == "properties" && !in_properties)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| strip_docs(v, false)).collect()),
        other => other.clone(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_spec_serves_only_operations_of_the_reference() {
    let app = app().await;
    let (served, reference) = (served(&app).await, reference());
    let served_ops = operations(&served);
    assert!(!served_ops.is_empty());
    let mut extra = Vec::new();
    for (path, method, op) in &served_ops {
        match reference["paths"][path][method].get("operationId") {
            Some(id) => assert_eq!(&op["operationId"], id, "{method} {path}"),
            None => extra.push(format!("{} {path} ({})", method.to_uppercase(), op["operationId"])),
        }
    }
    assert!(extra.is_empty(), "operations not in the reference: {extra:#?}");
    let missing: Vec<String> = operations(&reference)
        .into_iter()
        .filter(|(path, method, _)| served["paths"][path].get(method).is_none())
        .map(|(path, method, op)| format!("{} {path} ({})", method.to_uppercase(), op["operationId"]))
        .collect();
    if !missing.is_empty() {
        eprintln!("{} reference operations not served yet:\n  {}", missing.len(), missing.join("\n  "));
    }
    // The operations this suite covers must be there.
    for id in [
        "ListTags",
        "CreateTag",
        "SearchTag",
        "GetTag",
        "UpdateTag",
        "DeleteTag",
        "ListUsers",
        "RegisterSelf",
        "RemoveUsers",
        "SearchUsers",
        "GetSelf",
        "UpdateSelf",
        "TryAdmin",
    ] {
        assert!(served_ops.iter().any(|(_, _, op)| op["operationId"] == id), "{id} is not served");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operation_ids_are_unique() {
    let app = app().await;
    let served = served(&app).await;
    let mut ids: Vec<String> = operations(&served)
        .iter()
        .map(|(_, _, op)| op["operationId"].as_str().expect("operationId").to_owned())
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn path_level_parameters_match_the_reference() {
    let app = app().await;
    let (served, reference) = (served(&app).await, reference());
    for (path, item) in served["paths"].as_object().expect("paths") {
        let ops = item.as_object().expect("path item").iter().filter(|(m, _)| METHODS.contains(&m.as_str()));
        if ops.clone().all(|(_, op)| ADDED_OPERATIONS.iter().any(|id| op["operationId"] == *id)) {
            continue;
        }
        assert_eq!(
            item.get("parameters"),
            reference["paths"][path].get("parameters"),
            "path-level parameters of {path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_parameters_match_the_reference_in_order() {
    let app = app().await;
    let (served, reference) = (served(&app).await, reference());
    let mut compared = 0;
    for (path, method, op) in operations(&served) {
        let expected = parameters(&reference["paths"][&path][&method]);
        let got = parameters(&op);
        compared += expected.len();
        assert_eq!(
            got.iter().map(|p| p["name"].clone()).collect::<Vec<_>>(),
            expected.iter().map(|p| p["name"].clone()).collect::<Vec<_>>(),
            "parameter order of {method} {path}"
        );
        for (g, e) in got.iter().zip(&expected) {
            assert_eq!(g, e, "parameter {} of {method} {path}", e["name"]);
        }
    }
    assert!(compared >= 20, "only {compared} query parameters compared");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_bodies_match_the_reference() {
    let app = app().await;
    let (served, reference) = (served(&app).await, reference());
    for (path, method, op) in operations(&served) {
        assert_eq!(
            request_body_shape(&op),
            request_body_shape(&reference["paths"][&path][&method]),
            "request body of {method} {path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_and_tags_match_the_reference() {
    let app = app().await;
    let (served, reference) = (served(&app).await, reference());
    for (path, method, op) in operations(&served) {
        let expected = &reference["paths"][&path][&method];
        let mut responses = responses_shape(&op);
        if method == "get" {
            // Revalidation, which the original lacks (docs/compatibility.md): a bodiless 304.
            let not_modified = responses.as_object_mut().unwrap().remove("304");
            assert_eq!(not_modified, Some(json!({"schema": null})), "304 of {method} {path}");
        }
        assert_eq!(responses, responses_shape(expected), "responses of {method} {path}");
        assert_eq!(op["tags"], expected["tags"], "tags of {method} {path}");
        assert!(op.get("security").is_none() || op["security"] == expected["security"], "{method} {path}");
        assert!(op["summary"].is_string(), "summary of {method} {path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_top_level_matches_the_reference() {
    let app = app().await;
    let (served, reference) = (served(&app).await, reference());
    assert_eq!(served["openapi"], "3.0.2");
    for key in ["openapi", "info", "servers", "security"] {
        assert_eq!(served[key], reference[key], "{key}");
    }
    let tags: Vec<&Value> =
        served["tags"].as_array().expect("tags").iter().filter(|t| t["name"] != HEALTH_TAG).collect();
    assert_eq!(json!(tags), reference["tags"], "tags");
    let keys = |v: &Value| v.as_object().expect("object").keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&served), keys(&reference), "top-level keys");
}

/// The pattern of the naive datetimes the server sends (contract §2.5).
const NAIVE_DATETIME: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?$";

/// The reference's component schemas with the deliberate differences of docs/compatibility.md
/// ("OpenAPI document") applied: the reference declares things the original never sends.
fn truthful(reference_schemas: &Value) -> Value {
    let mut schemas = reference_schemas.clone();
    for (name, schema) in schemas.as_object_mut().expect("schemas") {
        let not_required = |schema: &mut Value, fields: &[&str]| {
            if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
                required.retain(|f| !fields.iter().any(|x| f == x));
            }
        };
        // Naive datetimes are not RFC 3339 `date-time`s.
        for property in schema["properties"].as_object_mut().into_iter().flat_map(|p| p.values_mut()) {
            if property.get("format") == Some(&json!("date-time")) {
                let property = property.as_object_mut().expect("property");
                property.remove("format");
                property.insert("pattern".into(), json!(NAIVE_DATETIME));
            }
        }
        // Page numbers that do not exist are left out.
        if schema["properties"].get("next_num").is_some() {
            not_required(schema, &["next_num", "prev_num"]);
        }
        // A claim whose result was deleted has no `resource_id`.
        if name == "Claim" {
            not_required(schema, &["resource_id"]);
        }
        // Every error body: flaat's 401/403 fields, and `message` objects (sort, filter).
        if name == "Error" {
            let properties = schema["properties"].as_object_mut().expect("Error properties");
            for field in ["error", "error_description", "error_details"] {
                properties.insert(field.into(), json!({"type": "string"}));
            }
            properties.insert(
                "message".into(),
                json!({"anyOf": [{"type": "string"}, {"additionalProperties": {}, "type": "object"}]}),
            );
        }
    }
    schemas
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_components_match_the_reference_where_it_describes_the_wire() {
    let app = app().await;
    let (served, reference) = (served(&app).await, reference());
    let (served, reference) = (&served["components"], &reference["components"]);
    assert_eq!(served.as_object().map(|c| c.len()), reference.as_object().map(|c| c.len()));
    assert_eq!(served["securitySchemes"], reference["securitySchemes"]);
    assert_eq!(strip_docs(&served["responses"], false), strip_docs(&reference["responses"], false));
    let names = |v: &Value| v.as_object().expect("schemas").keys().cloned().collect::<Vec<_>>();
    let original = |name: &String| !ADDED_SCHEMAS.contains(&name.as_str());
    let served_names: Vec<String> = names(&served["schemas"]).into_iter().filter(original).collect();
    assert_eq!(served_names, names(&reference["schemas"]), "component schema names");
    for name in ADDED_SCHEMAS {
        assert!(served["schemas"].get(name).is_some(), "added component {name}");
    }
    let expected = truthful(&reference["schemas"]);
    let served = without_added_properties(&served["schemas"]);
    for name in names(&reference["schemas"]) {
        assert_eq!(
            strip_docs(&served[&name], false),
            strip_docs(&expected[&name], false),
            "component schema {name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backend_route_is_written_into_the_servers() {
    let app = spawn_app_with(Backend::Sqlite, &[("BACKEND_ROUTE", "/api/v1")]).await.expect("sqlite app");
    let spec = served(&app).await;
    assert_eq!(spec["servers"], json!([{"url": "/api/v1"}]));
    // The paths themselves stay relative to the server URL.
    assert!(spec["paths"].get("/tags").is_some());
    assert!(spec["paths"].get("/api/v1/tags").is_none());
}
