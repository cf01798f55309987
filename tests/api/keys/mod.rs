//! API keys (`/users/self/keys`): creation, listing, revocation, scopes, expiry, and the
//! owner's removal; a key as a bearer token on the operations its scopes open.

mod protection;
mod scopes;

use chrono::{Duration, Utc};
use eosc_perf_tests::{
    TestApp, TestUser,
    app::{handler_error, unauthenticated, validation_error},
    backend_test,
};
use reqwest::{Method, StatusCode};
use sea_orm::{EntityTrait, sea_query::Expr};
use serde_json::{Value, json};

/// Creates a key for `user` with `scopes`; returns the 201 body.
pub async fn create_key(app: &TestApp, user: &TestUser, scopes: &[&str]) -> Value {
    let body = json!({"name": "nightly", "scopes": scopes});
    let (status, key) = app.call(Method::POST, "/users/self/keys", Some(&user.token), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{key}");
    key
}

/// The secret of a created key.
pub fn secret(key: &Value) -> String {
    key["secret"].as_str().unwrap().to_owned()
}

/// The keys `user` lists.
async fn listed(app: &TestApp, user: &TestUser) -> Vec<Value> {
    let (status, keys) = app.call(Method::GET, "/users/self/keys", Some(&user.token), None).await;
    assert_eq!(status, StatusCode::OK, "{keys}");
    keys.as_array().unwrap().clone()
}

backend_test!(a_key_is_created_listed_without_its_secret_and_revoked, |app| {
    let alice = app.registered("alice").await;
    let key = create_key(&app, &alice, &["results:read", "results:write", "results:read"]).await;
    let secret = secret(&key);
    assert!(secret.starts_with("epk_") && secret.len() == 68, "{secret}");
    assert_eq!(key["scopes"], json!(["results:write", "results:read"]));
    assert_eq!((key["name"].as_str(), key.get("expires_at")), (Some("nightly"), None));

    let keys = listed(&app, &alice).await;
    assert_eq!(keys.len(), 1);
    assert_eq!(
        (keys[0]["id"].clone(), keys[0].get("secret"), keys[0].get("last_used")),
        (key["id"].clone(), None, None)
    );
    let (status, _) = app.call(Method::GET, "/users/self/results", Some(&secret), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(listed(&app, &alice).await[0]["last_used"].is_string(), "the use is recorded");

    let path = format!("/users/self/keys/{}", key["id"].as_str().unwrap());
    let bob = app.registered("bob").await;
    let (status, body) = app.call(Method::DELETE, &path, Some(&bob.token), None).await;
    let missing = format!("API key {} not found", key["id"].as_str().unwrap());
    assert_eq!((status, body), (StatusCode::NOT_FOUND, handler_error(404, &missing)), "not bob's key");
    let (status, body) = app.call(Method::DELETE, &path, Some(&secret), None).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("alice", "is_oidc_token")));
    let (status, _) = app.call(Method::DELETE, &path, Some(&alice.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app.call(Method::GET, "/users/self/results", Some(&secret), None).await;
    assert_eq!(
        (status, body),
        (StatusCode::UNAUTHORIZED, unauthenticated("User identity could not be determined")),
        "revoked at once"
    );
    let (status, _) = app.call(Method::DELETE, &path, Some(&alice.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(listed(&app, &alice).await.is_empty());
});

backend_test!(bad_key_requests_are_refused_field_by_field, |app| {
    let alice = app.registered("alice").await;
    let cases = [
        (
            json!({}),
            json!({"name": ["Missing data for required field."], "scopes": ["Missing data for required field."]}),
        ),
        (
            json!({"name": 1, "scopes": ["admin"], "expires_at": "soon", "x": 1}),
            json!({"name": ["Not a valid string."], "scopes": {"0": ["Must be one of: results:write, results:read, claims:write."]},
                   "expires_at": ["Not a valid datetime."], "x": ["Unknown field."]}),
        ),
        (json!({"name": "n", "scopes": "results:read"}), json!({"scopes": ["Not a valid list."]})),
    ];
    for (body, errors) in cases {
        let (status, answer) =
            app.call(Method::POST, "/users/self/keys", Some(&alice.token), Some(body)).await;
        assert_eq!((status, answer), (StatusCode::UNPROCESSABLE_ENTITY, validation_error("json", errors)));
    }
    let past = (Utc::now() - Duration::hours(1)).to_rfc3339();
    for (body, message) in [
        (json!({"name": "n", "scopes": []}), "A key needs at least one scope"),
        (json!({"name": " ", "scopes": ["results:read"]}), "Key name must have 1 to 100 characters"),
        (
            json!({"name": "n", "scopes": ["results:read"], "expires_at": past}),
            "Key expiry must be in the future",
        ),
    ] {
        let (status, answer) =
            app.call(Method::POST, "/users/self/keys", Some(&alice.token), Some(body)).await;
        assert_eq!((status, answer), (StatusCode::UNPROCESSABLE_ENTITY, handler_error(422, message)));
    }
    let stranger = app.user("stranger");
    let body = json!({"name": "n", "scopes": ["results:read"]});
    let (status, answer) =
        app.call(Method::POST, "/users/self/keys", Some(&stranger.token), Some(body)).await;
    assert_eq!((status, answer), (StatusCode::FORBIDDEN, app.forbidden("stranger", "is_registered")));
});

backend_test!(an_expired_key_is_refused, |app| {
    let alice = app.registered("alice").await;
    let later = (Utc::now() + Duration::days(30)).to_rfc3339();
    let body = json!({"name": "monthly", "scopes": ["results:read"], "expires_at": later});
    let (status, key) = app.call(Method::POST, "/users/self/keys", Some(&alice.token), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{key}");
    assert!(key["expires_at"].is_string());
    let secret = secret(&key);
    let (status, _) = app.call(Method::GET, "/users/self/results", Some(&secret), None).await;
    assert_eq!(status, StatusCode::OK);
    infra::entity::api_key::Entity::update_many()
        .col_expr(infra::entity::api_key::Column::ExpiresAt, Expr::value(Utc::now() - Duration::seconds(1)))
        .exec(&app.db)
        .await
        .unwrap();
    let (status, body) = app.call(Method::GET, "/users/self/results", Some(&secret), None).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthenticated("API key expired")));
});

backend_test!(a_removed_user_loses_their_keys, |app| {
    let admin = app.admin("root").await;
    let alice = app.registered("alice").await;
    let secret = secret(&create_key(&app, &alice, &["results:read"]).await);
    let (status, _) = app.call(Method::POST, "/users:remove?sub=alice", Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app.call(Method::GET, "/users/self/results", Some(&secret), None).await;
    assert_eq!(
        (status, body),
        (StatusCode::UNAUTHORIZED, unauthenticated("User identity could not be determined"))
    );
    assert_eq!(infra::entity::api_key::Entity::find().all(&app.db).await.unwrap().len(), 0, "cascaded");
});
