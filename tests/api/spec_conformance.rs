//! Real responses against the served OpenAPI document: each answer's body must validate
//! against the schema `/api-spec.json` declares for its operation and status (or `default`),
//! with formats checked. The schemas are OpenAPI 3.0 schema objects, validated as JSON Schema
//! draft 4 (the dialect they extend) after turning `nullable` into a `null` type.
//!
//! `.ci/schemathesis.sh` fuzzes every operation the same way; this suite pins the cases the
//! original's document got wrong (naive datetimes, absent page numbers, flaat's 401/403 bodies,
//! `message` objects, claims without `resource_id`) and what schemathesis found.

use eosc_perf_tests::{
    TestApp, backend_test,
    sample::{Sample, seed},
};
use reqwest::{Method, StatusCode};
use serde_json::{Map, Value, json};

/// The served document.
struct Document(Value);

impl Document {
    async fn of(app: &TestApp) -> Self {
        let (status, spec) = app.get("/api-spec.json").await;
        assert_eq!(status, StatusCode::OK);
        Document(spec)
    }

    /// The response object of `method template` for `status` (or `default`), `$ref` followed.
    fn response(&self, method: &Method, template: &str, status: StatusCode) -> &Value {
        let method = method.as_str().to_lowercase();
        let responses = &self.0["paths"][template][&method]["responses"];
        assert!(responses.is_object(), "{method} {template} is not documented");
        let response = responses.get(status.as_str()).or_else(|| responses.get("default"));
        let response = response.unwrap_or_else(|| panic!("{method} {template}: no response for {status}"));
        match response.get("$ref").and_then(Value::as_str) {
            Some(reference) => self.0.pointer(reference.trim_start_matches('#')).expect("response $ref"),
            None => response,
        }
    }

    /// Validates a body against the document; panics with every violation.
    fn assert_conforms(&self, method: &Method, template: &str, status: StatusCode, body: &str) {
        let response = self.response(method, template, status);
        let Some(schema) = response.pointer("/content/application~1json/schema") else {
            assert!(body.is_empty(), "{method} {template} {status}: undocumented body {body}");
            return;
        };
        let instance: Value = serde_json::from_str(body)
            .unwrap_or_else(|e| panic!("{method} {template}: not JSON ({e}): {body}"));
        let root = json!({
            "allOf": [to_draft4(schema)],
            "components": {"schemas": schemas_by_name(&self.0["components"]["schemas"])},
        });
        let validator =
            jsonschema::draft4::options().should_validate_formats(true).build(&root).expect("a valid schema");
        let errors: Vec<String> =
            validator.iter_errors(&instance).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{method} {template} {status} violates the document: {errors:#?}\n{body}");
    }
}

/// An OpenAPI 3.0 schema object as JSON Schema draft 4: `nullable: true` allows `null`;
/// OpenAPI-only annotations are dropped.
fn to_draft4(schema: &Value) -> Value {
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

/// A map from names (properties, components) to schemas: every value converted, every name kept.
fn schemas_by_name(map: &Value) -> Value {
    match map {
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), to_draft4(v))).collect()),
        other => to_draft4(other),
    }
}

/// Sends `method path` (an instance of `template`) with an optional token and raw JSON body,
/// asserts `expected`, validates the body against the document and returns it decoded
/// (`Null` when empty).
async fn check(
    app: &TestApp,
    doc: &Document,
    (method, template, path): (Method, &str, &str),
    token: Option<&str>,
    body: Option<&str>,
    expected: StatusCode,
) -> Value {
    let mut request = app.request(method.clone(), path);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.header("Content-Type", "application/json").body(body.to_owned());
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let text = response.text().await.expect("body");
    assert_eq!(status, expected, "{method} {path}: {text}");
    doc.assert_conforms(&method, template, status, &text);
    if text.is_empty() { Value::Null } else { serde_json::from_str(&text).expect("JSON") }
}

async fn setup(app: &TestApp) -> (Document, Sample) {
    let sample = seed(app, "").await;
    (Document::of(app).await, sample)
}

backend_test!(a_result_with_naive_datetimes_matches_the_document, |app| {
    let (doc, s) = setup(&app).await;
    let path = format!("/results/{}", s.result);
    let result =
        check(&app, &doc, (Method::GET, "/results/{result_id}", &path), None, None, StatusCode::OK).await;
    assert_eq!(result["execution_datetime"], "2021-09-08T20:37:10.192459");
    let path = format!("/results/{}", s.claimed_result);
    let result =
        check(&app, &doc, (Method::GET, "/results/{result_id}", &path), None, None, StatusCode::OK).await;
    assert_eq!(result["execution_datetime"], "2022-01-01T00:00:00", "whole seconds have no fraction");
    let (token, user) = (Some(s.admin.token.as_str()), Some(s.user.token.as_str()));
    for (template, path, token) in [
        ("/results", "/results".to_owned(), None),
        ("/results:search", "/results:search?terms=site".to_owned(), None),
        ("/users/self/results", "/users/self/results".to_owned(), user),
        ("/users", "/users".to_owned(), token),
        ("/users/self", "/users/self".to_owned(), token),
        ("/reports/submits", "/reports/submits".to_owned(), token),
        ("/reports/claims", "/reports/claims?status=on_review".to_owned(), token),
        ("/reports/claims/{report_id}", format!("/reports/claims/{}", s.claim), token),
        ("/results/{result_id}/uploader", format!("/results/{}/uploader", s.result), token),
        ("/benchmarks/{benchmark_id}", format!("/benchmarks/{}", s.benchmark), None),
        ("/sites/{site_id}/flavors", format!("/sites/{}/flavors", s.site), None),
        ("/flavors/{flavor_id}/site", format!("/flavors/{}/site", s.flavor), None),
    ] {
        let body = check(&app, &doc, (Method::GET, template, &path), token, None, StatusCode::OK).await;
        assert!(!body["items"].as_array().is_some_and(Vec::is_empty), "{path} is empty: {body}");
    }
});

backend_test!(pages_without_a_next_or_previous_page_match_the_document, |app| {
    let (doc, s) = setup(&app).await;
    let second = json!({"name": "cpu"}).to_string();
    check(
        &app,
        &doc,
        (Method::POST, "/tags", "/tags"),
        Some(&s.user.token),
        Some(&second),
        StatusCode::CREATED,
    )
    .await;
    let only = check(&app, &doc, (Method::GET, "/tags", "/tags"), None, None, StatusCode::OK).await;
    assert!(only.get("next_num").is_none() && only.get("prev_num").is_none(), "{only}");
    let first =
        check(&app, &doc, (Method::GET, "/tags", "/tags?per_page=1"), None, None, StatusCode::OK).await;
    assert_eq!((first.get("next_num"), first.get("prev_num")), (Some(&json!(2)), None), "{first}");
    let last = "/tags?per_page=1&page=2";
    let last = check(&app, &doc, (Method::GET, "/tags", last), None, None, StatusCode::OK).await;
    assert_eq!((last.get("next_num"), last.get("prev_num")), (None, Some(&json!(1))), "{last}");
});

backend_test!(authentication_errors_match_the_document, |app| {
    let (doc, s) = setup(&app).await;
    let tag = json!({"name": "x"}).to_string();
    let unauthenticated =
        check(&app, &doc, (Method::POST, "/tags", "/tags"), None, Some(&tag), StatusCode::UNAUTHORIZED).await;
    assert_eq!(unauthenticated["error"], "Unauthenticated");
    let bad = check(
        &app,
        &doc,
        (Method::GET, "/users/self", "/users/self"),
        Some("nope"),
        None,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(bad["error_description"], "User identity could not be determined");
    let forbidden = check(
        &app,
        &doc,
        (Method::GET, "/users", "/users"),
        Some(&s.user.token),
        None,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(forbidden["error_details"], "Evaluation of: is_admin");
    let stranger = app.registered("stranger").await;
    let path = format!("/results/{}/tags", s.result);
    let tags = json!({"tags_ids": []}).to_string();
    let not_owner = (Method::PUT, "/results/{result_id}/tags", path.as_str());
    let bare = check(&app, &doc, not_owner, Some(&stranger.token), Some(&tags), StatusCode::FORBIDDEN).await;
    assert_eq!(bare, json!({"code": 403, "status": "Forbidden"}));
});

backend_test!(validation_and_handler_errors_match_the_document, |app| {
    let (doc, s) = setup(&app).await;
    let sort = check(
        &app,
        &doc,
        (Method::GET, "/tags", "/tags?sort_by=%2Bnope"),
        None,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(sort["message"].is_object(), "{sort}");
    let operator = "/results?filters=time%20~%201";
    let filter =
        check(&app, &doc, (Method::GET, "/results", operator), None, None, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    assert!(filter["message"].is_object(), "{filter}");
    let count = "/results?filters=time";
    let filter =
        check(&app, &doc, (Method::GET, "/results", count), None, None, StatusCode::UNPROCESSABLE_ENTITY)
            .await;
    assert!(filter["errors"]["reason"].is_array(), "{filter}");
    let field = "/tags?per_page=0";
    check(&app, &doc, (Method::GET, "/tags", field), None, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    let token = Some(s.user.token.as_str());
    check(&app, &doc, (Method::POST, "/tags", "/tags"), token, Some("{"), StatusCode::BAD_REQUEST).await;
    let taken = json!({"name": "gpu"}).to_string();
    check(&app, &doc, (Method::POST, "/tags", "/tags"), token, Some(&taken), StatusCode::CONFLICT).await;
    let missing = format!("/tags/{}", uuid::Uuid::new_v4());
    check(&app, &doc, (Method::GET, "/tags/{tag_id}", &missing), None, None, StatusCode::NOT_FOUND).await;
    let admin = Some(s.admin.token.as_str());
    let approve = format!("/sites/{}:approve", s.pending_site);
    check(
        &app,
        &doc,
        (Method::POST, "/sites/{site_id}:approve", &approve),
        admin,
        None,
        StatusCode::NO_CONTENT,
    )
    .await;
    check(
        &app,
        &doc,
        (Method::POST, "/sites/{site_id}:approve", &approve),
        admin,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
});

backend_test!(a_claim_whose_result_is_gone_matches_the_document, |app| {
    let (doc, s) = setup(&app).await;
    let admin = Some(s.admin.token.as_str());
    let delete = format!("/benchmarks/{}", s.benchmark);
    check(
        &app,
        &doc,
        (Method::DELETE, "/benchmarks/{benchmark_id}", &delete),
        admin,
        None,
        StatusCode::NO_CONTENT,
    )
    .await;
    let path = format!("/reports/claims/{}", s.claim);
    let claim =
        check(&app, &doc, (Method::GET, "/reports/claims/{report_id}", &path), admin, None, StatusCode::OK)
            .await;
    assert!(claim.get("resource_id").is_none(), "{claim}");
    let claims = "/reports/claims?status=on_review";
    check(&app, &doc, (Method::GET, "/reports/claims", claims), admin, None, StatusCode::OK).await;
});

// Found by schemathesis: a page number whose offset exceeds a signed 64-bit integer made the
// database driver panic, and the connection was dropped without an answer.
backend_test!(a_page_beyond_any_database_offset_is_an_ordinary_404, |app| {
    let (doc, _) = setup(&app).await;
    for (template, path) in [
        ("/benchmarks", "/benchmarks?page=92233720368547760&per_page=100"),
        ("/tags:search", "/tags:search?page=9223372036854775807"),
        ("/results", "/results?page=9223372036854775807&per_page=2"),
    ] {
        let body = check(&app, &doc, (Method::GET, template, path), None, None, StatusCode::NOT_FOUND).await;
        assert_eq!(body, json!({"code": 404, "status": "Not Found"}), "{path}");
    }
});
