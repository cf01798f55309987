//! The OpenAPI 3 document. Paperclip collects the operations from the registered handlers
//! (operationIds, summaries, tags, query parameters in order, request bodies) as Swagger 2;
//! this module turns that into the OpenAPI 3.0.2 document the original serves: query
//! parameters with their defaults, bounds and list style, path-level UUID parameters, request
//! bodies, the documented responses, the component schemas of the wire format (derived from
//! the Rust types, see `components`), global `bearerAuth` security, tags and info.
//! (Paperclip's own v2→v3 conversion drops defaults and cannot express the uuid format, hence
//! this one.) The Swagger UI page served at `/` lives in `swagger`.

mod components;
mod health;
mod responses;
mod schema;
mod swagger;
#[cfg(test)]
mod tests;

use serde_json::{Map, Value, json};

pub use components::PaginationMetadata;
pub use responses::RESPONSES;
pub use swagger::swagger_page;

const TAGS: [&str; 7] = ["benchmarks", "reports", "results", "sites", "flavors", "tags", "users"];

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// Turns paperclip's Swagger 2 document into the served OpenAPI 3 one.
pub fn finish(v2: &Value, backend_route: &str) -> Value {
    let mut paths = Map::new();
    if let Some(raw_paths) = v2.get("paths").and_then(Value::as_object) {
        for (path, item) in raw_paths {
            paths.insert(path.clone(), path_item(path, item));
        }
    }
    let components = components::components();
    json!({
        "openapi": "3.0.2",
        "info": {
            "title": "EOSC Performance API",
            "version": "1.0.0",
            "license": {"name": "MIT", "url": "https://raw.githubusercontent.com/EOSC-synergy/eosc-perf/master/LICENSE"},
        },
        "servers": [{"url": backend_route}],
        "security": [{"bearerAuth": []}],
        "tags": TAGS
            .iter()
            .map(|t| json!({"name": t, "description": format!("Operations on {t}")}))
            .chain([health::tag()])
            .collect::<Vec<_>>(),
        "paths": paths,
        "components": components,
    })
}

fn path_params(path: &str) -> Vec<String> {
    path.split('{').skip(1).filter_map(|s| s.split('}').next()).map(str::to_owned).collect()
}

fn path_item(path: &str, item: &Value) -> Value {
    let mut out = Map::new();
    let params = path_params(path);
    if !params.is_empty() {
        let list: Vec<Value> = params
            .iter()
            .map(|p| json!({"in": "path", "name": p, "required": true, "schema": {"type": "string", "format": "uuid"}}))
            .collect();
        out.insert("parameters".into(), Value::Array(list));
    }
    for method in METHODS {
        if let Some(op) = item.get(method) {
            let mut op = operation(op);
            if method == "get" && op["operationId"] != responses::EXPORT {
                responses::document_revalidation(&mut op);
            }
            out.insert(method.into(), op);
        }
    }
    Value::Object(out)
}

fn operation(v2: &Value) -> Value {
    let mut op = Map::new();
    for key in ["operationId", "summary", "description", "tags"] {
        if let Some(v) = v2.get(key) {
            op.insert(key.into(), v.clone());
        }
    }
    let mut query = Vec::new();
    for param in v2.get("parameters").and_then(Value::as_array).into_iter().flatten() {
        match param.get("in").and_then(Value::as_str) {
            Some("query" | "header") => query.push(query_param(param)),
            Some("body") => {
                let reference = param
                    .pointer("/schema/$ref")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .replace("#/definitions/", "#/components/schemas/");
                op.insert(
                    "requestBody".into(),
                    json!({"required": true, "content": {"application/json": {"schema": {"$ref": reference}}}}),
                );
            }
            _ => {}
        }
    }
    if !query.is_empty() {
        op.insert("parameters".into(), Value::Array(query));
    }
    let id = op.get("operationId").and_then(Value::as_str).unwrap_or_default().to_owned();
    if health::is_health(&id) {
        op.insert("responses".into(), health::responses(&id));
        op.insert("security".into(), json!([]));
    } else {
        op.insert("responses".into(), responses(&id));
    }
    Value::Object(op)
}

/// A Swagger 2 query parameter as OpenAPI 3: the type keywords move into `schema`, lists are
/// `style: form, explode: true`.
fn query_param(v2: &Value) -> Value {
    let mut schema = Map::new();
    for key in ["type", "format", "default", "enum", "minimum", "maximum"] {
        if let Some(v) = v2.get(key) {
            let v = match (key, v.as_f64()) {
                ("minimum" | "maximum", Some(n)) => json!(n.round() as i64),
                _ => v.clone(),
            };
            schema.insert(key.into(), v);
        }
    }
    let name = v2.get("name").and_then(Value::as_str).unwrap_or_default();
    let mut out = Map::new();
    out.insert("in".into(), v2.get("in").cloned().unwrap_or_else(|| json!("query")));
    out.insert("name".into(), json!(name));
    if let Some(d) = v2.get("description") {
        out.insert("description".into(), d.clone());
    }
    if let Some(items) = v2.get("items") {
        let mut items = items.as_object().cloned().unwrap_or_default();
        if let Some((description, example)) = item_doc(name) {
            items.insert("description".into(), json!(description));
            items.insert("example".into(), json!(example));
        }
        schema.insert("items".into(), Value::Object(items));
        out.insert("explode".into(), json!(true));
        out.insert("style".into(), json!("form"));
    }
    out.insert("schema".into(), Value::Object(schema));
    out.insert("required".into(), json!(v2.get("required").and_then(Value::as_bool).unwrap_or(false)));
    Value::Object(out)
}

/// Descriptions of list items, as the original documents them.
fn item_doc(name: &str) -> Option<(&'static str, &'static str)> {
    match name {
        "terms" => Some(("Subset expression of a string", "search_term")),
        "tags_ids" => Some(("UUID tag unique identification", "ae8aa866-79d8-4aef-8b57-424bb3cd8cdc")),
        "filters" => Some(("JSON filter condition (space sparated)", "machine.cpu.count > 4")),
        _ => None,
    }
}

fn responses(operation_id: &str) -> Value {
    if operation_id == responses::EXPORT {
        return responses::export();
    }
    let mut out = Map::new();
    if let Some((_, code, schema, has_422)) = RESPONSES.iter().find(|r| r.0 == operation_id) {
        if *has_422 {
            out.insert("422".into(), json!({"$ref": "#/components/responses/UNPROCESSABLE_ENTITY"}));
        }
        let description = match code {
            200 => "OK",
            201 => "Created",
            _ => "No Content",
        };
        let response = match schema {
            Some(s) => {
                json!({"description": description, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{s}")}}}})
            }
            None => json!({"description": description}),
        };
        out.insert(code.to_string(), response);
    }
    out.insert("default".into(), json!({"$ref": "#/components/responses/DEFAULT_ERROR"}));
    Value::Object(out)
}
