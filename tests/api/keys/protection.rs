//! `PROTECTION_LEVEL=ALL`: every read needs a valid token or a key with `results:read`;
//! health probes, `/metrics`, the OpenAPI document and Swagger UI stay open.

use eosc_perf_tests::{app::unauthenticated, backend_test_with, sample::seed, spawn_app_with};
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{create_key, secret};

backend_test_with!(private_mode_closes_reads_to_anonymous_callers, |backend| {
    let Some(app) = spawn_app_with(backend, &[("PROTECTION_LEVEL", "ALL")]).await else { return };
    let s = seed(&app, "").await;
    let reader = secret(&create_key(&app, &s.user, &["results:read"]).await);
    let writer = secret(&create_key(&app, &s.user, &["results:write"]).await);
    let stranger = app.user("stranger");
    let result = format!("/results/{}", s.result);
    for path in ["/results", result.as_str(), "/benchmarks", "/sites", "/tags", "/results:search"] {
        let (status, body) = app.call(Method::GET, path, None, None).await;
        assert_eq!(
            (status, body),
            (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")),
            "{path}"
        );
        let (status, _) = app.call(Method::GET, path, Some(&stranger.token), None).await;
        assert_eq!(status, StatusCode::OK, "any valid token reads {path}");
        let (status, _) = app.call(Method::GET, path, Some(&reader), None).await;
        assert_eq!(status, StatusCode::OK, "a results:read key reads {path}");
        let (status, body) = app.call(Method::GET, path, Some(&writer), None).await;
        assert_eq!(
            (status, body),
            (StatusCode::FORBIDDEN, app.forbidden(&s.user.sub, "has_scope(results:read)"))
        );
    }
    let (status, body) = app.call(Method::GET, "/results", Some("epk_forged"), None).await;
    assert_eq!(
        (status, body),
        (StatusCode::UNAUTHORIZED, unauthenticated("User identity could not be determined"))
    );
    // A page cached for a reader is not served to an anonymous caller.
    let (status, _) = app.call(Method::GET, "/results", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let upload = format!(
        "/results?execution_datetime=2024-01-01T00:00:00Z&benchmark_id={}&flavor_id={}",
        s.benchmark, s.flavor
    );
    let (status, body) = app.call(Method::POST, &upload, Some(&writer), Some(json!({"time": 1}))).await;
    assert_eq!(status, StatusCode::CREATED, "writes keep their own rules: {body}");
    for path in ["/health/live", "/health/ready", "/api-spec.json", "/metrics", "/"] {
        let response = app.raw(Method::GET, path, None).await;
        assert_eq!(response.status, StatusCode::OK, "{path} stays open");
    }
});

backend_test_with!(writeonly_keeps_reads_public, |backend| {
    let Some(app) = spawn_app_with(backend, &[("PROTECTION_LEVEL", "WRITEONLY")]).await else { return };
    let (status, _) = app.call(Method::GET, "/results", None, None).await;
    assert_eq!(status, StatusCode::OK);
});
