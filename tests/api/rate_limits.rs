//! Rate limits (on only where a test turns them on): per address and per identity, reads,
//! writes and failed authentications; 429 with the retry headers; `X-Forwarded-For` believed
//! only from `TRUSTED_PROXIES`.

use eosc_perf_tests::{TestApp, app::bare, backend_test_with, spawn_app_with};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// The status of `GET path` as if forwarded for `client` (no header when `None`).
async fn get_for(app: &TestApp, path: &str, client: Option<&str>) -> StatusCode {
    let mut req = app.request(Method::GET, path);
    if let Some(client) = client {
        req = req.header("X-Forwarded-For", client);
    }
    eosc_perf_tests::app::send_raw(req).await.status
}

backend_test_with!(reads_past_the_limit_get_429_with_retry_headers, |backend| {
    let vars = [("RATE_LIMITS", "on"), ("RATE_LIMIT_READ_BURST", "4"), ("RATE_LIMIT_READ_PER_MINUTE", "1")];
    let Some(app) = spawn_app_with(backend, &vars).await else { return };
    // The suite read `/api-spec.json` once at start-up: three cells are left.
    for _ in 0..3 {
        assert_eq!(get_for(&app, "/tags", None).await, StatusCode::OK);
    }
    let refused = app.raw(Method::GET, "/tags", None).await;
    assert_eq!((refused.status, refused.json()), (StatusCode::TOO_MANY_REQUESTS, bare(429)));
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    assert_eq!(refused.header("ratelimit-limit"), Some("4"));
    assert_eq!(refused.header("ratelimit-remaining"), Some("0"));
    assert_eq!(refused.header("ratelimit-reset"), Some(retry.to_string().as_str()));
    assert_eq!(get_for(&app, "/health/live", None).await, StatusCode::OK, "probes are not limited");
    let alice = app.registered("alice").await;
    let (status, _) = app.call(Method::POST, "/tags", Some(&alice.token), Some(json!({"name": "t"}))).await;
    assert_eq!(status, StatusCode::CREATED, "writes have their own bucket");
});

backend_test_with!(forwarded_addresses_count_only_behind_trusted_proxies, |backend| {
    let limited =
        [("RATE_LIMITS", "on"), ("RATE_LIMIT_READ_BURST", "2"), ("RATE_LIMIT_READ_PER_MINUTE", "1")];
    let trusting = [limited.as_slice(), &[("TRUSTED_PROXIES", "127.0.0.1/32")]].concat();
    let Some(app) = spawn_app_with(backend, &trusting).await else { return };
    for _ in 0..2 {
        assert_eq!(get_for(&app, "/tags", Some("10.0.0.1")).await, StatusCode::OK);
    }
    assert_eq!(get_for(&app, "/tags", Some("10.0.0.1")).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(get_for(&app, "/tags", Some("10.0.0.2")).await, StatusCode::OK, "another client");
    assert_eq!(
        get_for(&app, "/tags", Some("10.0.0.1, 127.0.0.1")).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the right-most untrusted hop is the client"
    );
    drop(app);

    let Some(app) = spawn_app_with(backend, &limited).await else { return };
    // The start-up read of `/api-spec.json` used the other cell of 127.0.0.1.
    assert_eq!(get_for(&app, "/tags", Some("10.0.0.1")).await, StatusCode::OK);
    assert_eq!(
        get_for(&app, "/tags", Some("10.0.0.3")).await,
        StatusCode::TOO_MANY_REQUESTS,
        "an untrusted peer's X-Forwarded-For is ignored"
    );
});

backend_test_with!(an_identity_is_limited_across_addresses, |backend| {
    let vars = [
        ("RATE_LIMITS", "on"),
        ("RATE_LIMIT_WRITE_BURST", "2"),
        ("RATE_LIMIT_WRITE_PER_MINUTE", "1"),
        ("TRUSTED_PROXIES", "127.0.0.1"),
    ];
    let Some(app) = spawn_app_with(backend, &vars).await else { return };
    let alice = app.user("alice");
    let mut statuses = Vec::new();
    for client in ["10.0.0.1", "10.0.0.2", "10.0.0.3"] {
        let req = app
            .request(Method::POST, "/users:register")
            .bearer_auth(&alice.token)
            .header("X-Forwarded-For", client);
        statuses.push(eosc_perf_tests::app::send_raw(req).await.status);
    }
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT, StatusCode::TOO_MANY_REQUESTS]);
});

backend_test_with!(failed_authentications_are_limited_per_address, |backend| {
    let vars = [
        ("RATE_LIMITS", "on"),
        ("RATE_LIMIT_FAILED_AUTH_BURST", "2"),
        ("RATE_LIMIT_FAILED_AUTH_PER_MINUTE", "1"),
    ];
    let Some(app) = spawn_app_with(backend, &vars).await else { return };
    let alice = app.registered("alice").await;
    for _ in 0..2 {
        let (status, _) = app.call(Method::GET, "/users/self", Some("epk_forged"), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let refused = app.raw(Method::GET, "/users/self", Some("epk_forged")).await;
    assert_eq!((refused.status, refused.json()), (StatusCode::TOO_MANY_REQUESTS, bare(429)));
    assert_eq!(refused.header("ratelimit-limit"), Some("2"));
    let (status, _) = app.call(Method::GET, "/users/self", Some(&alice.token), None).await;
    assert_eq!(status, StatusCode::OK, "a valid token is not refused");
});
