//! Updating a benchmark.

use super::*;

backend_test!(an_admin_updates_a_benchmark_and_an_omitted_description_is_kept, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let mut sent = body("img", "1");
    sent["description"] = json!("first");
    let created = app.create_benchmark_with(&alice, sent).await;
    let id = id_of(&created);
    app.add_registry_image("new/img", "2");
    let new_schema =
        json!({"type": "object", "suggestToUser": ["x"], "properties": {"x": {"type": "string"}}});
    let update = json!({"docker_image": "new/img", "docker_tag": "2", "url": "https://example.org/new",
                        "json_schema": new_schema});
    let (status, resp) =
        app.call(Method::PUT, &format!("/benchmarks/{id}"), Some(&admin.token), Some(update)).await;
    assert_eq!((status, resp), (StatusCode::NO_CONTENT, Value::Null));
    let (_, fetched) = app.get(&format!("/benchmarks/{id}")).await;
    assert_eq!(
        fetched,
        json!({"id": id, "docker_image": "new/img", "docker_tag": "2", "url": "https://example.org/new",
               "json_schema": new_schema, "description": "first", "upload_datetime": created["upload_datetime"]})
    );
    assert_eq!(ids(&app, "/benchmarks?status=on_review").await, [id.as_str()], "the status is unchanged");
    let update = json!({"docker_image": "new/img", "docker_tag": "2", "url": "u", "json_schema": {}, "description": ""});
    let (status, _) =
        app.call(Method::PUT, &format!("/benchmarks/{id}"), Some(&admin.token), Some(update)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "the same image:tag as its own is no conflict");
    let (_, fetched) = app.get(&format!("/benchmarks/{id}")).await;
    assert_eq!((fetched["description"].clone(), fetched["json_schema"].clone()), (json!(""), json!({})));
    app.approve("benchmark", &id).await;
    let update = json!({"docker_image": "new/img", "docker_tag": "2", "url": "v", "json_schema": {}});
    let (status, _) =
        app.call(Method::PUT, &format!("/benchmarks/{id}"), Some(&admin.token), Some(update)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "approved benchmarks can be edited");
    assert_eq!(ids(&app, "/benchmarks").await, [id], "and stay approved");
});

backend_test!(updating_a_benchmark_ignores_id_and_upload_datetime_but_refuses_other_unknown_fields, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let created = app.create_benchmark(&alice, "img", "1", schema()).await;
    let id = id_of(&created);
    let path = format!("/benchmarks/{id}");
    let mut sent = body("img", "1");
    sent["url"] = json!("https://changed.example.org");
    sent["id"] = json!(uuid::Uuid::new_v4());
    sent["upload_datetime"] = json!("2000-01-01T00:00:00");
    let (status, resp) = app.call(Method::PUT, &path, Some(&admin.token), Some(sent)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{resp}");
    let (_, fetched) = app.get(&path).await;
    assert_eq!(fetched["id"], json!(id), "the id is not changed");
    assert_eq!(fetched["upload_datetime"], created["upload_datetime"], "nor the upload time");
    assert_eq!(fetched["url"], "https://changed.example.org");

    let mut sent = body("img", "1");
    sent["bad_field"] = json!("");
    sent["status"] = json!("approved");
    let (status, resp) = app.call(Method::PUT, &path, Some(&admin.token), Some(sent)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        resp,
        validation_error("json", json!({"bad_field": ["Unknown field."], "status": ["Unknown field."]}))
    );
    let mut sent = body("img", "1");
    sent.as_object_mut().unwrap().remove("url");
    sent["description"] = json!(null);
    let (status, resp) = app.call(Method::PUT, &path, Some(&admin.token), Some(sent)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "PUT is a full update");
    assert_eq!(
        resp,
        validation_error(
            "json",
            json!({"url": ["Missing data for required field."], "description": ["Field may not be null."]})
        )
    );
    let (_, after) = app.get(&path).await;
    assert_eq!(after, fetched, "refused updates change nothing");
});

backend_test!(updating_a_benchmark_needs_an_admin, |app| {
    let alice = app.registered("alice").await;
    let created = app.create_benchmark(&alice, "img", "1", schema()).await;
    let path = format!("/benchmarks/{}", id_of(&created));
    let mut sent = body("img", "1");
    sent["url"] = json!("changed");
    let (status, resp) = app.call(Method::PUT, &path, None, Some(sent.clone())).await;
    assert_eq!((status, resp), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let bob = app.user("bob");
    let (status, resp) = app.call(Method::PUT, &path, Some(&bob.token), Some(sent.clone())).await;
    assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("bob", "is_registered")));
    let (status, resp) = app.call(Method::PUT, &path, Some(&alice.token), Some(sent)).await;
    assert_eq!(
        (status, resp),
        (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")),
        "not even the uploader"
    );
    let (status, resp) = app.call(Method::PUT, &path, Some(&alice.token), Some(json!({"bad": 1}))).await;
    assert_eq!(
        (status, resp),
        (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")),
        "auth before body"
    );
    let (_, fetched) = app.get(&path).await;
    assert_eq!(fetched, created);
});

backend_test!(updating_a_benchmark_validates_the_json_schema_like_create, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let created = app.create_benchmark(&alice, "img", "1", schema()).await;
    let path = format!("/benchmarks/{}", id_of(&created));
    let mut sent = body("img", "1");
    sent["json_schema"] = json!({"type": "x"});
    let (status, resp) = app.call(Method::PUT, &path, Some(&admin.token), Some(sent)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{resp}");
    assert_eq!(resp["errors"]["path"], "deque(['type'])", "{resp}");
    assert!(resp["errors"]["error"].is_string(), "{resp}");
    let mut sent = body("img", "1");
    sent["json_schema"] = json!({"properties": {"n": {"exclusiveMaximum": true}}});
    let (status, resp) = app.call(Method::PUT, &path, Some(&admin.token), Some(sent)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{resp}");
    assert_eq!(resp["errors"]["path"], "deque(['properties', 'n', 'exclusiveMaximum'])");
    let (_, fetched) = app.get(&path).await;
    assert_eq!(fetched, created, "the invalid schema was not stored");
});

backend_test!(updating_an_unknown_benchmark_is_404_after_the_body_checks, |app| {
    let admin = app.admin("root").await;
    app.add_registry_image("img", "1");
    let id = uuid::Uuid::new_v4();
    let path = format!("/benchmarks/{id}");
    let (status, resp) = app.call(Method::PUT, &path, Some(&admin.token), Some(body("img", "1"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(resp, handler_error(404, &format!("Benchmark {id} not found in the database")));
    let (status, resp) = app.call(Method::PUT, &path, Some(&admin.token), Some(json!({}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the body is checked before existence: {resp}");
});

backend_test!(updating_a_benchmark_onto_another_image_and_tag_is_409_in_any_status, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    approved(&app, &alice, "taken", "approved").await;
    app.create_benchmark(&alice, "taken", "pending", schema()).await;
    let created = app.create_benchmark(&alice, "mine", "1", schema()).await;
    let path = format!("/benchmarks/{}", id_of(&created));
    for tag in ["approved", "pending"] {
        let (status, resp) = app.call(Method::PUT, &path, Some(&admin.token), Some(body("taken", tag))).await;
        assert_eq!(status, StatusCode::CONFLICT, "{tag}");
        assert_eq!(resp, handler_error(409, "Changes conflict submitted/existing benchmark"));
    }
    let (_, fetched) = app.get(&path).await;
    assert_eq!(fetched, created);
    app.add_registry_image("taken", "free");
    let (status, _) = app.call(Method::PUT, &path, Some(&admin.token), Some(body("taken", "free"))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
});
