//! Upload checks: their order, schema validation and dialects, duplicate tags, no mail.

use super::*;

backend_test!(upload_checks_run_in_the_documented_order, |app| {
    let f = fixture(&app).await;
    let nobody = uuid::Uuid::new_v4().to_string();
    let other = uuid::Uuid::new_v4().to_string();
    let pending_bench = id_of(&app.create_benchmark(&f.user, "pending", "1", json!({})).await);
    let pending_flavor = id_of(&app.create_flavor(&f.user, &f.site, "pending").await);
    let future = "2999-01-01T00:00:00Z";
    let bad_doc = json!({"time": "slow"});
    let cases: Vec<(String, Value, StatusCode, String)> = vec![
        (
            context(&nobody, &other, "2020-01-01T00:00:00", &[&nobody]),
            bad_doc.clone(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Execution date must include timezone".into(),
        ),
        (
            context(&nobody, &other, future, &[&nobody]),
            bad_doc.clone(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Execution date cannot be in future".into(),
        ),
        (
            context(&nobody, &other, &hours_ago(1), &[&other]),
            bad_doc.clone(),
            StatusCode::NOT_FOUND,
            format!("NoneType {nobody} not in database"),
        ),
        (
            context(&pending_bench, &other, &hours_ago(1), &[&other]),
            bad_doc.clone(),
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("Benchmark {pending_bench} not approved"),
        ),
        (
            context(&f.benchmark, &other, &hours_ago(1), &[&nobody]),
            bad_doc.clone(),
            StatusCode::NOT_FOUND,
            format!("NoneType {other} not in database"),
        ),
        (
            context(&f.benchmark, &pending_flavor, &hours_ago(1), &[&nobody]),
            bad_doc.clone(),
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("Flavor {pending_flavor} not approved"),
        ),
        (
            context(&f.benchmark, &f.flavor, &hours_ago(1), &[&nobody]),
            bad_doc.clone(),
            StatusCode::NOT_FOUND,
            format!("NoneType {nobody} not in database"),
        ),
    ];
    for (query, body, status, message) in cases {
        let (got, reply) = post_result(&app, Some(&f.user.token), &query, Some(body)).await;
        assert_eq!(got, status, "{query}: {reply}");
        assert_eq!(reply, handler_error(status.as_u16(), &message), "{query}");
    }
    let tag = id_of(&app.create_tag(&f.user, "gpu").await);
    let query = context(&f.benchmark, &f.flavor, &hours_ago(1), &[&tag, &tag]);
    let (status, reply) = post_result(&app, Some(&f.user.token), &query, Some(bad_doc)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "schema before duplicate tags: {reply}");
    assert_eq!(schema_violation(&reply).1, "deque(['time'])");
});

backend_test!(a_document_violating_the_schema_is_refused_with_the_error_and_its_path, |app| {
    let f = fixture(&app).await;
    let (status, body) = upload(&app, &f, json!({"time": "10"}), &hours_ago(1)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!((body["code"].clone(), body["status"].clone()), (json!(422), json!("Unprocessable Entity")));
    let (error, path) = schema_violation(&body);
    assert!(error.contains("integer"), "{error}");
    assert_eq!(path, "deque(['time'])");
    let (status, body) = upload(&app, &f, json!({"time": 1.5}), &hours_ago(1)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "1.5 is not an integer: {body}");
    let (status, body) = upload(&app, &f, json!({"time": 10, "extra": {"free": true}}), &hours_ago(1)).await;
    assert_eq!(status, StatusCode::CREATED, "unknown keys are allowed by the schema: {body}");
    assert_eq!(page(&app, "/results").await["total"], 1);
});

backend_test!(nested_violations_report_keys_quoted_and_array_indexes_bare, |app| {
    let f = fixture(&app).await;
    let schema = json!({
        "type": "object",
        "properties": {"a": {"type": "array", "items": {"type": "object", "properties": {"b": {"type": "number"}}}}},
    });
    let bench = approved_benchmark(&app, &f, "nested", "1", schema).await;
    let query = context(&bench, &f.flavor, &hours_ago(1), &[]);
    let doc = json!({"a": [{"b": 1}, {"b": 2.5}, {"b": "x"}]});
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(doc)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(schema_violation(&body).1, "deque(['a', 2, 'b'])");
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"a": {"b": 1}}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(schema_violation(&body).1, "deque(['a'])");
});

backend_test!(formats_are_not_asserted_and_unknown_keywords_are_ignored, |app| {
    let f = fixture(&app).await;
    let schema = json!({
        "type": "object",
        "properties": {
            "when": {"type": "string", "format": "date-time", "suggestToUser": true},
            "mail": {"type": "string", "format": "email"},
        },
    });
    let bench = approved_benchmark(&app, &f, "formats", "1", schema).await;
    let query = context(&bench, &f.flavor, &hours_ago(1), &[]);
    let doc = json!({"when": "not-a-date", "mail": "not a mail"});
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(doc.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["json"], doc);
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"when": 5}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "types still apply: {body}");
});

backend_test!(the_schema_dialect_follows_its_dollar_schema_defaulting_to_2020_12, |app| {
    let f = fixture(&app).await;
    // `prefixItems` only exists from 2020-12 on: without `$schema` it applies...
    let modern = approved_benchmark(
        &app,
        &f,
        "modern",
        "1",
        json!({
            "type": "object",
            "properties": {"p": {"prefixItems": [{"type": "integer"}]}, "d": {"$ref": "#/$defs/small"}},
            "$defs": {"small": {"type": "integer", "maximum": 5}},
        }),
    )
    .await;
    let query = context(&modern, &f.flavor, &hours_ago(1), &[]);
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"p": ["x"]}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "prefixItems applies under 2020-12: {body}");
    assert_eq!(schema_violation(&body).1, "deque(['p', 0])");
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"d": 7}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "$ref into $defs: {body}");
    assert_eq!(schema_violation(&body).1, "deque(['d'])");
    let (status, body) =
        post_result(&app, Some(&f.user.token), &query, Some(json!({"p": [1, "x"], "d": 4}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // ...while a draft-04 schema ignores it but applies its own keywords.
    let old = approved_benchmark(
        &app,
        &f,
        "old",
        "1",
        json!({
            "$schema": "http://json-schema.org/draft-04/schema#",
            "type": "object",
            "properties": {"p": {"prefixItems": [{"type": "integer"}]}, "n": {"type": "integer", "maximum": 3}},
        }),
    )
    .await;
    let query = context(&old, &f.flavor, &hours_ago(1), &[]);
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"p": ["x"]}))).await;
    assert_eq!(status, StatusCode::CREATED, "draft-04 has no prefixItems: {body}");
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"n": 4}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(schema_violation(&body).1, "deque(['n'])");
});

backend_test!(a_stored_schema_invalid_in_its_own_dialect_refuses_uploads_with_422_not_500, |app| {
    let f = fixture(&app).await;
    // Array-form `items` passes the Draft-7 check at creation but is not a 2020-12 schema.
    let broken = approved_benchmark(
        &app,
        &f,
        "broken",
        "1",
        json!({"type": "object", "properties": {"a": {"items": [{"type": "integer"}]}}}),
    )
    .await;
    let query = context(&broken, &f.flavor, &hours_ago(1), &[]);
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"a": [1]}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["errors"]["error"].is_string() && body["errors"]["path"].is_string(), "{body}");
    assert_eq!(page(&app, "/results").await["total"], 0);
});

backend_test!(duplicate_tag_ids_on_upload_conflict_and_store_nothing, |app| {
    let f = fixture(&app).await;
    let tag = id_of(&app.create_tag(&f.user, "gpu").await);
    let query = context(&f.benchmark, &f.flavor, &hours_ago(1), &[&tag, &tag]);
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"time": 1}))).await;
    assert_eq!((status, body), (StatusCode::CONFLICT, handler_error(409, "Integrity error")));
    assert_eq!(page(&app, "/results").await["total"], 0);
    let query = format!("{}&tags_ids[]={tag}", context(&f.benchmark, &f.flavor, &hours_ago(1), &[]));
    let (status, body) = post_result(&app, Some(&f.user.token), &query, Some(json!({"time": 1}))).await;
    assert_eq!(status, StatusCode::CREATED, "the bracketed form: {body}");
    assert_eq!(body["tags"][0]["id"], tag.as_str());
});

backend_test!(uploading_a_result_sends_no_mail, |app| {
    let f = fixture(&app).await;
    let before = app.settled_mails(FIXTURE_MAILS).await.len();
    let id = uploaded(&app, &f, json!({"time": 1}), &hours_ago(1)).await;
    let (status, _) = upload(&app, &f, json!({"time": "bad"}), &hours_ago(1)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let after = app.settled_mails(before).await;
    let subjects: Vec<String> = after.iter().map(|m| m.subject()).collect();
    assert_eq!(after.len(), before, "{subjects:?}");
    assert!(!after.iter().any(|m| m.data.contains(&id)), "{subjects:?}");
});

// ---------------------------------------------------------------------------------------------
// GET and DELETE /results/{id}
