//! Users (contract §4.6, §7): registration, self update, admin removal with its cascades.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod common;

use common::{Fixture, first_page, with_status};
use eosc_perf_domain::{
    DomainError, Status,
    benchmark::{Benchmark, BenchmarkFilter},
    claim::ClaimFilter,
    mail::ItemKind,
    result::ResultFilter,
    site::Site,
    submit::SubmitFilter,
    user::UserFilter,
};
use serde_json::json;

#[tokio::test]
async fn registration_needs_an_email_and_happens_once() {
    let f = Fixture::new().await;
    let mails = f.domain.store.outbox();
    assert_eq!(mails[1].subject, "Thank you for registering");
    assert_eq!(mails[1].to, vec!["alice@example.org".to_string()]);
    let err = f.domain.users.register(&f.alice).await.unwrap_err();
    assert!(matches!(&err, DomainError::Conflict(m) if m.to_string() == "User already submitted/exists"));
    let anonymous = f.domain.identities.add("t", "carol", None, &[]);
    let err = f.domain.users.register(&anonymous).await.unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(m) if m == "No scope for email in oidc token"));
    let err = f.domain.users.get_self(&f.stranger).await.unwrap_err();
    assert!(matches!(&err, DomainError::NotFound(m) if m.to_string() == "User not registered"));
    let me = f.domain.users.get_self(&f.alice).await.unwrap();
    assert_eq!((me.email.as_str(), me.registration_datetime), ("alice@example.org", f.now()));
}

#[tokio::test]
async fn the_email_is_refreshed_only_when_verified() {
    let f = Fixture::new().await;
    let mut moved = f.alice.clone();
    moved.email = Some("alice@new.example.org".into());
    moved.email_verified = Some(false);
    let err = f.domain.users.update_self(&f.domain.access.user(&moved).await.unwrap()).await.unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(m) if m == "Email unverified by OIDC provider"));
    moved.email_verified = None;
    let err = f.domain.users.update_self(&f.domain.access.user(&moved).await.unwrap()).await.unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(m) if m == "No email_verified status in user"));
    moved.email_verified = Some(true);
    f.domain.users.update_self(&f.domain.access.user(&moved).await.unwrap()).await.unwrap();
    assert_eq!(f.domain.users.get_self(&f.alice).await.unwrap().email, "alice@new.example.org");
    let mail = f.domain.store.outbox().pop().unwrap();
    assert_eq!(
        (mail.subject.as_str(), mail.to),
        ("Your user information was updated", vec!["alice@new.example.org".to_string()])
    );
    let err = f.domain.access.user(&f.stranger).await.unwrap_err();
    assert!(matches!(err, DomainError::AccessDenied { requirement: "is_registered", .. }));
}

#[tokio::test]
async fn removal_needs_a_selector() {
    let f = Fixture::new().await;
    let err = f.domain.users.remove(&f.root().await, &UserFilter::default()).await.unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(m) if m == "Cancelled, undefined users"));
    let terms_only = UserFilter { terms: vec!["alice".into()], ..UserFilter::default() };
    assert!(f.domain.users.remove(&f.root().await, &terms_only).await.is_err(), "search terms select nobody");
    let page = f.domain.users.list(&f.root().await, &UserFilter::default(), &[], first_page()).await.unwrap();
    assert_eq!(page.total, 3);
}

#[tokio::test]
async fn removing_a_user_removes_everything_they_uploaded_and_what_depends_on_it() {
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await; // alice's
    let bobs_result = f.upload(&f.bob, &catalog, json!({"time": 1}), 1, vec![]).await;
    let alices_result = f.upload(&f.alice, &catalog, json!({"time": 2}), 1, vec![]).await;
    f.domain.results.claim(&f.user(&f.alice).await, bobs_result.id, "mine".into()).await.unwrap();
    let bobs_site = f.submit_site(&f.bob, "site-bob").await;
    f.submit_benchmark(&f.alice, "img/pending", "1").await;
    let selector = UserFilter { sub: Some("alice".into()), ..UserFilter::default() };
    f.domain.users.remove(&f.root().await, &selector).await.unwrap();

    assert!(f.domain.users.get_self(&f.alice).await.is_err());
    let benchmarks =
        f.domain.catalog.list::<Benchmark>(&BenchmarkFilter::default(), &Default::default()).await.unwrap();
    assert_eq!(benchmarks.total, 0, "her benchmarks, any status");
    assert!(f.domain.results.get(alices_result.id).await.is_err());
    assert!(f.domain.results.get(bobs_result.id).await.is_err(), "bob's result on her benchmark goes too");
    assert!(f.domain.catalog.get::<Site>(bobs_site.id).await.is_ok(), "bob's own site stays");
    let claims = f
        .domain
        .results
        .list_claims(&f.root().await, &ClaimFilter::default(), &[], first_page())
        .await
        .unwrap();
    assert_eq!(claims.total, 0, "her claims");
    let submits = f
        .domain
        .catalog
        .list_submits(&f.root().await, &SubmitFilter::default(), &[], first_page())
        .await
        .unwrap();
    let kinds: Vec<_> = submits.items.iter().map(|s| (s.resource_type, s.resource_id)).collect();
    assert_eq!(kinds, vec![(ItemKind::Site, bobs_site.id.uuid())]);
    let everyone =
        f.domain.users.list(&f.root().await, &UserFilter::default(), &[], first_page()).await.unwrap();
    assert_eq!(everyone.items.iter().map(|u| u.sub.as_str()).collect::<Vec<_>>(), vec!["admin", "bob"]);
    let results = f.domain.results.list(&ResultFilter::default(), &[], first_page()).await.unwrap();
    assert_eq!(results.total, 0);
    let sites =
        f.domain.catalog.list::<Site>(&Default::default(), &with_status(Status::Approved)).await.unwrap();
    assert_eq!(sites.total, 0, "her approved site");
}

#[tokio::test]
async fn removing_a_user_removes_their_results_on_other_peoples_catalog() {
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await; // alice's
    let bobs = f.upload(&f.bob, &catalog, json!({"time": 1}), 1, vec![]).await;
    let alices = f.upload(&f.alice, &catalog, json!({"time": 2}), 1, vec![]).await;
    let selector = UserFilter { email: Some("bob@example.org".into()), ..UserFilter::default() };
    f.domain.users.remove(&f.root().await, &selector).await.unwrap();
    assert!(f.domain.results.get(bobs.id).await.is_err());
    assert!(f.domain.results.get(alices.id).await.is_ok());
    assert!(f.domain.catalog.get::<Benchmark>(catalog.benchmark.id).await.is_ok());
}
