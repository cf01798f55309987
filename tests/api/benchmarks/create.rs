//! Submitting and reading one benchmark.

use super::*;
use eosc_perf_tests::app::send_raw;

backend_test!(a_submitted_benchmark_is_pending_until_an_admin_approves_it, |app| {
    let alice = app.registered("alice").await;
    let created = app.create_benchmark(&alice, "deephdc/cnn", "1.0", schema()).await;
    let id = id_of(&created);
    assert_eq!(names(&app, "/benchmarks").await, Vec::<String>::new(), "pending is not listed by default");
    assert_eq!(names(&app, "/benchmarks:search").await, Vec::<String>::new());
    assert_eq!(ids(&app, "/benchmarks?status=on_review").await, [id.as_str()]);
    assert_eq!(ids(&app, "/benchmarks:search?status=on_review").await, [id.as_str()]);
    let (status, fetched) = app.get(&format!("/benchmarks/{id}")).await;
    assert_eq!(status, StatusCode::OK, "a pending benchmark is readable by anyone");
    assert_eq!(fetched, created);

    app.approve("benchmark", &id).await;
    assert_eq!(ids(&app, "/benchmarks").await, [id.as_str()]);
    assert_eq!(ids(&app, "/benchmarks?status=approved").await, [id.as_str()]);
    assert_eq!(ids(&app, "/benchmarks:search").await, [id.as_str()]);
    assert_eq!(ids(&app, "/benchmarks?status=on_review").await, Vec::<String>::new());
    let (status, fetched) = app.get(&format!("/benchmarks/{id}")).await;
    assert_eq!((status, fetched), (StatusCode::OK, created), "approval changes no field");
});

backend_test!(a_created_benchmark_is_returned_whole_with_a_fresh_id_and_naive_upload_time, |app| {
    let alice = app.registered("alice").await;
    let before = Utc::now().naive_utc();
    let mut full = body("deephdc/cnn", "1.0-gpu");
    full["description"] = json!("Convolutional benchmark");
    let created = app.create_benchmark_with(&alice, full).await;
    let after = Utc::now().naive_utc();
    let id = id_of(&created);
    let uploaded = created["upload_datetime"].as_str().unwrap().to_owned();
    assert_eq!(
        created,
        json!({"id": id, "docker_image": "deephdc/cnn", "docker_tag": "1.0-gpu", "url": "https://example.org/doc",
               "json_schema": schema(), "description": "Convolutional benchmark", "upload_datetime": uploaded})
    );
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 4);
    let at = naive(&uploaded);
    assert!(before - Duration::seconds(1) <= at && at <= after + Duration::seconds(1), "{uploaded}");
    let other = app.create_benchmark(&alice, "deephdc/cnn", "1.1", schema()).await;
    assert_ne!(other["id"], created["id"]);
});

backend_test!(a_benchmark_without_description_has_no_description_key, |app| {
    let alice = app.registered("alice").await;
    let created = app.create_benchmark(&alice, "bare", "1", schema()).await;
    let id = id_of(&created);
    assert!(created.get("description").is_none(), "{created}");
    let (_, fetched) = app.get(&format!("/benchmarks/{id}")).await;
    assert!(fetched.get("description").is_none(), "{fetched}");
    app.approve("benchmark", &id).await;
    let listed = page(&app, "/benchmarks").await;
    assert!(listed["items"][0].get("description").is_none(), "{listed}");
    assert_eq!(listed["items"][0]["id"], json!(id));
});

backend_test!(the_json_schema_comes_back_verbatim_with_custom_keywords, |app| {
    let alice = app.registered("alice").await;
    let json_schema = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "required": ["machine"],
        "properties": {
            "machine": {
                "type": "object",
                "suggestToUser": true,
                "description": "where it ran",
                "properties": {"cpu": {"type": "object", "suggestToUser": ["count", "model"]}}
            },
            "time": {"type": "number", "x-unit": "s", "suggestToUser": {"label": "Time"}}
        }
    });
    let created = app.create_benchmark(&alice, "deephdc/cnn", "1.0", json_schema.clone()).await;
    assert_eq!(created["json_schema"], json_schema);
    let id = id_of(&created);
    let (_, fetched) = app.get(&format!("/benchmarks/{id}")).await;
    assert_eq!(fetched["json_schema"], json_schema);
    app.approve("benchmark", &id).await;
    assert_eq!(page(&app, "/benchmarks").await["items"][0]["json_schema"], json_schema);
});

backend_test!(creating_a_benchmark_needs_a_token_and_a_registered_user_before_anything_else, |app| {
    app.add_registry_image("deephdc/cnn", "1.0");
    let (status, resp) = app.call(Method::POST, "/benchmarks", None, Some(body("deephdc/cnn", "1.0"))).await;
    assert_eq!((status, resp), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let (status, resp) = app.call(Method::POST, "/benchmarks", None, Some(json!({}))).await;
    assert_eq!((status, resp), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let bob = app.user("bob");
    let (status, resp) = app.call(Method::POST, "/benchmarks", Some(&bob.token), Some(json!({}))).await;
    assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("bob", "is_registered")));
    let (status, resp) =
        app.call(Method::POST, "/benchmarks", Some(&bob.token), Some(body("deephdc/cnn", "1.0"))).await;
    assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("bob", "is_registered")));
    assert_eq!(app.registry.manifest_requests(), 0, "no image check for refused callers");
    assert_eq!(page(&app, "/benchmarks?status=on_review").await["total"], 0);
});

backend_test!(creating_a_benchmark_validates_the_body_like_marshmallow, |app| {
    let alice = app.registered("alice").await;
    app.add_registry_image("img", "1");
    let missing = json!(["Missing data for required field."]);
    let without = |field: &str| {
        let mut b = body("img", "1");
        b.as_object_mut().unwrap().remove(field);
        b
    };
    let with = |field: &str, value: Value| {
        let mut b = body("img", "1");
        b[field] = value;
        b
    };
    let cases = [
        (
            json!({}),
            json!({"docker_image": missing, "docker_tag": missing, "url": missing, "json_schema": missing}),
        ),
        (without("docker_image"), json!({"docker_image": missing})),
        (without("docker_tag"), json!({"docker_tag": missing})),
        (without("url"), json!({"url": missing})),
        (without("json_schema"), json!({"json_schema": missing})),
        (with("docker_image", json!(null)), json!({"docker_image": ["Field may not be null."]})),
        (with("description", json!(null)), json!({"description": ["Field may not be null."]})),
        (with("docker_tag", json!(1)), json!({"docker_tag": ["Not a valid string."]})),
        (with("url", json!(["u"])), json!({"url": ["Not a valid string."]})),
        (with("description", json!(false)), json!({"description": ["Not a valid string."]})),
        (with("json_schema", json!("{}")), json!({"json_schema": ["Not a valid mapping type."]})),
        (with("json_schema", json!([])), json!({"json_schema": ["Not a valid mapping type."]})),
        (with("id", json!(uuid::Uuid::new_v4())), json!({"id": ["Unknown field."]})),
        (
            with("upload_datetime", json!("2020-01-01T00:00:00")),
            json!({"upload_datetime": ["Unknown field."]}),
        ),
        (with("status", json!("approved")), json!({"status": ["Unknown field."]})),
    ];
    for (sent, errors) in cases {
        let (status, resp) =
            app.call(Method::POST, "/benchmarks", Some(&alice.token), Some(sent.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{sent}");
        assert_eq!(resp, validation_error("json", errors), "{sent}");
    }
    let (status, resp) = app.call(Method::POST, "/benchmarks", Some(&alice.token), Some(json!([1]))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(resp, validation_error("json", json!({"_schema": ["Invalid input type."]})));
    let resp = send_raw(
        app.request(Method::POST, "/benchmarks")
            .bearer_auth(&alice.token)
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_eq!(resp.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        resp.json(),
        json!({"code": 400, "status": "Bad Request", "errors": {"json": ["Invalid JSON body."]}})
    );
    assert_eq!(app.registry.manifest_requests(), 0, "the image is checked after the body");
    assert_eq!(page(&app, "/benchmarks?status=on_review").await["total"], 0, "nothing was stored");
});

backend_test!(an_invalid_json_schema_is_refused_on_create_with_error_and_path, |app| {
    let alice = app.registered("alice").await;
    app.add_registry_image("img", "1");
    let cases = [
        (json!({"type": "x"}), "deque(['type'])"),
        (
            json!({"properties": {"n": {"exclusiveMaximum": true}}}),
            "deque(['properties', 'n', 'exclusiveMaximum'])",
        ),
        (
            json!({"$schema": "http://json-schema.org/draft-04/schema#", "properties": {"n": {"minimum": "0"}}}),
            "deque(['properties', 'n', 'minimum'])",
        ),
        (json!({"required": "time"}), "deque(['required'])"),
    ];
    for (json_schema, path) in cases {
        let mut sent = body("img", "1");
        sent["json_schema"] = json_schema.clone();
        let (status, resp) = app.call(Method::POST, "/benchmarks", Some(&alice.token), Some(sent)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{json_schema}: {resp}");
        assert_eq!(resp["code"], 422);
        assert_eq!(resp["status"], "Unprocessable Entity");
        assert_eq!(resp["errors"]["path"], path, "{json_schema}: {resp}");
        let error = resp["errors"]["error"].as_str().unwrap_or_else(|| panic!("no error text: {resp}"));
        assert!(!error.is_empty());
        assert_eq!(resp["errors"].as_object().unwrap().len(), 2, "{resp}");
    }
    assert_eq!(page(&app, "/benchmarks?status=on_review").await["total"], 0, "nothing was stored");
});

backend_test!(an_image_and_tag_can_be_submitted_only_once_in_any_status, |app| {
    let alice = app.registered("alice").await;
    let bob = app.registered("bob").await;
    approved(&app, &alice, "b1", "v1.0").await;
    app.create_benchmark(&alice, "b2", "v1.0", schema()).await;
    for (image, who) in [("b1", &alice), ("b2", &alice), ("b1", &bob), ("b2", &bob)] {
        let (status, resp) =
            app.call(Method::POST, "/benchmarks", Some(&who.token), Some(body(image, "v1.0"))).await;
        assert_eq!(status, StatusCode::CONFLICT, "{image}");
        assert_eq!(resp, handler_error(409, &format!("Benchmark {image}:v1.0 already submitted/exists")));
    }
    app.create_benchmark(&bob, "b1", "v2.0", schema()).await;
    app.create_benchmark(&bob, "b3", "v1.0", schema()).await;
    assert_eq!(page(&app, "/benchmarks").await["total"], 1);
    assert_eq!(name_set(&app, "/benchmarks?status=on_review").await, ["b1:v2.0", "b2:v1.0", "b3:v1.0"]);
});

backend_test!(getting_an_unknown_benchmark_is_404_with_the_benchmark_message, |app| {
    let id = uuid::Uuid::new_v4();
    let (status, body) = app.get(&format!("/benchmarks/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, handler_error(404, &format!("Benchmark {id} not found in the database")));
    let (status, body) = app.get("/benchmarks/not-a-uuid").await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
});

backend_test!(get_benchmark_refuses_any_query_parameter, |app| {
    let alice = app.registered("alice").await;
    let id = id_of(&app.create_benchmark(&alice, "img", "1", schema()).await);
    for (query, name) in [("x=1", "x"), ("status=approved", "status"), ("per_page=1", "per_page")] {
        let (status, body) = app.get(&format!("/benchmarks/{id}?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(body, validation_error("query", json!({name: ["Unknown field."]})));
    }
    let missing = uuid::Uuid::new_v4();
    let (status, body) = app.get(&format!("/benchmarks/{missing}?x=1")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the query is checked before existence");
    assert_eq!(body, validation_error("query", json!({"x": ["Unknown field."]})));
});
