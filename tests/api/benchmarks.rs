//! `/benchmarks`: submit, list, search, get, update, delete, approve and reject.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};
use eosc_perf_tests::{
    TestApp, TestUser,
    app::{bare, handler_error, unauthenticated, validation_error},
    backend_test,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A small valid result schema.
fn schema() -> Value {
    json!({"type": "object", "properties": {"time": {"type": "number"}}})
}

/// A full create body for `image:tag`.
fn body(image: &str, tag: &str) -> Value {
    json!({"docker_image": image, "docker_tag": tag, "url": "https://example.org/doc", "json_schema": schema()})
}

fn naive(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .unwrap_or_else(|e| panic!("{text:?} is not a naive ISO datetime: {e}"))
}

/// A 200 page.
async fn page(app: &TestApp, path: &str) -> Value {
    let (status, body) = app.get(path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// `image:tag` of each item of a 200 page, in order.
async fn names(app: &TestApp, path: &str) -> Vec<String> {
    page(app, path).await["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|b| format!("{}:{}", b["docker_image"].as_str().unwrap(), b["docker_tag"].as_str().unwrap()))
        .collect()
}

/// Like [`names`], sorted (for endpoints without a default order).
async fn name_set(app: &TestApp, path: &str) -> Vec<String> {
    let mut names = names(app, path).await;
    names.sort();
    names
}

/// Ids of the items of a 200 page, in order.
async fn ids(app: &TestApp, path: &str) -> Vec<String> {
    page(app, path).await["items"].as_array().expect("items").iter().map(id_of).collect()
}

fn id_of(item: &Value) -> String {
    item["id"].as_str().expect("id").to_owned()
}

/// Creates and approves `image:tag`, returning its id.
async fn approved(app: &TestApp, user: &TestUser, image: &str, tag: &str) -> String {
    let id = id_of(&app.create_benchmark(user, image, tag, schema()).await);
    app.approve("benchmark", &id).await;
    id
}

fn sort_error(key_error: &str, hint: &str) -> Value {
    json!({"code": 422, "status": "Unprocessable Entity", "message": {"KeyError": key_error, "hint": hint}})
}

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
    let resp = app
        .request(Method::POST, "/benchmarks")
        .bearer_auth(&alice.token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
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

backend_test!(benchmarks_are_listed_by_docker_image_by_default_and_can_be_sorted, |app| {
    let alice = app.registered("alice").await;
    for (image, tag) in [("c/img", "2"), ("a/img", "9"), ("b/img", "1"), ("a/other", "5")] {
        approved(&app, &alice, image, tag).await;
    }
    assert_eq!(names(&app, "/benchmarks").await, ["a/img:9", "a/other:5", "b/img:1", "c/img:2"]);
    assert_eq!(
        names(&app, "/benchmarks?sort_by=-docker_image").await,
        ["c/img:2", "b/img:1", "a/other:5", "a/img:9"]
    );
    assert_eq!(
        names(&app, "/benchmarks?sort_by=%2Bdocker_tag").await,
        ["b/img:1", "c/img:2", "a/other:5", "a/img:9"]
    );
    assert_eq!(
        names(&app, "/benchmarks?sort_by=-docker_tag").await,
        ["a/img:9", "a/other:5", "c/img:2", "b/img:1"]
    );
    let by_time = names(&app, "/benchmarks?sort_by=%2Bupload_datetime").await;
    assert_eq!(by_time, ["c/img:2", "a/img:9", "b/img:1", "a/other:5"]);
    let by_time_desc = names(&app, "/benchmarks?sort_by=-upload_datetime").await;
    assert_eq!(by_time_desc, ["a/other:5", "b/img:1", "a/img:9", "c/img:2"]);
    let mut by_id = ids(&app, "/benchmarks").await;
    by_id.sort();
    assert_eq!(ids(&app, "/benchmarks?sort_by=%2Bid").await, by_id);
    by_id.reverse();
    assert_eq!(ids(&app, "/benchmarks?sort_by=-id").await, by_id);
});

backend_test!(benchmarks_sort_by_name_as_image_then_tag_and_by_several_keys, |app| {
    let alice = app.registered("alice").await;
    for (image, tag) in [("a/x", "2"), ("b/y", "0"), ("a/x", "1"), ("b/y", "3")] {
        approved(&app, &alice, image, tag).await;
    }
    assert_eq!(names(&app, "/benchmarks?sort_by=%2Bname").await, ["a/x:1", "a/x:2", "b/y:0", "b/y:3"]);
    assert_eq!(names(&app, "/benchmarks?sort_by=-name").await, ["b/y:3", "b/y:0", "a/x:2", "a/x:1"]);
    assert_eq!(
        names(&app, "/benchmarks?sort_by=-docker_image,%2Bdocker_tag").await,
        ["b/y:0", "b/y:3", "a/x:1", "a/x:2"]
    );
    assert_eq!(
        names(&app, "/benchmarks?sort_by=%2Bdocker_image,,-docker_tag").await,
        ["a/x:2", "a/x:1", "b/y:3", "b/y:0"]
    );
    assert_eq!(
        name_set(&app, "/benchmarks:search?sort_by=").await,
        ["a/x:1", "a/x:2", "b/y:0", "b/y:3"],
        "an empty sort_by is allowed"
    );
    assert_eq!(
        names(&app, "/benchmarks:search?sort_by=-docker_tag").await,
        ["b/y:3", "a/x:2", "a/x:1", "b/y:0"]
    );
});

backend_test!(benchmark_lists_refuse_bad_sort_keys_unknown_parameters_and_bad_values, |app| {
    for path in ["/benchmarks", "/benchmarks:search"] {
        let cases = [
            (
                "sort_by=Bad%20sort%20command",
                sort_error("Unexpected field 'ad sort command'", "Use ',' to separate fields"),
            ),
            (
                "sort_by=docker_image",
                sort_error("Unexpected field 'ocker_image'", "Use ',' to separate fields"),
            ),
            ("sort_by=%2Bunknown", sort_error("Unexpected field 'unknown'", "Use ',' to separate fields")),
            ("sort_by=%2Buploader", sort_error("Unexpected field 'uploader'", "Use ',' to separate fields")),
            (
                "sort_by=*docker_image",
                sort_error("Unknown order operator '*'", "Use '+'(asc) or '-'(desc) before sort field"),
            ),
            (
                "sort_by=+docker_image",
                sort_error("Unknown order operator ' '", "Use '+'(asc) or '-'(desc) before sort field"),
            ),
            ("bad_key=1", validation_error("query", json!({"bad_key": ["Unknown field."]}))),
            (
                "status=rejected",
                validation_error("query", json!({"status": ["Must be one of: on_review, approved."]})),
            ),
            (
                "per_page=0",
                validation_error(
                    "query",
                    json!({"per_page": ["Must be greater than or equal to 1 and less than or equal to 100."]}),
                ),
            ),
            (
                "per_page=101",
                validation_error(
                    "query",
                    json!({"per_page": ["Must be greater than or equal to 1 and less than or equal to 100."]}),
                ),
            ),
            ("page=0", validation_error("query", json!({"page": ["Must be greater than or equal to 1."]}))),
            ("page=x", validation_error("query", json!({"page": ["Not a valid integer."]}))),
            (
                "upload_before=2020-01-01T00:00:00",
                validation_error("query", json!({"upload_before": ["Not a valid date."]})),
            ),
            (
                "upload_after=yesterday",
                validation_error("query", json!({"upload_after": ["Not a valid date."]})),
            ),
        ];
        for (query, expected) in cases {
            let (status, body) = app.get(&format!("{path}?{query}")).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}?{query}: {body}");
            assert_eq!(body, expected, "{path}?{query}");
        }
    }
    let (status, body) = app.get("/benchmarks:search?docker_image=x").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "search takes no field filters");
    assert_eq!(body, validation_error("query", json!({"docker_image": ["Unknown field."]})));
    let (status, body) = app.get("/benchmarks?terms=x").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the list takes no terms");
    assert_eq!(body, validation_error("query", json!({"terms": ["Unknown field."]})));
});

backend_test!(benchmark_lists_filter_by_exact_docker_image_and_docker_tag, |app| {
    let alice = app.registered("alice").await;
    for (image, tag) in
        [("deephdc/cnn", "1.0"), ("deephdc/cnn", "2.0"), ("deephdc/cnn-gpu", "1.0"), ("other", "1.0")]
    {
        approved(&app, &alice, image, tag).await;
    }
    app.create_benchmark(&alice, "deephdc/cnn", "3.0", schema()).await;
    assert_eq!(
        name_set(&app, "/benchmarks?docker_image=deephdc/cnn").await,
        ["deephdc/cnn:1.0", "deephdc/cnn:2.0"]
    );
    assert_eq!(
        name_set(&app, "/benchmarks?docker_image=deephdc%2Fcnn").await,
        ["deephdc/cnn:1.0", "deephdc/cnn:2.0"]
    );
    assert_eq!(
        names(&app, "/benchmarks?docker_image=deephdc").await,
        Vec::<String>::new(),
        "no substring match"
    );
    assert_eq!(
        names(&app, "/benchmarks?docker_image=DEEPHDC/CNN").await,
        Vec::<String>::new(),
        "case matters"
    );
    assert_eq!(
        names(&app, "/benchmarks?docker_tag=1.0").await,
        ["deephdc/cnn:1.0", "deephdc/cnn-gpu:1.0", "other:1.0"]
    );
    assert_eq!(names(&app, "/benchmarks?docker_tag=1").await, Vec::<String>::new());
    assert_eq!(names(&app, "/benchmarks?docker_image=deephdc/cnn&docker_tag=2.0").await, ["deephdc/cnn:2.0"]);
    assert_eq!(
        names(&app, "/benchmarks?docker_image=deephdc/cnn&status=on_review").await,
        ["deephdc/cnn:3.0"]
    );
    assert_eq!(
        names(&app, "/benchmarks?docker_image[]=other&docker_image=deephdc/cnn").await,
        ["other:1.0"],
        "[] is stripped and the first value wins"
    );
});

backend_test!(benchmark_upload_date_filters_are_strict_and_take_dates_only, |app| {
    let alice = app.registered("alice").await;
    let created = app.create_benchmark(&alice, "img", "1", schema()).await;
    let id = id_of(&created);
    app.approve("benchmark", &id).await;
    let day: NaiveDate = naive(created["upload_datetime"].as_str().unwrap()).date();
    let (prev, next) = (day.pred_opt().unwrap(), day.succ_opt().unwrap());
    for path in ["/benchmarks", "/benchmarks:search"] {
        assert_eq!(
            ids(&app, &format!("{path}?upload_after={day}")).await,
            [id.as_str()],
            "after midnight of D"
        );
        assert_eq!(ids(&app, &format!("{path}?upload_after={prev}")).await, [id.as_str()]);
        assert!(ids(&app, &format!("{path}?upload_after={next}")).await.is_empty());
        assert!(ids(&app, &format!("{path}?upload_before={day}")).await.is_empty(), "before midnight of D");
        assert_eq!(ids(&app, &format!("{path}?upload_before={next}")).await, [id.as_str()]);
        assert_eq!(
            ids(&app, &format!("{path}?upload_after={prev}&upload_before={next}")).await,
            [id.as_str()]
        );
        assert!(ids(&app, &format!("{path}?upload_after={day}&upload_before={day}")).await.is_empty());
    }
    let unpadded = format!("{}-{}-{}", next.format("%Y"), next.format("%-m"), next.format("%-d"));
    assert_eq!(ids(&app, &format!("/benchmarks?upload_before={unpadded}")).await, [id.as_str()]);
    app.create_benchmark(&alice, "img", "2", schema()).await;
    assert_eq!(names(&app, &format!("/benchmarks?status=on_review&upload_after={prev}")).await, ["img:2"]);
    assert!(names(&app, &format!("/benchmarks?status=on_review&upload_before={day}")).await.is_empty());
});

/// Four approved benchmarks and one pending one for the search tests.
async fn search_fixture(app: &TestApp) {
    let alice = app.registered("alice").await;
    let described = |image: &str, tag: &str, description: &str| {
        let mut b = body(image, tag);
        b["description"] = json!(description);
        b
    };
    for sent in [
        described("deephdc/cnn", "1.0-gpu", "Convolutional network"),
        described("deephdc/lstm", "1.0-cpu", "Recurrent model on gpu"),
        body("thomas/hpl", "gpu"),
        described("ubuntu", "22.04", "A plain OS image"),
    ] {
        let id = id_of(&app.create_benchmark_with(&alice, sent).await);
        app.approve("benchmark", &id).await;
    }
    app.create_benchmark_with(&alice, described("deephdc/pending", "gpu", "not yet approved")).await;
}

backend_test!(benchmark_search_ors_image_tag_and_description_within_a_term, |app| {
    search_fixture(&app).await;
    assert_eq!(
        name_set(&app, "/benchmarks:search?terms=gpu").await,
        ["deephdc/cnn:1.0-gpu", "deephdc/lstm:1.0-cpu", "thomas/hpl:gpu"],
        "tag, description or image"
    );
    assert_eq!(
        name_set(&app, "/benchmarks:search?terms=deephdc").await,
        ["deephdc/cnn:1.0-gpu", "deephdc/lstm:1.0-cpu"]
    );
    assert_eq!(name_set(&app, "/benchmarks:search?terms=plain").await, ["ubuntu:22.04"]);
    assert_eq!(name_set(&app, "/benchmarks:search?terms=22.0").await, ["ubuntu:22.04"]);
    assert_eq!(name_set(&app, "/benchmarks:search").await.len(), 4, "no terms: every approved benchmark");
    assert_eq!(name_set(&app, "/benchmarks:search?terms=").await.len(), 4, "an empty term matches every row");
});

backend_test!(benchmark_search_ands_its_terms, |app| {
    search_fixture(&app).await;
    assert_eq!(
        name_set(&app, "/benchmarks:search?terms=gpu&terms=deephdc").await,
        ["deephdc/cnn:1.0-gpu", "deephdc/lstm:1.0-cpu"]
    );
    assert_eq!(
        name_set(&app, "/benchmarks:search?terms=gpu&terms=Recurrent").await,
        ["deephdc/lstm:1.0-cpu"]
    );
    assert_eq!(name_set(&app, "/benchmarks:search?terms[]=gpu&terms=thomas").await, ["thomas/hpl:gpu"]);
    assert!(name_set(&app, "/benchmarks:search?terms=gpu&terms=ubuntu").await.is_empty());
});

backend_test!(benchmark_search_is_case_sensitive_and_honours_status_and_sort, |app| {
    search_fixture(&app).await;
    assert_eq!(name_set(&app, "/benchmarks:search?terms=convolutional").await, Vec::<String>::new());
    assert_eq!(name_set(&app, "/benchmarks:search?terms=Convolutional").await, ["deephdc/cnn:1.0-gpu"]);
    assert_eq!(name_set(&app, "/benchmarks:search?terms=GPU").await, Vec::<String>::new());
    assert_eq!(
        name_set(&app, "/benchmarks:search?terms=gpu&status=on_review").await,
        ["deephdc/pending:gpu"]
    );
    assert_eq!(
        name_set(&app, "/benchmarks:search?terms=approved&status=on_review").await,
        ["deephdc/pending:gpu"]
    );
    assert!(name_set(&app, "/benchmarks:search?terms=approved").await.is_empty());
    assert_eq!(
        names(&app, "/benchmarks:search?terms=gpu&sort_by=-docker_image").await,
        ["thomas/hpl:gpu", "deephdc/lstm:1.0-cpu", "deephdc/cnn:1.0-gpu"]
    );
});

backend_test!(filtered_benchmark_lists_are_paginated, |app| {
    let alice = app.registered("alice").await;
    for tag in ["1", "2", "3", "4", "5"] {
        approved(&app, &alice, "paged", tag).await;
    }
    approved(&app, &alice, "other", "1").await;
    let first = page(&app, "/benchmarks?docker_image=paged&per_page=2&sort_by=%2Bdocker_tag").await;
    let items: Vec<&str> =
        first["items"].as_array().unwrap().iter().map(|b| b["docker_tag"].as_str().unwrap()).collect();
    assert_eq!(items, ["1", "2"]);
    assert_eq!(
        (first["total"].clone(), first["pages"].clone(), first["page"].clone(), first["per_page"].clone()),
        (json!(5), json!(3), json!(1), json!(2))
    );
    assert_eq!((first["has_prev"].clone(), first["has_next"].clone()), (json!(false), json!(true)));
    assert_eq!(first["next_num"], 2);
    assert!(first.get("prev_num").is_none(), "{first}");
    let last = page(&app, "/benchmarks?docker_image=paged&per_page=2&page=3&sort_by=%2Bdocker_tag").await;
    assert_eq!(last["items"].as_array().unwrap().len(), 1);
    assert_eq!(last["items"][0]["docker_tag"], "5");
    assert_eq!(
        (last["has_prev"].clone(), last["has_next"].clone(), last["prev_num"].clone()),
        (json!(true), json!(false), json!(2))
    );
    assert!(last.get("next_num").is_none(), "{last}");
    let (status, body) = app.get("/benchmarks?docker_image=paged&per_page=2&page=4").await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
    let empty = page(&app, "/benchmarks?docker_image=none").await;
    assert_eq!(
        empty,
        json!({"items": [], "total": 0, "pages": 0, "page": 1, "per_page": 100, "has_prev": false, "has_next": false})
    );
    let (status, _) = app.get("/benchmarks?docker_image=none&page=2").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let searched = page(&app, "/benchmarks:search?terms=paged&per_page=4&page=2").await;
    assert_eq!((searched["total"].clone(), searched["items"].as_array().unwrap().len()), (json!(5), 1));
});

/// Walks every page of `path` (which must not set `page`) with one item per page.
async fn walk(app: &TestApp, path: &str, total: usize) -> Vec<String> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut seen = Vec::new();
    for n in 1..=total {
        let body = page(app, &format!("{path}{sep}per_page=1&page={n}")).await;
        assert_eq!(body["total"], total, "{path}");
        seen.extend(body["items"].as_array().unwrap().iter().map(id_of));
    }
    seen
}

backend_test!(benchmarks_with_equal_sort_keys_never_repeat_or_vanish_across_pages, |app| {
    let alice = app.registered("alice").await;
    let mut all = Vec::new();
    for tag in ["a", "b", "c", "d", "e", "f"] {
        all.push(approved(&app, &alice, "same/image", tag).await);
    }
    all.sort();
    for path in [
        "/benchmarks",
        "/benchmarks?sort_by=%2Bdocker_image",
        "/benchmarks?sort_by=-docker_image",
        "/benchmarks:search",
        "/benchmarks:search?terms=same",
        "/benchmarks?sort_by=%2Burl",
    ] {
        let mut seen = walk(&app, path, all.len()).await;
        let first_walk = seen.clone();
        assert_eq!(walk(&app, path, all.len()).await, first_walk, "{path}: the order is stable");
        seen.sort();
        assert_eq!(seen, all, "{path}: every item exactly once");
    }
});

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

backend_test!(an_admin_deletes_a_benchmark_in_any_status, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let pending = id_of(&app.create_benchmark(&alice, "img", "pending", schema()).await);
    let accepted = approved(&app, &alice, "img", "approved").await;
    for id in [&pending, &accepted] {
        let path = format!("/benchmarks/{id}");
        let (status, resp) = app.call(Method::DELETE, &path, Some(&admin.token), None).await;
        assert_eq!((status, resp), (StatusCode::NO_CONTENT, Value::Null));
        let (status, resp) = app.get(&path).await;
        assert_eq!(
            (status, resp),
            (StatusCode::NOT_FOUND, handler_error(404, &format!("Benchmark {id} not found in the database")))
        );
        let (status, resp) = app.call(Method::DELETE, &path, Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "a second delete");
        assert_eq!(resp, handler_error(404, &format!("Benchmark {id} not found in the database")));
    }
    assert_eq!(page(&app, "/benchmarks").await["total"], 0);
    assert_eq!(page(&app, "/benchmarks?status=on_review").await["total"], 0);
    app.create_benchmark(&alice, "img", "pending", schema()).await;
});

backend_test!(deleting_a_benchmark_needs_an_admin_and_refuses_query_parameters, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let id = id_of(&app.create_benchmark(&alice, "img", "1", schema()).await);
    let path = format!("/benchmarks/{id}");
    let (status, resp) = app.call(Method::DELETE, &path, None, None).await;
    assert_eq!((status, resp), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let (status, resp) = app.call(Method::DELETE, &path, Some(&alice.token), None).await;
    assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")));
    let (status, resp) = app.call(Method::DELETE, &format!("{path}?force=1"), Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(resp, validation_error("query", json!({"force": ["Unknown field."]})));
    let (status, resp) = app.call(Method::DELETE, &format!("{path}?force=1"), Some(&alice.token), None).await;
    assert_eq!(
        (status, resp),
        (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")),
        "auth before query"
    );
    let (status, _) = app.get(&path).await;
    assert_eq!(status, StatusCode::OK, "still there");
});

backend_test!(approving_or_rejecting_an_approved_benchmark_is_422, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let id = approved(&app, &alice, "img", "1").await;
    for verb in ["approve", "reject"] {
        let (status, resp) =
            app.call(Method::POST, &format!("/benchmarks/{id}:{verb}"), Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{verb}");
        assert_eq!(resp, handler_error(422, &format!("Benchmark {id} was already approved")), "{verb}");
    }
    assert_eq!(ids(&app, "/benchmarks").await, [id], "still approved");
});

backend_test!(rejecting_a_pending_benchmark_deletes_it_and_a_second_reject_is_404, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let id = id_of(&app.create_benchmark(&alice, "img", "1", schema()).await);
    let (status, resp) =
        app.call(Method::POST, &format!("/benchmarks/{id}:reject"), Some(&admin.token), None).await;
    assert_eq!((status, resp), (StatusCode::NO_CONTENT, Value::Null));
    let not_found = handler_error(404, &format!("Benchmark {id} not found in the database"));
    let (status, resp) = app.get(&format!("/benchmarks/{id}")).await;
    assert_eq!((status, resp), (StatusCode::NOT_FOUND, not_found.clone()));
    for verb in ["reject", "approve"] {
        let (status, resp) =
            app.call(Method::POST, &format!("/benchmarks/{id}:{verb}"), Some(&admin.token), None).await;
        assert_eq!((status, resp), (StatusCode::NOT_FOUND, not_found.clone()), "{verb}");
    }
    assert_eq!(page(&app, "/benchmarks?status=on_review").await["total"], 0);
    app.create_benchmark(&alice, "img", "1", schema()).await;
});

backend_test!(approve_and_reject_need_an_admin_and_refuse_query_parameters, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let id = id_of(&app.create_benchmark(&alice, "img", "1", schema()).await);
    for verb in ["approve", "reject"] {
        let path = format!("/benchmarks/{id}:{verb}");
        let (status, resp) = app.call(Method::POST, &path, None, None).await;
        assert_eq!((status, resp), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
        let bob = app.user("bob");
        let (status, resp) = app.call(Method::POST, &path, Some(&bob.token), None).await;
        assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("bob", "is_registered")));
        let (status, resp) = app.call(Method::POST, &path, Some(&alice.token), None).await;
        assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")), "{verb}");
        let (status, resp) = app.call(Method::POST, &format!("{path}?x=1"), Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{verb}");
        assert_eq!(resp, validation_error("query", json!({"x": ["Unknown field."]})));
    }
    let missing = uuid::Uuid::new_v4();
    let (status, resp) =
        app.call(Method::POST, &format!("/benchmarks/{missing}:approve?x=1"), Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "query before existence: {resp}");
    let (status, resp) =
        app.call(Method::POST, &format!("/benchmarks/{missing}:approve"), Some(&admin.token), None).await;
    assert_eq!(
        (status, resp),
        (
            StatusCode::NOT_FOUND,
            handler_error(404, &format!("Benchmark {missing} not found in the database"))
        )
    );
    assert_eq!(ids(&app, "/benchmarks?status=on_review").await, [id], "nothing was decided");
});
