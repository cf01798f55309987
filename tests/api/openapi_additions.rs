//! The additions to the original's OpenAPI document (issues 11 and 13, listed in
//! `eosc_perf_tests::additions`): served with their operationIds and described.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use serde_json::{Value, json};

use eosc_perf_tests::additions::{ADDED_HEADERS, ADDED_OPERATIONS, ADDED_SCHEMAS};

use crate::openapi::{app, served};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_additions_are_documented() {
    let app = app().await;
    let served = served(&app).await;
    let batch = &served["paths"]["/results:batch"]["post"];
    assert_eq!(batch["operationId"], "CreateResults");
    assert_eq!(batch["tags"], json!(["results"]));
    assert_eq!(
        batch["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ResultsBatch"
    );
    assert_eq!(
        batch["responses"]["201"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ResultsCreated"
    );
    for (id, header) in ADDED_HEADERS {
        let op =
            operations_with_additions(&served).into_iter().find(|op| op["operationId"] == *id).expect(id);
        let param = op["parameters"].as_array().unwrap().iter().find(|p| p["name"] == *header).cloned();
        let param = param.unwrap_or_else(|| panic!("{id} lacks {header}"));
        assert_eq!(
            (&param["in"], &param["required"], &param["schema"]["type"]),
            (&json!("header"), &json!(false), &json!("string"))
        );
    }
    for name in ADDED_SCHEMAS {
        assert!(served["components"]["schemas"][name].is_object(), "{name}");
    }
    assert_eq!(served["components"]["schemas"]["ResultsBatch"]["properties"]["results"]["maxItems"], 1000);
}

/// Every operation of a document, additions included.
fn operations_with_additions(spec: &Value) -> Vec<Value> {
    let paths = spec["paths"].as_object().expect("paths");
    paths
        .values()
        .flat_map(|item| item.as_object().expect("item").values().cloned())
        .filter(|op| op.get("operationId").is_some())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_added_operation_is_served_with_its_operation_id_and_error_response() {
    let app = app().await;
    let served = served(&app).await;
    let operations = operations_with_additions(&served);
    for id in ADDED_OPERATIONS {
        let op =
            operations.iter().find(|op| op["operationId"] == *id).unwrap_or_else(|| panic!("{id} served"));
        assert!(op["responses"]["default"].is_object(), "{id} documents its errors");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn added_operations_are_served() {
    let app = app().await;
    let spec = served(&app).await;
    for (path, id, schema) in [
        ("/results:stats", "GetResultStats", "ResultStats"),
        ("/results:ranking", "RankResults", "ResultRanking"),
    ] {
        let op = &spec["paths"][path]["get"];
        assert_eq!(op["operationId"], json!(id), "{path}");
        let ok = &op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"];
        assert_eq!(ok, &json!(format!("#/components/schemas/{schema}")), "{path}");
        assert!(op["responses"].get("422").is_some(), "{path} documents 422");
        let names: Vec<&Value> =
            op["parameters"].as_array().expect("parameters").iter().map(|p| &p["name"]).collect();
        assert!(names.contains(&&json!("metric")), "{path}: {names:?}");
    }
}
