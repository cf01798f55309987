//! What each scope opens, and what a key without it (or any key) gets.

use eosc_perf_tests::{backend_test, sample::seed};
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{create_key, secret};

backend_test!(each_scope_opens_its_operations_only, |app| {
    let s = seed(&app, "").await;
    let upload = format!(
        "/results?execution_datetime=2024-01-01T00:00:00Z&benchmark_id={}&flavor_id={}",
        s.benchmark, s.flavor
    );
    let claim = format!("/results/{}:claim", s.result);
    let writer = secret(&create_key(&app, &s.user, &["results:write"]).await);
    let reader = secret(&create_key(&app, &s.user, &["results:read"]).await);
    let claimer = secret(&create_key(&app, &s.user, &["claims:write"]).await);
    let sub = s.user.sub.as_str();

    let (status, body) = app.call(Method::POST, &upload, Some(&writer), Some(json!({"time": 3}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    for key in [&reader, &claimer] {
        let (status, body) = app.call(Method::POST, &upload, Some(key), Some(json!({"time": 3}))).await;
        assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden(sub, "has_scope(results:write)")));
    }

    let (status, _) = app.call(Method::GET, "/users/self/results", Some(&reader), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app.call(Method::GET, "/users/self/results", Some(&writer), None).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden(sub, "has_scope(results:read)")));

    let (status, body) = app.call(Method::POST, &claim, Some(&writer), Some(json!({"message": "odd"}))).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden(sub, "has_scope(claims:write)")));
    let (status, body) =
        app.call(Method::POST, &claim, Some(&claimer), Some(json!({"message": "odd"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    // Operations no scope opens: an OIDC token is required.
    for (method, path) in [
        (Method::POST, "/tags"),
        (Method::POST, "/users/self:update"),
        (Method::GET, "/users/self"),
        (Method::GET, "/users/self/keys"),
        (Method::GET, "/users/self/claims"),
    ] {
        let (status, body) = app.call(method, path, Some(&writer), Some(json!({"name": "t"}))).await;
        assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden(sub, "is_oidc_token")), "{path}");
    }
});

backend_test!(a_key_never_grants_admin, |app| {
    let admin = app.admin("root").await;
    let key = secret(&create_key(&app, &admin, &["results:write", "results:read", "claims:write"]).await);
    let (status, body) = app.call(Method::GET, "/users/self:try_admin", Some(&key), None).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("root", "is_admin")));
    let (status, _) = app.call(Method::GET, "/users/self:try_admin", Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app.call(Method::GET, "/users", Some(&key), None).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("root", "is_admin")));
});
