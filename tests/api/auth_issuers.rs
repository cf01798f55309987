//! OIDC hardening with several trusted issuers: client credentials shown only to the issuer
//! they belong to, identities named after the issuer that answered, rate-limited JWKS
//! refreshes, remembered refusals and concurrent lookups.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::time::{Duration, Instant};

use eosc_perf_tests::{
    TestApp,
    app::unauthenticated,
    backend_test, backend_test_with,
    oidc::{MockOidc, MockUser, SigningKey},
    spawn_app_with,
};
use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn profile(sub: &str) -> MockUser {
    MockUser::new(sub).with_email(&format!("{sub}@example.org"), true)
}

/// Two fresh mock issuers, both trusted by an app started with [`trusting`].
async fn two_issuers() -> (MockOidc, MockOidc) {
    (MockOidc::start().await, MockOidc::start().await)
}

/// `TRUSTED_OP_LIST` naming `first` then `second` (the app's own mock is not trusted).
fn trusting(first: &MockOidc, second: &MockOidc) -> String {
    format!("{},{}", first.issuer(), second.issuer())
}

/// Registers the owner of `token`, returning the new user.
async fn register(app: &TestApp, token: &str) -> Value {
    let (status, body) = app.call(Method::POST, "/users:register", Some(token), None).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// `GET /users/self` with `token`, expected to be refused as undetermined.
async fn assert_undetermined(app: &TestApp, token: &str) {
    let (status, body) = app.call(Method::GET, "/users/self", Some(token), None).await;
    assert_eq!(
        (status, body),
        (StatusCode::UNAUTHORIZED, unauthenticated("User identity could not be determined"))
    );
}

fn assert_only(presented: &[(String, String)], id: &str, secret: &str) {
    assert!(!presented.is_empty(), "the issuer was never shown its credentials");
    for (seen_id, seen_secret) in presented {
        assert_eq!((seen_id.as_str(), seen_secret.as_str()), (id, secret), "{presented:?}");
    }
}

backend_test_with!(each_issuer_is_shown_only_its_own_client_secret, |backend| {
    let (a, b) = two_issuers().await;
    a.set_client("perf-at-a", "secret-a");
    b.set_client("perf-at-b", "secret-b");
    let trusted = trusting(&a, &b);
    let table = format!("{} perf-at-a secret-a\n{} perf-at-b secret-b\n", a.issuer(), b.issuer());
    let overrides = [("TRUSTED_OP_LIST", trusted.as_str()), ("OIDC_CLIENTS", table.as_str())];
    let Some(app) = spawn_app_with(backend, &overrides).await else { return };
    let alice = register(&app, &a.opaque_token(profile("alice"))).await;
    let bob = register(&app, &b.opaque_token(profile("bob"))).await;
    assert_eq!(
        (alice["iss"].as_str(), bob["iss"].as_str()),
        (Some(a.issuer().as_str()), Some(b.issuer().as_str()))
    );
    assert_undetermined(&app, "known-to-nobody").await;
    assert_only(&a.presented_clients(), "perf-at-a", "secret-a");
    assert_only(&b.presented_clients(), "perf-at-b", "secret-b");
});

backend_test_with!(one_client_pair_is_shown_only_to_the_issuer_it_names, |backend| {
    let (a, b) = two_issuers().await;
    b.set_client("perf-at-b", "secret-b");
    let (trusted, named) = (trusting(&a, &b), b.issuer());
    let overrides = [
        ("TRUSTED_OP_LIST", trusted.as_str()),
        ("OIDC_CLIENT_ID", "perf-at-b"),
        ("OIDC_CLIENT_SECRET", "secret-b"),
        ("OIDC_CLIENT_ISSUER", named.as_str()),
    ];
    let Some(app) = spawn_app_with(backend, &overrides).await else { return };
    // The other issuer resolves its tokens through userinfo and never sees the secret.
    assert_eq!(register(&app, &a.opaque_token(profile("alice"))).await["iss"], a.issuer());
    assert_eq!(register(&app, &b.opaque_token(profile("bob"))).await["iss"], b.issuer());
    assert_eq!((a.introspection_calls(), a.presented_clients()), (0, vec![]));
    assert!(a.userinfo_calls() >= 1);
    assert_only(&b.presented_clients(), "perf-at-b", "secret-b");
});

backend_test_with!(the_identity_names_the_issuer_that_answered_not_the_one_its_json_claims, |backend| {
    // `a` answers through introspection, `b` through userinfo; each claims to be the other.
    let (a, b) = two_issuers().await;
    a.claim_issuer(&b.issuer());
    b.claim_issuer(&a.issuer());
    let (trusted, table) = (trusting(&a, &b), format!("{} eosc-perf s3cret", a.issuer()));
    let overrides = [("TRUSTED_OP_LIST", trusted.as_str()), ("OIDC_CLIENTS", table.as_str())];
    let Some(app) = spawn_app_with(backend, &overrides).await else { return };
    let by_introspection = a.opaque_token(profile("alice"));
    let by_userinfo = b.opaque_token(profile("bob"));
    let jwt = a.jwt(&profile("carol"), 300);
    for (token, issuer, sub) in
        [(&by_introspection, &a, "alice"), (&by_userinfo, &b, "bob"), (&jwt, &a, "carol")]
    {
        let registered = register(&app, token).await;
        assert_eq!(
            (registered["sub"].as_str(), registered["iss"].as_str()),
            (Some(sub), Some(issuer.issuer().as_str()))
        );
        let (status, me) = app.call(Method::GET, "/users/self", Some(token), None).await;
        assert_eq!((status, &me["iss"]), (StatusCode::OK, &json!(issuer.issuer())), "{me}");
    }
    assert!(a.introspection_calls() >= 1 && b.userinfo_calls() >= 1);
});

/// A token signed with a key the provider does not publish, under the key id `kid`.
fn unknown_kid_token(oidc: &MockOidc, n: usize) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"sub": format!("mallory-{n}"), "iss": oidc.issuer(), "iat": now, "exp": now + 300,
                        "jti": uuid::Uuid::new_v4().to_string()});
    oidc.jwt_with_kid(claims, SigningKey::Other, &format!("rotated-{n}"))
}

backend_test!(an_unknown_kid_flood_fetches_the_jwks_at_most_once_a_minute, |app| {
    let refused = unauthenticated("Could not verify JWT: unknown signing key");
    let concurrent = (0..10).map(|n| {
        let token = unknown_kid_token(&app.oidc, n);
        let app = &app;
        async move { app.call(Method::GET, "/users/self", Some(&token), None).await }
    });
    for (status, body) in join_all(concurrent).await {
        assert_eq!((status, body), (StatusCode::UNAUTHORIZED, refused.clone()));
    }
    for n in 10..30 {
        let token = unknown_kid_token(&app.oidc, n);
        let (status, body) = app.call(Method::GET, "/users/self", Some(&token), None).await;
        assert_eq!((status, body), (StatusCode::UNAUTHORIZED, refused.clone()));
    }
    // The first fetch, and at most one refresh within the minute.
    assert!((1..=2).contains(&app.oidc.jwks_calls()), "{} JWKS fetches", app.oidc.jwks_calls());
    // The known key still verifies.
    register(&app, &app.oidc.jwt(&profile("alice"), 300)).await;
});

/// Sends the same refused token 10 times at once, then 10 times in a row.
async fn flood_with_one_refused_token(app: &TestApp) {
    let token = "refused-opaque-token";
    let concurrent = (0..10).map(|_| assert_undetermined(app, token));
    join_all(concurrent).await;
    for _ in 0..10 {
        assert_undetermined(app, token).await;
    }
}

backend_test!(a_refused_opaque_token_reaches_userinfo_once_within_the_refusal_window, |app| {
    flood_with_one_refused_token(&app).await;
    assert_eq!(app.oidc.userinfo_calls(), 1);
    // Another token is asked on its own.
    assert_undetermined(&app, "another-refused-token").await;
    assert_eq!(app.oidc.userinfo_calls(), 2);
});

backend_test_with!(a_refused_opaque_token_reaches_introspection_once_within_the_refusal_window, |backend| {
    let overrides = [("OIDC_CLIENT_ID", "eosc-perf"), ("OIDC_CLIENT_SECRET", "s3cret")];
    let Some(app) = spawn_app_with(backend, &overrides).await else { return };
    flood_with_one_refused_token(&app).await;
    assert_eq!((app.oidc.introspection_calls(), app.oidc.userinfo_calls()), (1, 0));
});

backend_test_with!(a_slow_issuer_does_not_delay_the_answer_of_a_fast_one, |backend| {
    let (slow, fast) = two_issuers().await;
    slow.set_delay(Duration::from_secs(8));
    let trusted = trusting(&slow, &fast);
    let Some(app) = spawn_app_with(backend, &[("TRUSTED_OP_LIST", trusted.as_str())]).await else { return };
    // Each call to a provider times out after 2 s in tests; the fast answer must not wait for it.
    let token = fast.opaque_token(profile("alice"));
    let started = Instant::now();
    let body = register(&app, &token).await;
    assert!(started.elapsed() < Duration::from_millis(1500), "took {:?}", started.elapsed());
    assert_eq!(body["iss"], fast.issuer());
    // A token the fast issuer refuses waits for the slow one, within the timeout, and is not
    // remembered as refused: the slow issuer gave no answer.
    for _ in 0..2 {
        let started = Instant::now();
        assert_undetermined(&app, "unknown-token").await;
        assert!(started.elapsed() < Duration::from_secs(4), "took {:?}", started.elapsed());
    }
    assert_eq!(fast.userinfo_calls(), 3, "a lookup with an unanswered issuer was remembered");
});
