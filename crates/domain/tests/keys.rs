//! API keys: creation rules, scopes, revocation, expiry, and the owner's removal.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod common;

use chrono::TimeDelta;
use common::Fixture;
use eosc_perf_domain::{
    AuthError, DomainError,
    api_key::{KeyRequest, Scope},
    ports::Clock,
    user::UserFilter,
};

fn request(scopes: &[Scope]) -> KeyRequest {
    KeyRequest { name: "nightly".into(), scopes: scopes.to_vec(), expires_at: None }
}

#[tokio::test]
async fn a_key_stands_for_its_owner_within_its_scopes_and_never_as_admin() {
    let f = Fixture::new().await;
    let root = f.user(&f.admin).await;
    let issued =
        f.domain.keys.create(&root, request(&[Scope::ResultsWrite, Scope::ResultsWrite])).await.unwrap();
    assert!(issued.secret.starts_with("epk_") && issued.secret.len() == 68);
    assert_eq!(issued.key.scopes, vec![Scope::ResultsWrite], "duplicates are dropped");
    let who = f.domain.keys.identify(&issued.secret).await.unwrap();
    assert_eq!((who.sub.as_str(), who.entitlements.len()), ("admin", 0));
    let user = f.domain.access.user_with_scope(&who, Scope::ResultsWrite).await.unwrap();
    assert!(!user.is_admin(), "a key never grants admin");
    let denied = f.domain.access.user_with_scope(&who, Scope::ClaimsWrite).await.unwrap_err();
    assert!(matches!(denied, DomainError::AccessDenied { requirement: "has_scope(claims:write)", .. }));
    let denied = f.domain.access.user(&who).await.unwrap_err();
    assert!(matches!(denied, DomainError::AccessDenied { requirement: "is_oidc_token", .. }));
    let denied = f.domain.access.admin(&who).await.unwrap_err();
    assert!(matches!(denied, DomainError::AccessDenied { requirement: "is_admin", .. }));
    assert!(f.domain.access.reader(&who).is_err() && f.domain.access.token(&who).is_err());
}

#[tokio::test]
async fn bad_requests_are_refused() {
    let f = Fixture::new().await;
    let alice = f.user(&f.alice).await;
    let past = Some(f.domain.clock.now() - TimeDelta::seconds(1));
    for bad in [
        KeyRequest { name: " ".into(), ..request(&[Scope::ResultsRead]) },
        KeyRequest { name: "x".repeat(101), ..request(&[Scope::ResultsRead]) },
        request(&[]),
        KeyRequest { expires_at: past, ..request(&[Scope::ResultsRead]) },
    ] {
        assert!(matches!(f.domain.keys.create(&alice, bad).await, Err(DomainError::Invalid(_))));
    }
}

#[tokio::test]
async fn revoked_expired_and_orphaned_keys_stop_at_once() {
    let f = Fixture::new().await;
    let (alice, bob) = (f.user(&f.alice).await, f.user(&f.bob).await);
    let revoked = f.domain.keys.create(&alice, request(&[Scope::ResultsRead])).await.unwrap();
    assert!(matches!(f.domain.keys.revoke(&bob, revoked.key.id).await, Err(DomainError::NotFound(_))));
    f.domain.keys.revoke(&alice, revoked.key.id).await.unwrap();
    assert_eq!(f.domain.keys.identify(&revoked.secret).await.unwrap_err(), AuthError::undetermined());

    let expiry = Some(f.domain.clock.now() + TimeDelta::hours(1));
    let expiring = KeyRequest { expires_at: expiry, ..request(&[Scope::ResultsRead]) };
    let expiring = f.domain.keys.create(&alice, expiring).await.unwrap();
    assert!(f.domain.keys.identify(&expiring.secret).await.is_ok());
    f.domain.clock.advance(TimeDelta::hours(1));
    assert_eq!(f.domain.keys.identify(&expiring.secret).await.unwrap_err(), AuthError::key_expired());

    let kept = f.domain.keys.create(&bob, request(&[Scope::ResultsRead])).await.unwrap();
    let filter = UserFilter { sub: Some("bob".into()), ..UserFilter::default() };
    f.domain.users.remove(&f.root().await, &filter).await.unwrap();
    assert!(f.domain.keys.identify(&kept.secret).await.is_err(), "the owner's removal drops the key");
}

#[tokio::test]
async fn last_use_is_recorded_at_most_once_a_minute() {
    let f = Fixture::new().await;
    let alice = f.user(&f.alice).await;
    let issued = f.domain.keys.create(&alice, request(&[Scope::ResultsRead])).await.unwrap();
    assert_eq!(f.domain.keys.list(&alice).await.unwrap()[0].last_used, None);
    let first = f.domain.clock.now();
    f.domain.keys.identify(&issued.secret).await.unwrap();
    f.domain.clock.advance(TimeDelta::seconds(30));
    f.domain.keys.identify(&issued.secret).await.unwrap();
    assert_eq!(f.domain.keys.list(&alice).await.unwrap()[0].last_used, Some(first));
    f.domain.clock.advance(TimeDelta::seconds(30));
    f.domain.keys.identify(&issued.secret).await.unwrap();
    assert_eq!(f.domain.keys.list(&alice).await.unwrap()[0].last_used, Some(f.domain.clock.now()));
}
