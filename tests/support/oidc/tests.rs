//! The mock provider itself: discovery, keys, userinfo, introspection, faults.

use super::*;

fn alice() -> MockUser {
    MockUser::new("alice@egi").with_email("alice@example.org", true).with_entitlement("urn:x:admins")
}

#[tokio::test(flavor = "current_thread")]
async fn discovery_jwks_and_jwt_verification() {
    let oidc = MockOidc::start().await;
    let client = reqwest::Client::new();
    let iss = oidc.issuer();
    assert!(iss.starts_with("http://127.0.0.1:") && !iss.ends_with('/'));
    let url = format!("{iss}/.well-known/openid-configuration");
    let conf: Value = client.get(url).send().await.unwrap().json().await.unwrap();
    assert_eq!(conf["issuer"], iss.as_str());
    let jwks: jsonwebtoken::jwk::JwkSet =
        client.get(conf["jwks_uri"].as_str().unwrap()).send().await.unwrap().json().await.unwrap();
    let jwk = jwks.find(KID).unwrap();
    let key = DecodingKey::from_jwk(jwk).unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_aud = false;
    let token = oidc.jwt(&alice(), 60);
    let data = jsonwebtoken::decode::<Value>(&token, &key, &validation).unwrap();
    assert_eq!(data.claims["iss"], iss.as_str());
    assert_eq!(data.claims["sub"], "alice@egi");
    let forged = oidc.jwt_with(data.claims.clone(), SigningKey::Other);
    assert!(jsonwebtoken::decode::<Value>(&forged, &key, &validation).is_err());
    assert_eq!((oidc.discovery_calls(), oidc.jwks_calls()), (1, 1));
}

#[tokio::test]
async fn userinfo_and_introspection() {
    let oidc = MockOidc::start().await;
    let client = reqwest::Client::new();
    let iss = oidc.issuer();
    let opaque = oidc.opaque_token(alice());
    let jwt = oidc.jwt(&MockUser::new("bob"), 60);
    let expired = oidc.jwt(&MockUser::new("carol"), -10);
    let info = |t: String| client.get(format!("{iss}/userinfo")).bearer_auth(t).send();
    let body: Value = info(opaque.clone()).await.unwrap().json().await.unwrap();
    assert_eq!(
        body,
        json!({"sub": "alice@egi", "email": "alice@example.org", "email_verified": true,
               "eduperson_entitlement": ["urn:x:admins"]})
    );
    let body: Value = info(jwt.clone()).await.unwrap().json().await.unwrap();
    assert_eq!(body, json!({"sub": "bob"}));
    assert_eq!(info(expired).await.unwrap().status(), 401);
    assert_eq!(info("nope".into()).await.unwrap().status(), 401);
    assert_eq!(oidc.userinfo_calls(), 4);

    let introspect = |t: &str, secret: &str| {
        client
            .post(format!("{iss}/introspect"))
            .basic_auth(CLIENT_ID, Some(secret))
            .form(&[("token", t)])
            .send()
    };
    let body: Value = introspect(&opaque, CLIENT_SECRET).await.unwrap().json().await.unwrap();
    assert_eq!(body["active"], true);
    assert_eq!(body["iss"], iss.as_str());
    assert_eq!(body["eduperson_entitlement"][0], "urn:x:admins");
    assert!(body["exp"].as_i64().unwrap() > now() + 3000);
    let body: Value = introspect("unknown", CLIENT_SECRET).await.unwrap().json().await.unwrap();
    assert_eq!(body, json!({"active": false}));
    assert_eq!(introspect(&jwt, "wrong").await.unwrap().status(), 401);
    assert_eq!(oidc.introspection_calls(), 3);
}

#[tokio::test]
async fn delay_and_outage() {
    let oidc = MockOidc::start().await;
    let client = reqwest::Client::new();
    let url = format!("{}/jwks", oidc.issuer());
    oidc.set_delay(Duration::from_millis(500));
    let slow = client.get(&url).timeout(Duration::from_millis(100)).send().await;
    assert!(slow.unwrap_err().is_timeout());
    oidc.set_delay(Duration::ZERO);
    oidc.set_down(true);
    assert_eq!(client.get(&url).send().await.unwrap().status(), 503);
    oidc.set_down(false);
    assert_eq!(client.get(&url).send().await.unwrap().status(), 200);
}
