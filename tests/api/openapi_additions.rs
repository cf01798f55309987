//! The additions to the original's OpenAPI document (issue 13): `POST /results:batch`, the
//! `Idempotency-Key` header and their schemas are served and described.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use serde_json::{Value, json};

use crate::openapi::{ADDED_HEADERS, ADDED_SCHEMAS, app, served};

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
