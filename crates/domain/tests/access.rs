//! Who may do what (contract §2.8): anonymous, registered, admin, owner-or-admin.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod common;

use common::{ADMIN, Fixture, first_page};
use eosc_perf_domain::{DomainError, claim::ClaimFilter, memory::InMemory};
use serde_json::json;

#[tokio::test]
async fn an_unknown_token_is_unauthenticated() {
    let f = Fixture::new().await;
    let err = f.domain.identify("forged").await.unwrap_err();
    assert!(
        matches!(&err, DomainError::Unauthenticated(e) if e.0 == "User identity could not be determined")
    );
    assert_eq!(f.domain.identify("alice-token").await.unwrap(), f.alice);
}

#[tokio::test]
async fn user_level_requires_registration() {
    let f = Fixture::new().await;
    let err = f.domain.access.user(&f.stranger).await.unwrap_err();
    assert!(matches!(err, DomainError::AccessDenied { requirement: "is_registered", .. }));
    assert_eq!(f.domain.access.user(&f.alice).await.unwrap().user().sub, "alice");
}

#[tokio::test]
async fn admin_level_requires_registration_and_an_entitlement() {
    let f = Fixture::new().await;
    assert_eq!(f.domain.access.admin(&f.admin).await.unwrap().user().sub, "admin");
    let err = f.domain.access.admin(&f.alice).await.unwrap_err();
    assert!(matches!(err, DomainError::AccessDenied { requirement: "is_admin", .. }));
    // Entitled, but not registered: the registration check comes first.
    let err = f.domain.access.admin(&f.stranger).await.unwrap_err();
    assert!(matches!(err, DomainError::AccessDenied { requirement: "is_registered", .. }));
}

#[tokio::test]
async fn without_admin_entitlements_nobody_is_admin() {
    let domain = InMemory::default();
    let root = domain.identities.add("t", "root", Some("root@example.org"), &[ADMIN]);
    domain.users.register(&root).await.unwrap();
    let err = domain.access.admin(&root).await.unwrap_err();
    assert!(matches!(err, DomainError::AccessDenied { requirement: "is_admin", .. }), "fails closed (Q12)");
}

#[tokio::test]
async fn only_the_owner_or_an_admin_may_tag_a_result() {
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let result = f.upload(&f.alice, &catalog, json!({"time": 1}), 1, vec![]).await;
    let results = &f.domain.results;
    let (alice, admin, bob) = (f.user(&f.alice).await, f.user(&f.admin).await, f.user(&f.bob).await);
    assert!(results.set_tags(&alice, result.id, Some(vec![])).await.is_ok(), "owner");
    assert!(results.set_tags(&admin, result.id, Some(vec![])).await.is_ok(), "admin");
    let err = results.set_tags(&bob, result.id, Some(vec![])).await.unwrap_err();
    assert!(matches!(err, DomainError::Forbidden), "another registered user: bare 403");
    // An identity that is not registered gets no capability at all, so it cannot even call.
    let err = f.domain.access.user(&f.stranger).await.unwrap_err();
    assert!(matches!(err, DomainError::AccessDenied { requirement: "is_registered", .. }));
}

#[tokio::test]
async fn only_the_owner_or_an_admin_may_read_the_claims_of_a_result() {
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let result = f.upload(&f.alice, &catalog, json!({"time": 1}), 1, vec![]).await;
    f.domain.results.claim(&f.user(&f.bob).await, result.id, "wrong".into()).await.unwrap();
    let (alice, admin, bob) = (f.user(&f.alice).await, f.user(&f.admin).await, f.user(&f.bob).await);
    let claims_as =
        |who| f.domain.results.claims_of(who, result.id, ClaimFilter::default(), &[], first_page());
    assert_eq!(claims_as(&alice).await.unwrap().total, 1);
    assert_eq!(claims_as(&admin).await.unwrap().total, 1);
    assert!(
        matches!(claims_as(&bob).await.unwrap_err(), DomainError::Forbidden),
        "the claimer is not the owner"
    );
}
