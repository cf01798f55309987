//! The image check calls allowed registries only (SSRF hardening): image names, redirects and
//! token realms that point elsewhere are refused before any connection, names and tags follow
//! the OCI grammar, and refusals never quote transport errors.

use eosc_perf_tests::{
    TestApp, TestUser, app::handler_error, backend_test, backend_test_with, recorder::ConnectionRecorder,
    spawn_app_with,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn body(image: &str, tag: &str) -> Value {
    json!({"docker_image": image, "docker_tag": tag, "url": "https://example.org", "json_schema": {"type": "object"}})
}

fn refused(reason: &str) -> (StatusCode, Value) {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        handler_error(422, &format!("Could not validate container image: {reason}")),
    )
}

async fn post(app: &TestApp, user: &TestUser, image: &str, tag: &str) -> (StatusCode, Value) {
    app.call(Method::POST, "/benchmarks", Some(&user.token), Some(body(image, tag))).await
}

/// Benchmarks awaiting review.
async fn pending(app: &TestApp) -> u64 {
    let (status, page) = app.get("/benchmarks?status=on_review").await;
    assert_eq!(status, StatusCode::OK);
    page["total"].as_u64().unwrap()
}

/// `127.0.0.1:<port>` of the mock registry.
fn registry_authority(app: &TestApp) -> String {
    app.registry.url().trim_start_matches("http://").to_owned()
}

backend_test!(images_naming_a_host_that_is_not_allowed_are_refused_without_a_connection, |app| {
    let internal = ConnectionRecorder::start().await;
    let port = internal.authority().rsplit_once(':').unwrap().1.to_owned();
    let alice = app.registered("alice").await;
    for image in [
        format!("{}/internal/x", internal.authority()),
        format!("localhost:{port}/internal/x"),
        format!("localhost:{port}/ubuntu"),
        format!("127.1:{port}/internal/x"),
        format!("0x7f.0.0.1:{port}/internal/x"),
        "127.0.0.1/internal/x".to_owned(),
        "localhost/internal/x".to_owned(),
    ] {
        assert_eq!(post(&app, &alice, &image, "1").await, refused("Error: registry not allowed"), "{image}");
    }
    assert_eq!(internal.connections(), 0, "no connection to the internal service");
    assert_eq!(app.registry.requests(), 0);
    assert_eq!(pending(&app).await, 0, "nothing was stored");
    app.registry.add_image("deephdc/cnn", "1.0");
    let own = format!("{}/deephdc/cnn", registry_authority(&app));
    let (status, created) = post(&app, &alice, &own, "1.0").await;
    assert_eq!(status, StatusCode::CREATED, "the IMAGE_REGISTRY_URL host is allowed: {created}");
    assert_eq!(created["docker_image"], own.as_str());
});

backend_test_with!(listed_registries_are_called_and_failures_name_no_address, |backend| {
    let listed = ConnectionRecorder::start().await;
    let overrides = [("IMAGE_REGISTRIES", listed.authority())];
    let overrides: Vec<(&str, &str)> = overrides.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let Some(app) = spawn_app_with(backend, &overrides).await else { return };
    let alice = app.registered("alice").await;
    let image = format!("{}/acme/x", listed.authority());
    assert_eq!(
        post(&app, &alice, &image, "1").await,
        refused("Error: pulling manifest"),
        "a broken connection is reported without its transport error"
    );
    assert_eq!(listed.connections(), 1, "the listed registry was called");
    assert_eq!(
        post(&app, &alice, "ghcr.io/acme/x", "1").await,
        refused("Error: registry not allowed"),
        "the list replaces the defaults"
    );
    app.registry.add_image("deephdc/cnn", "1.0");
    let (status, created) = post(&app, &alice, "deephdc/cnn", "1.0").await;
    assert_eq!(status, StatusCode::CREATED, "the default registry stays allowed: {created}");
});

backend_test!(redirects_are_followed_to_allowed_registries_only, |app| {
    let internal = ConnectionRecorder::start().await;
    let alice = app.registered("alice").await;
    app.registry.add_image("deephdc/cnn", "1.0");
    for target in [format!("http://{}", internal.authority()), format!("https://{}", internal.authority())] {
        app.registry.redirect_manifests_to(Some(&target));
        assert_eq!(
            post(&app, &alice, "deephdc/cnn", "1.0").await,
            refused("Error: registry not allowed"),
            "{target}"
        );
    }
    assert_eq!(internal.connections(), 0, "the redirect was not followed");
    assert_eq!(app.registry.manifest_requests(), 2, "only the registry itself was asked");
    assert_eq!(pending(&app).await, 0);
    app.registry.redirect_manifests_to(Some(&app.registry.relocated_url()));
    let (status, created) = post(&app, &alice, "deephdc/cnn", "1.0").await;
    assert_eq!(status, StatusCode::CREATED, "a redirect within the registry is followed: {created}");
    assert_eq!(app.registry.manifest_requests(), 4);
});

backend_test!(a_token_realm_that_is_not_allowed_is_never_called, |app| {
    let internal = ConnectionRecorder::start().await;
    let alice = app.registered("alice").await;
    app.registry.add_image("deephdc/cnn", "1.0");
    app.registry.require_token(true);
    for realm in
        [format!("http://{}/token", internal.authority()), format!("https://{}/token", internal.authority())]
    {
        app.registry.set_realm(Some(&realm));
        assert_eq!(
            post(&app, &alice, "deephdc/cnn", "1.0").await,
            refused("Error: registry not allowed"),
            "{realm}"
        );
    }
    assert_eq!(internal.connections(), 0, "the realm was not called");
    assert_eq!(app.registry.requests(), 2, "one manifest request each, no token request");
    assert_eq!(pending(&app).await, 0);
    app.registry.set_realm(None);
    let (status, created) = post(&app, &alice, "deephdc/cnn", "1.0").await;
    assert_eq!(status, StatusCode::CREATED, "the registry's own realm is used: {created}");
});

backend_test!(names_and_tags_outside_the_oci_grammar_are_refused_without_a_call, |app| {
    let alice = app.registered("alice").await;
    app.registry.add_image("deephdc/cnn", "1.0");
    app.registry.add_image("library/ubuntu", "22.04");
    let long_tag = "a".repeat(129);
    for (image, tag) in [
        ("deephdc/x/../cnn", "1.0"),
        ("deephdc/cnn", "x/../1.0"),
        ("deephdc/cnn", "1.0?"),
        ("deephdc/cnn?x=1", "1.0"),
        ("deephdc/cnn#x", "1.0"),
        ("deephdc//cnn", "1.0"),
        ("Deephdc/cnn", "1.0"),
        ("deephdc/cnn", ".1.0"),
        ("deephdc/cnn", &long_tag),
        ("deephdc/cnn@sha256:00", "1.0"),
        ("ubuntu:22.04", "22.04"),
        ("", "1.0"),
        ("deephdc/cnn", ""),
    ] {
        assert_eq!(
            post(&app, &alice, image, tag).await,
            refused("Error: manifest not found"),
            "{image:?}:{tag:?}"
        );
    }
    assert_eq!(app.registry.requests(), 0, "no registry call for names outside the grammar");
    assert_eq!(pending(&app).await, 0);
    let (status, created) = post(&app, &alice, "ubuntu", "22.04").await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
});
