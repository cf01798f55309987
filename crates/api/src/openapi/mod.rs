//! The OpenAPI 3 document. Paperclip collects the operations from the registered handlers
//! (operationIds, summaries, tags, query parameters in order, request bodies); this module
//! finishes the document the way the original serves it: path-level UUID parameters, the
//! documented responses, the component schemas of the wire format, global `bearerAuth`
//! security, tags and info.

mod responses;

use serde_json::{Map, Value, json};

pub use responses::RESPONSES;

const COMPONENTS: &str = include_str!("components.json");

const TAGS: [&str; 7] = ["benchmarks", "reports", "results", "sites", "flavors", "tags", "users"];

/// Turns paperclip's converted document into the served one.
pub fn finish(raw: &Value, backend_route: &str) -> Value {
    let mut paths = Map::new();
    if let Some(raw_paths) = raw.get("paths").and_then(Value::as_object) {
        for (path, item) in raw_paths {
            paths.insert(path.clone(), finish_path(path, item));
        }
    }
    let components: Value = serde_json::from_str(COMPONENTS).unwrap_or_else(|_| json!({}));
    json!({
        "openapi": "3.0.2",
        "info": {
            "title": "EOSC Performance API",
            "version": "1.0.0",
            "license": {"name": "MIT", "url": "https://raw.githubusercontent.com/EOSC-synergy/eosc-perf/master/LICENSE"},
        },
        "servers": [{"url": backend_route}],
        "security": [{"bearerAuth": []}],
        "tags": TAGS.iter().map(|t| json!({"name": t, "description": format!("Operations on {t}")})).collect::<Vec<_>>(),
        "paths": paths,
        "components": components,
    })
}

fn path_params(path: &str) -> Vec<String> {
    path.split('{').skip(1).filter_map(|s| s.split('}').next()).map(str::to_owned).collect()
}

fn finish_path(path: &str, item: &Value) -> Value {
    let mut out = Map::new();
    let params = path_params(path);
    if !params.is_empty() {
        let list: Vec<Value> = params
            .iter()
            .map(|p| json!({"in": "path", "name": p, "required": true, "schema": {"type": "string", "format": "uuid"}}))
            .collect();
        out.insert("parameters".into(), Value::Array(list));
    }
    if let Some(ops) = item.as_object() {
        for (method, op) in ops.iter().filter(|(m, _)| *m != "parameters") {
            out.insert(method.clone(), finish_operation(op));
        }
    }
    Value::Object(out)
}

fn finish_operation(op: &Value) -> Value {
    let mut op = op.as_object().cloned().unwrap_or_default();
    op.remove("security");
    let query: Vec<Value> = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|ps| ps.iter().filter(|p| p.get("in") == Some(&json!("query"))).cloned().collect())
        .unwrap_or_default();
    if query.is_empty() {
        op.remove("parameters");
    } else {
        op.insert("parameters".into(), Value::Array(query));
    }
    if let Some(body) = op.get_mut("requestBody").and_then(Value::as_object_mut) {
        body.insert("required".into(), json!(true));
        if let Some(content) = body.get("content").and_then(Value::as_object).cloned() {
            let schema = content.values().next().and_then(|c| c.get("schema")).cloned().unwrap_or(json!({}));
            body.insert("content".into(), json!({"application/json": {"schema": schema}}));
        }
    }
    let id = op.get("operationId").and_then(Value::as_str).unwrap_or_default().to_owned();
    op.insert("responses".into(), responses(&id));
    Value::Object(op)
}

fn responses(operation_id: &str) -> Value {
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

#[cfg(test)]
mod tests {
    #[test]
    fn path_parameters_are_read_from_the_template() {
        assert_eq!(super::path_params("/results/{result_id}:claim"), vec!["result_id"]);
        assert!(super::path_params("/results").is_empty());
    }
}
