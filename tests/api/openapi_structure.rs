//! Properties of the whole served document: no RFC 3339 datetimes (the wire sends naive ones),
//! no dangling references.

use serde_json::Value;

use crate::openapi::{app, served};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_component_declares_an_rfc_3339_datetime() {
    let app = app().await;
    let spec = served(&app).await;
    fn formats(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(f)) = m.get("format") {
                    out.push(f.clone());
                }
                // Examples are documentation (a benchmark's JSON Schema may well use date-time).
                m.iter().filter(|(k, _)| *k != "example").for_each(|(_, v)| formats(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| formats(v, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    formats(&spec["components"], &mut found);
    assert!(!found.iter().any(|f| f == "date-time"), "{found:?}");
    assert!(found.iter().any(|f| f == "uuid"), "{found:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_referenced_component_exists() {
    let app = app().await;
    let spec = served(&app).await;
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&spec, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("external $ref {r}"));
        assert!(spec.pointer(pointer).is_some(), "dangling $ref {r}");
    }
}
