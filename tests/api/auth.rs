//! Authentication through the mock OIDC provider: opaque tokens (userinfo or introspection),
//! JWTs verified against the JWKS, trusted issuers, timeouts, the identity cache, and the
//! flaat-shaped 401 bodies.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::time::{Duration, Instant};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use eosc_perf_tests::{
    TestApp,
    app::{ADMIN_ENTITLEMENT, RawResponse, send_raw, unauthenticated},
    backend_test, backend_test_with,
    oidc::{MockOidc, MockUser, SigningKey},
    spawn_app_with,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Every endpoint that needs a token, with a body where it takes one.
fn protected(tag_id: &str) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (Method::POST, "/tags".into(), Some(json!({"name": "x"}))),
        (Method::PUT, format!("/tags/{tag_id}"), Some(json!({"name": "x"}))),
        (Method::DELETE, format!("/tags/{tag_id}"), None),
        (Method::GET, "/users".into(), None),
        (Method::POST, "/users:register".into(), None),
        (Method::POST, "/users:remove?sub=x".into(), None),
        (Method::GET, "/users:search".into(), None),
        (Method::GET, "/users/self".into(), None),
        (Method::POST, "/users/self:update".into(), None),
        (Method::GET, "/users/self:try_admin".into(), None),
    ]
}

/// `GET /users/self` with an `Authorization` header (or none).
async fn self_with(app: &TestApp, authorization: Option<&str>) -> RawResponse {
    let mut req = app.request(Method::GET, "/users/self");
    if let Some(value) = authorization {
        req = req.header("Authorization", value);
    }
    send_raw(req).await
}

/// Asserts a flaat 401 with `WWW-Authenticate: Bearer`; returns its description.
fn assert_401(resp: &RawResponse) -> String {
    assert_eq!(resp.status, StatusCode::UNAUTHORIZED, "{}", resp.text);
    assert_eq!(resp.header("www-authenticate"), Some("Bearer"), "{}", resp.text);
    assert_eq!(resp.header("content-type"), Some("application/json"));
    let body = resp.json();
    assert_eq!(body["error"], "Unauthenticated", "{body}");
    assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
    body["error_description"].as_str().expect("error_description").to_owned()
}

/// Claims of a token minted by `oidc` for `user`, valid `ttl` seconds.
fn claims(oidc: &MockOidc, user: &MockUser, ttl: i64) -> serde_json::Map<String, Value> {
    let now = chrono::Utc::now().timestamp();
    let mut map = serde_json::Map::new();
    map.insert("sub".into(), json!(user.sub));
    if let Some(email) = &user.email {
        map.insert("email".into(), json!(email));
        map.insert("email_verified".into(), json!(true));
    }
    map.insert("iss".into(), json!(oidc.issuer()));
    map.insert("iat".into(), json!(now));
    map.insert("exp".into(), json!(now + ttl));
    map
}

fn profile(sub: &str) -> MockUser {
    MockUser::new(sub).with_email(&format!("{sub}@example.org"), true)
}

fn total_calls(oidc: &MockOidc) -> usize {
    oidc.discovery_calls() + oidc.jwks_calls() + oidc.userinfo_calls() + oidc.introspection_calls()
}

backend_test!(an_opaque_token_is_resolved_through_userinfo, |app| {
    let token = app.oidc.opaque_token(profile("alice"));
    let (status, body) = app.call(Method::POST, "/users:register", Some(&token), None).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!((body["sub"].as_str(), body["email"].as_str()), (Some("alice"), Some("alice@example.org")));
    assert_eq!(body["iss"], app.oidc.issuer());
    assert!(app.oidc.userinfo_calls() >= 1);
    assert_eq!(app.oidc.introspection_calls(), 0, "no client credentials: no introspection");
});

backend_test!(a_valid_jwt_is_verified_against_the_jwks, |app| {
    let token = app.oidc.jwt(&profile("jwt-user"), 300);
    let (status, body) = app.call(Method::POST, "/users:register", Some(&token), None).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["sub"], "jwt-user");
    assert_eq!(body["iss"], app.oidc.issuer());
    assert!(app.oidc.jwks_calls() >= 1, "the signature was checked against the JWKS");
    let (status, _) = app.call(Method::GET, "/users/self", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
});

backend_test!(an_expired_jwt_is_refused, |app| {
    let alice = profile("alice");
    let valid = app.oidc.jwt(&alice, 300);
    let (status, _) = app.call(Method::POST, "/users:register", Some(&valid), None).await;
    assert_eq!(status, StatusCode::CREATED);
    let expired = app.oidc.jwt(&alice, -30);
    let description = assert_401(&self_with(&app, Some(&format!("Bearer {expired}"))).await);
    assert!(!description.is_empty());
});

backend_test!(a_jwt_signed_by_another_key_is_refused, |app| {
    let alice = profile("alice");
    let valid = app.oidc.jwt(&alice, 300);
    let (status, _) = app.call(Method::POST, "/users:register", Some(&valid), None).await;
    assert_eq!(status, StatusCode::CREATED);
    let forged = app.oidc.jwt_with(Value::Object(claims(&app.oidc, &alice, 300)), SigningKey::Other);
    let description = assert_401(&self_with(&app, Some(&format!("Bearer {forged}"))).await);
    assert!(description.starts_with("Could not verify JWT"), "{description}");
});

backend_test!(a_jwt_with_a_tampered_payload_is_refused, |app| {
    app.admin("root").await;
    let mallory = app.oidc.jwt(&profile("mallory"), 300);
    let parts: Vec<&str> = mallory.split('.').collect();
    let mut payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    payload["sub"] = json!("root");
    payload["eduperson_entitlement"] = json!([ADMIN_ENTITLEMENT]);
    let tampered = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(payload.to_string()), parts[2]);
    let resp = send_raw(app.request(Method::GET, "/users/self:try_admin").bearer_auth(&tampered)).await;
    let description = assert_401(&resp);
    assert!(description.starts_with("Could not verify JWT"), "{description}");
});

backend_test!(a_jwt_from_an_untrusted_issuer_is_refused_without_contacting_it, |app| {
    let stranger = MockOidc::start().await;
    let token = stranger.jwt(&profile("alice"), 300);
    let resp = self_with(&app, Some(&format!("Bearer {token}"))).await;
    assert_eq!(assert_401(&resp), format!("Issuer is not trusted: {}", stranger.issuer()));
    assert_eq!(resp.json(), unauthenticated(&format!("Issuer is not trusted: {}", stranger.issuer())));
    assert_eq!(total_calls(&stranger), 0, "the untrusted issuer was contacted");
    // Even when signed with the trusted provider's own key.
    let mut forged = claims(&app.oidc, &profile("alice"), 300);
    forged.insert("iss".into(), json!("https://evil.example.org"));
    let token = app.oidc.jwt_with(Value::Object(forged), SigningKey::Provider);
    let resp = self_with(&app, Some(&format!("Bearer {token}"))).await;
    assert_eq!(assert_401(&resp), "Issuer is not trusted: https://evil.example.org");
});

backend_test!(a_trailing_slash_on_the_issuer_of_a_jwt_is_ignored, |app| {
    let alice = profile("alice");
    let (status, _) = app.call(Method::POST, "/users:register", Some(&app.oidc.jwt(&alice, 300)), None).await;
    assert_eq!(status, StatusCode::CREATED);
    let mut slashed = claims(&app.oidc, &alice, 300);
    slashed.insert("iss".into(), json!(format!("{}/", app.oidc.issuer())));
    let token = app.oidc.jwt_with(Value::Object(slashed), SigningKey::Provider);
    let (status, body) = app.call(Method::GET, "/users/self", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["iss"], app.oidc.issuer());
});

backend_test!(admin_entitlements_come_from_userinfo_not_from_the_jwt, |app| {
    // Userinfo says admin, the token does not carry the claim: admin.
    let root = profile("root").with_entitlement(ADMIN_ENTITLEMENT);
    app.oidc.register_token("unused-root-token", root.clone());
    let token = app.oidc.jwt_with(Value::Object(claims(&app.oidc, &root, 300)), SigningKey::Provider);
    let (status, _) = app.call(Method::POST, "/users:register", Some(&token), None).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = app.call(Method::GET, "/users/self:try_admin", Some(&token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    // The token carries the claim, userinfo does not: not admin.
    let eve = profile("eve");
    app.oidc.register_token("unused-eve-token", eve.clone());
    let mut claimed = claims(&app.oidc, &eve, 300);
    claimed.insert("eduperson_entitlement".into(), json!([ADMIN_ENTITLEMENT]));
    let token = app.oidc.jwt_with(Value::Object(claimed), SigningKey::Provider);
    let (status, _) = app.call(Method::POST, "/users:register", Some(&token), None).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = app.call(Method::GET, "/users/self:try_admin", Some(&token), None).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("eve", "is_admin")));
});

backend_test!(a_missing_or_empty_authorization_header_is_named, |app| {
    assert_eq!(assert_401(&self_with(&app, None).await), "No authorization header");
    assert_eq!(assert_401(&self_with(&app, Some("")).await), "No authorization header");
    assert_eq!(self_with(&app, None).await.json(), unauthenticated("No authorization header"));
});

backend_test!(a_non_bearer_authorization_header_is_named, |app| {
    let alice = app.registered("alice").await;
    for value in
        ["Basic x".to_owned(), "Token abc".to_owned(), alice.token.clone(), format!("Basic {}", alice.token)]
    {
        let resp = self_with(&app, Some(&value)).await;
        assert_eq!(assert_401(&resp), "No bearer token in authorization header", "{value}");
    }
});

backend_test!(an_unknown_opaque_token_is_refused, |app| {
    for token in ["unknown-token", "a.b.c", "not.a.jwt.at.all"] {
        let resp = self_with(&app, Some(&format!("Bearer {token}"))).await;
        assert_eq!(assert_401(&resp), "User identity could not be determined", "{token}");
        assert_eq!(resp.json(), unauthenticated("User identity could not be determined"));
    }
});

backend_test!(every_401_carries_a_bearer_challenge, |app| {
    let root = app.admin("root").await;
    let tag = app.create_tag(&root, "gpu").await;
    let id = tag["id"].as_str().unwrap();
    for (method, path, body) in protected(id) {
        for authorization in [None, Some("Basic x"), Some("Bearer unknown-token")] {
            let mut req = app.request(method.clone(), &path);
            if let Some(value) = authorization {
                req = req.header("Authorization", value);
            }
            if let Some(b) = &body {
                req = req.json(b);
            }
            let resp = send_raw(req).await;
            assert_eq!(resp.status, StatusCode::UNAUTHORIZED, "{method} {path} {authorization:?}");
            assert_eq!(resp.header("www-authenticate"), Some("Bearer"), "{method} {path}");
        }
    }
});

backend_test!(a_provider_that_is_down_gives_401_quickly, |app| {
    app.oidc.set_down(true);
    let opaque = app.oidc.opaque_token(profile("alice"));
    let jwt = app.oidc.jwt(&profile("bob"), 300);
    for token in [&opaque, &jwt] {
        let started = Instant::now();
        let resp = self_with(&app, Some(&format!("Bearer {token}"))).await;
        assert_eq!(assert_401(&resp), "User identity could not be determined");
        assert!(started.elapsed() < Duration::from_secs(6), "took {:?}", started.elapsed());
    }
    // Nothing sticks once it is back.
    app.oidc.set_down(false);
    let (status, body) = app.call(Method::POST, "/users:register", Some(&opaque), None).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = app.call(Method::POST, "/users:register", Some(&jwt), None).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
});

backend_test!(a_slow_provider_gives_401_within_the_timeout, |app| {
    app.oidc.set_delay(Duration::from_secs(8));
    let opaque = app.oidc.opaque_token(profile("alice"));
    let jwt = app.oidc.jwt(&profile("bob"), 300);
    for token in [&opaque, &jwt] {
        let started = Instant::now();
        let resp = self_with(&app, Some(&format!("Bearer {token}"))).await;
        assert_eq!(assert_401(&resp), "User identity could not be determined");
        assert!(started.elapsed() < Duration::from_secs(6), "took {:?}", started.elapsed());
    }
});

backend_test_with!(introspection_is_used_when_client_credentials_are_set, |backend| {
    let overrides = [("OIDC_CLIENT_ID", "eosc-perf"), ("OIDC_CLIENT_SECRET", "s3cret")];
    let Some(app) = spawn_app_with(backend, &overrides).await else { return };
    let token = app.oidc.opaque_token(profile("alice"));
    let before = app.oidc.introspection_calls();
    let (status, body) = app.call(Method::POST, "/users:register", Some(&token), None).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["sub"], "alice");
    assert_eq!(body["email"], "alice@example.org");
    assert!(app.oidc.introspection_calls() > before, "introspection was not called");
    let resp = self_with(&app, Some("Bearer inactive-token")).await;
    assert_eq!(assert_401(&resp), "User identity could not be determined");
});

backend_test_with!(introspection_with_wrong_client_credentials_accepts_no_opaque_token, |backend| {
    let overrides = [("OIDC_CLIENT_ID", "eosc-perf"), ("OIDC_CLIENT_SECRET", "wrong")];
    let Some(app) = spawn_app_with(backend, &overrides).await else { return };
    let token = app.oidc.opaque_token(profile("alice"));
    let resp = self_with(&app, Some(&format!("Bearer {token}"))).await;
    assert_eq!(assert_401(&resp), "User identity could not be determined");
    assert!(app.oidc.introspection_calls() >= 1);
});

backend_test!(public_endpoints_ignore_the_authorization_header, |app| {
    let root = app.admin("root").await;
    let id = app.create_tag(&root, "gpu").await["id"].as_str().unwrap().to_owned();
    let calls = total_calls(&app.oidc);
    for path in [
        "/tags".to_owned(),
        "/tags:search?terms=g".to_owned(),
        format!("/tags/{id}"),
        "/api-spec.json".to_owned(),
    ] {
        for value in ["Bearer garbage", "Basic x", "Bearer a.b.c"] {
            let resp = send_raw(app.request(Method::GET, &path).header("Authorization", value)).await;
            assert_eq!(resp.status, StatusCode::OK, "{path} {value}: {}", resp.text);
        }
    }
    assert_eq!(total_calls(&app.oidc), calls, "a public endpoint consulted the provider");
});

backend_test!(authentication_is_checked_before_validation, |app| {
    let raw = |body: &'static str| {
        app.request(Method::POST, "/tags").header("Content-Type", "application/json").body(body)
    };
    for body in ["{", "[1]", "{\"bad\": 1}"] {
        let resp = send_raw(raw(body)).await;
        assert_eq!(resp.json(), unauthenticated("No authorization header"), "{body}");
        assert_eq!(resp.status, StatusCode::UNAUTHORIZED);
        let bob = app.user("bob");
        let resp = send_raw(raw(body).bearer_auth(&bob.token)).await;
        assert_eq!(resp.status, StatusCode::FORBIDDEN, "{body}: {}", resp.text);
        assert_eq!(resp.json(), app.forbidden("bob", "is_registered"));
    }
    for path in ["/users?per_page=0", "/users?bogus=1", "/users:search?sort_by=x", "/users:remove?bogus=1"] {
        let method = if path.starts_with("/users:remove") { Method::POST } else { Method::GET };
        let (status, body) = app.call(method, path, None, None).await;
        assert_eq!(
            (status, body),
            (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")),
            "{path}"
        );
    }
});

backend_test!(the_identity_of_a_token_is_cached_briefly, |app| {
    let token = app.oidc.opaque_token(profile("alice"));
    let start = app.oidc.userinfo_calls();
    let (status, _) = app.call(Method::GET, "/users/self", Some(&token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let after_first = app.oidc.userinfo_calls();
    assert!(after_first > start);
    let (status, _) = app.call(Method::POST, "/users:register", Some(&token), None).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = app.call(Method::GET, "/users/self", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.oidc.userinfo_calls(), after_first, "a cached token was looked up again");
    // Another token is looked up on its own.
    let other = app.oidc.opaque_token(profile("bob"));
    let (status, _) = app.call(Method::GET, "/users/self", Some(&other), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(app.oidc.userinfo_calls() > after_first);
    // The cache lives 2 s in tests.
    let before_expiry = app.oidc.userinfo_calls();
    tokio::time::sleep(Duration::from_millis(2300)).await;
    let (status, _) = app.call(Method::GET, "/users/self", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(app.oidc.userinfo_calls() > before_expiry, "the cache outlived its TTL");
});

backend_test!(a_failed_lookup_is_not_cached, |app| {
    app.oidc.set_down(true);
    let token = app.oidc.opaque_token(profile("alice"));
    let resp = self_with(&app, Some(&format!("Bearer {token}"))).await;
    assert_eq!(assert_401(&resp), "User identity could not be determined");
    app.oidc.set_down(false);
    let (status, body) = app.call(Method::GET, "/users/self", Some(&token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
});
