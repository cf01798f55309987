//! The container image check of `POST /benchmarks` and `PUT /benchmarks/{id}` (§6.4, Q23)
//! against the mock registry.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use eosc_perf_tests::{
    TestApp, TestUser,
    app::{handler_error, validation_error},
    backend_test, backend_test_with, spawn_app_with,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn body(image: &str, tag: &str) -> Value {
    json!({"docker_image": image, "docker_tag": tag, "url": "https://example.org", "json_schema": {"type": "object"}})
}

fn refused(reason: &str) -> Value {
    handler_error(422, &format!("Could not validate container image: {reason}"))
}

async fn post(app: &TestApp, user: &TestUser, sent: Value) -> (StatusCode, Value) {
    app.call(Method::POST, "/benchmarks", Some(&user.token), Some(sent)).await
}

/// Number of benchmarks in any status.
async fn stored(app: &TestApp) -> u64 {
    let mut total = 0;
    for status in ["approved", "on_review"] {
        let (code, page) = app.get(&format!("/benchmarks?status={status}")).await;
        assert_eq!(code, StatusCode::OK);
        total += page["total"].as_u64().unwrap();
    }
    total
}

backend_test!(an_image_found_in_the_registry_is_accepted, |app| {
    let alice = app.registered("alice").await;
    app.registry.add_image("deephdc/deep-oc-benchmarks_cnn", "1.0.2-gpu");
    let (status, created) = post(&app, &alice, body("deephdc/deep-oc-benchmarks_cnn", "1.0.2-gpu")).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert!(app.registry.manifest_requests() >= 1, "the registry was asked");
    assert_eq!(created["docker_image"], "deephdc/deep-oc-benchmarks_cnn");
});

backend_test!(an_unknown_image_or_tag_is_refused_with_manifest_not_found, |app| {
    let alice = app.registered("alice").await;
    app.registry.add_image("deephdc/cnn", "1.0");
    for (image, tag) in [("deephdc/cnn", "2.0"), ("deephdc/other", "1.0"), ("deephdc/cnn", "latest")] {
        let (status, resp) = post(&app, &alice, body(image, tag)).await;
        assert_eq!(
            (status, resp),
            (StatusCode::UNPROCESSABLE_ENTITY, refused("Error: manifest not found")),
            "{image}:{tag}"
        );
    }
    assert_eq!(stored(&app).await, 0, "nothing was stored");
    let admin = app.admin("root").await;
    let (_, submits) = app.call(Method::GET, "/reports/submits", Some(&admin.token), None).await;
    assert_eq!(submits["total"], 0, "and nothing awaits review");
});

backend_test!(images_without_a_slash_are_official_images_under_library, |app| {
    let alice = app.registered("alice").await;
    app.registry.add_image("ubuntu", "22.04");
    let (status, resp) = post(&app, &alice, body("ubuntu", "22.04")).await;
    assert_eq!((status, resp), (StatusCode::UNPROCESSABLE_ENTITY, refused("Error: manifest not found")));
    app.registry.add_image("library/ubuntu", "22.04");
    let (status, created) = post(&app, &alice, body("ubuntu", "22.04")).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["docker_image"], "ubuntu", "the name is stored as given");
    app.registry.add_image("library/debian", "12");
    let (status, resp) = post(&app, &alice, body("library/debian", "12")).await;
    assert_eq!(status, StatusCode::CREATED, "{resp}");
});

backend_test!(a_private_image_is_refused_as_not_authorized, |app| {
    let alice = app.registered("alice").await;
    app.registry.add_image("acme/secret", "1");
    app.registry.add_private("acme/secret");
    let (status, resp) = post(&app, &alice, body("acme/secret", "1")).await;
    assert_eq!((status, resp), (StatusCode::UNPROCESSABLE_ENTITY, refused("Error: not authorized")));
    app.registry.require_token(true);
    let (status, resp) = post(&app, &alice, body("acme/secret", "1")).await;
    assert_eq!(
        (status, resp),
        (StatusCode::UNPROCESSABLE_ENTITY, refused("Error: not authorized")),
        "even with a token"
    );
    assert_eq!(stored(&app).await, 0);
});

backend_test!(a_failing_registry_is_refused_as_pulling_manifest, |app| {
    let alice = app.registered("alice").await;
    app.registry.add_image("deephdc/cnn", "1.0");
    app.registry.set_down(true);
    let (status, resp) = post(&app, &alice, body("deephdc/cnn", "1.0")).await;
    assert_eq!((status, resp), (StatusCode::UNPROCESSABLE_ENTITY, refused("Error: pulling manifest")));
    assert_eq!(stored(&app).await, 0);
    app.registry.set_down(false);
    let (status, resp) = post(&app, &alice, body("deephdc/cnn", "1.0")).await;
    assert_eq!(status, StatusCode::CREATED, "accepted once the registry is back: {resp}");
});

backend_test!(the_anonymous_token_flow_is_followed, |app| {
    let alice = app.registered("alice").await;
    app.registry.require_token(true);
    app.registry.add_image("deephdc/cnn", "1.0");
    let (status, resp) = post(&app, &alice, body("deephdc/cnn", "1.0")).await;
    assert_eq!(status, StatusCode::CREATED, "{resp}");
    let (status, resp) = post(&app, &alice, body("deephdc/cnn", "2.0")).await;
    assert_eq!(
        (status, resp),
        (StatusCode::UNPROCESSABLE_ENTITY, refused("Error: manifest not found")),
        "with a token"
    );
});

backend_test!(the_image_is_checked_after_auth_and_body_but_before_the_schema, |app| {
    let alice = app.registered("alice").await;
    let (status, _) = app.call(Method::POST, "/benchmarks", None, Some(body("deephdc/cnn", "1.0"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let mut incomplete = body("deephdc/cnn", "1.0");
    incomplete.as_object_mut().unwrap().remove("url");
    let (status, resp) = post(&app, &alice, incomplete).await;
    assert_eq!(
        (status, resp),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            validation_error("json", json!({"url": ["Missing data for required field."]}))
        )
    );
    assert_eq!(app.registry.manifest_requests(), 0, "no registry call for refused requests");
    let mut bad_schema = body("deephdc/cnn", "1.0");
    bad_schema["json_schema"] = json!({"type": "x"});
    let (status, resp) = post(&app, &alice, bad_schema.clone()).await;
    assert_eq!((status, resp), (StatusCode::UNPROCESSABLE_ENTITY, refused("Error: manifest not found")));
    app.registry.add_image("deephdc/cnn", "1.0");
    let (status, resp) = post(&app, &alice, bad_schema).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(resp["errors"]["path"], "deque(['type'])", "then the schema: {resp}");
});

backend_test!(the_image_is_checked_before_the_conflict_on_create, |app| {
    let alice = app.registered("alice").await;
    app.create_benchmark(&alice, "deephdc/cnn", "1.0", json!({})).await;
    let (status, resp) = post(&app, &alice, body("deephdc/cnn", "1.0")).await;
    assert_eq!(
        (status, resp),
        (StatusCode::CONFLICT, handler_error(409, "Benchmark deephdc/cnn:1.0 already submitted/exists"))
    );
    app.registry.set_down(true);
    let (status, resp) = post(&app, &alice, body("deephdc/cnn", "1.0")).await;
    assert_eq!(
        (status, resp),
        (StatusCode::UNPROCESSABLE_ENTITY, refused("Error: pulling manifest")),
        "422 rather than 409"
    );
});

backend_test!(updates_are_checked_too_before_404_and_409, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let created = app.create_benchmark(&alice, "deephdc/cnn", "1.0", json!({})).await;
    app.create_benchmark(&alice, "deephdc/cnn", "2.0", json!({})).await;
    let path = format!("/benchmarks/{}", created["id"].as_str().unwrap());
    let (status, resp) =
        app.call(Method::PUT, &path, Some(&admin.token), Some(body("deephdc/cnn", "3.0"))).await;
    assert_eq!((status, resp), (StatusCode::UNPROCESSABLE_ENTITY, refused("Error: manifest not found")));
    let (_, fetched) = app.get(&path).await;
    assert_eq!(fetched, created, "unchanged");
    let missing = format!("/benchmarks/{}", uuid::Uuid::new_v4());
    let (status, resp) =
        app.call(Method::PUT, &missing, Some(&admin.token), Some(body("deephdc/cnn", "3.0"))).await;
    assert_eq!(
        (status, resp),
        (StatusCode::UNPROCESSABLE_ENTITY, refused("Error: manifest not found")),
        "422 rather than 404"
    );
    app.registry.set_down(true);
    let (status, resp) =
        app.call(Method::PUT, &path, Some(&admin.token), Some(body("deephdc/cnn", "2.0"))).await;
    assert_eq!(
        (status, resp),
        (StatusCode::UNPROCESSABLE_ENTITY, refused("Error: pulling manifest")),
        "422 rather than 409"
    );
    let (status, resp) =
        app.call(Method::PUT, &path, Some(&admin.token), Some(body("deephdc/cnn", "1.0"))).await;
    assert_eq!(
        (status, resp),
        (StatusCode::UNPROCESSABLE_ENTITY, refused("Error: pulling manifest")),
        "even an unchanged image is checked again"
    );
    app.registry.set_down(false);
    app.registry.add_image("deephdc/cnn", "3.0");
    let (status, resp) =
        app.call(Method::PUT, &path, Some(&admin.token), Some(body("deephdc/cnn", "3.0"))).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{resp}");
    let (status, _) = app.call(Method::PUT, &path, Some(&alice.token), Some(body("nope", "0"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "auth first");
});

backend_test_with!(with_the_image_check_off_the_registry_is_never_asked, |backend| {
    let Some(app) = spawn_app_with(backend, &[("IMAGE_CHECK", "off")]).await else { return };
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    app.registry.set_down(true);
    let (status, created) = post(&app, &alice, body("not/in-the-registry", "1")).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, resp) = post(&app, &alice, body("not/in-the-registry", "1")).await;
    assert_eq!(status, StatusCode::CONFLICT, "the other checks still apply: {resp}");
    let mut bad_schema = body("other", "1");
    bad_schema["json_schema"] = json!({"type": "x"});
    let (status, _) = post(&app, &alice, bad_schema).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let path = format!("/benchmarks/{}", created["id"].as_str().unwrap());
    let (status, resp) =
        app.call(Method::PUT, &path, Some(&admin.token), Some(body("also/missing", "2"))).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{resp}");
    let missing = format!("/benchmarks/{}", uuid::Uuid::new_v4());
    let (status, _) =
        app.call(Method::PUT, &missing, Some(&admin.token), Some(body("also/missing", "2"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.registry.manifest_requests(), 0);
});
