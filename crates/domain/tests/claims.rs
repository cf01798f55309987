//! Claims (contract §5.5, Q1): a claim hides its result; approving keeps it hidden; rejecting
//! the last claim restores it, unless an admin deleted it.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod common;

use common::{Catalog, Fixture, first_page};
use eosc_perf_domain::{
    DomainError, Status,
    claim::{Claim, ClaimFilter},
    mail::ItemKind,
    result::{BenchmarkResult, ResultFilter},
    submit::SubmitFilter,
};
use eosc_perf_domain::{Id, ResultId};
use serde_json::json;

async fn setup() -> (Fixture, Catalog, BenchmarkResult) {
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let result = f.upload(&f.alice, &catalog, json!({"time": 1}), 1, vec![]).await;
    (f, catalog, result)
}

async fn claim(f: &Fixture, result: ResultId) -> Claim {
    f.domain.results.claim(&f.user(&f.bob).await, result, "looks wrong".into()).await.unwrap()
}

async fn publicly_listed(f: &Fixture, id: ResultId) -> bool {
    let page = f.domain.results.list(&ResultFilter::default(), &[], first_page()).await.unwrap();
    page.items.iter().any(|r| r.id == id)
}

#[tokio::test]
async fn a_claim_hides_its_result_files_a_submit_and_mails_the_owner() {
    let (f, _, result) = setup().await;
    assert!(publicly_listed(&f, result.id).await);
    let c = claim(&f, result.id).await;
    assert_eq!((c.status, c.result_id, c.uploader.sub.as_str()), (Status::OnReview, Some(result.id), "bob"));
    assert!(!publicly_listed(&f, result.id).await, "hidden from /results");
    assert!(f.domain.results.get(result.id).await.unwrap().hidden, "still readable by id");
    let own = ResultFilter { owner: Some(f.user(&f.alice).await.key()), ..ResultFilter::default() };
    let page = f.domain.results.list(&own, &[], first_page()).await.unwrap();
    assert_eq!(page.items[0].id, result.id, "the owner still sees it");
    let submits = f
        .domain
        .catalog
        .list_submits(&f.root().await, &SubmitFilter::default(), &[], first_page())
        .await
        .unwrap();
    assert_eq!(
        (submits.items[0].resource_type, submits.items[0].resource_id),
        (ItemKind::Claim, c.id.uuid())
    );
    let mail = f.domain.store.outbox().pop().unwrap();
    assert_eq!(mail.subject, format!("Claim submitted on result: {}", result.id));
    assert_eq!(mail.to, vec!["alice@example.org".to_string()]);
}

#[tokio::test]
async fn claiming_a_missing_result_is_not_found() {
    let (f, _, _) = setup().await;
    let id = Id::new_v4();
    let err = f.domain.results.claim(&f.user(&f.bob).await, id, "x".into()).await.unwrap_err();
    assert!(
        matches!(&err, DomainError::NotFound(m) if m.to_string() == format!("Result {id} not found in the database"))
    );
}

#[tokio::test]
async fn an_approved_claim_keeps_the_result_hidden_and_cannot_be_decided_again() {
    let (f, _, result) = setup().await;
    let c = claim(&f, result.id).await;
    f.domain.results.decide_claim(&f.root().await, c.id, true).await.unwrap();
    assert_eq!(f.domain.results.claim_by_id(&f.root().await, c.id).await.unwrap().status, Status::Approved);
    assert!(!publicly_listed(&f, result.id).await);
    for approve in [true, false] {
        let err = f.domain.results.decide_claim(&f.root().await, c.id, approve).await.unwrap_err();
        assert!(
            matches!(&err, DomainError::Invalid(m) if *m == format!("Resource {} was already approved", c.id))
        );
    }
    let mail = f.domain.store.outbox().pop().unwrap();
    assert_eq!(
        (mail.subject, mail.to),
        (format!("Resource approved: {}", c.id), vec!["bob@example.org".into()])
    );
}

#[tokio::test]
async fn rejecting_the_last_pending_claim_restores_the_result() {
    let (f, _, result) = setup().await;
    let c = claim(&f, result.id).await;
    f.domain.store.take_outbox();
    f.domain.results.decide_claim(&f.root().await, c.id, false).await.unwrap();
    assert!(publicly_listed(&f, result.id).await, "visible again (Q1 fixed)");
    assert!(f.domain.results.claim_by_id(&f.root().await, c.id).await.is_err(), "the claim is deleted");
    let mails = f.domain.store.take_outbox();
    let subjects: Vec<_> = mails.iter().map(|m| m.subject.clone()).collect();
    assert_eq!(
        subjects,
        vec![format!("Resource rejected: {}", c.id), format!("Result restored: {}", result.id)]
    );
    assert_eq!(mails[1].to, vec!["alice@example.org".to_string()]);
}

#[tokio::test]
async fn another_claim_keeps_the_result_hidden() {
    let (f, _, result) = setup().await;
    let first = claim(&f, result.id).await;
    let second = claim(&f, result.id).await;
    f.domain.results.decide_claim(&f.root().await, first.id, false).await.unwrap();
    assert!(!publicly_listed(&f, result.id).await, "a pending claim remains");
    f.domain.results.decide_claim(&f.root().await, second.id, false).await.unwrap();
    assert!(publicly_listed(&f, result.id).await, "the last one rejected");
}

#[tokio::test]
async fn an_approved_claim_keeps_the_result_hidden_when_another_is_rejected() {
    let (f, _, result) = setup().await;
    let confirmed = claim(&f, result.id).await;
    let other = claim(&f, result.id).await;
    f.domain.results.decide_claim(&f.root().await, confirmed.id, true).await.unwrap();
    f.domain.results.decide_claim(&f.root().await, other.id, false).await.unwrap();
    assert!(!publicly_listed(&f, result.id).await);
}

#[tokio::test]
async fn a_result_deleted_by_an_admin_stays_hidden_after_its_claim_is_rejected() {
    let (f, _, result) = setup().await;
    let c = claim(&f, result.id).await;
    f.domain.results.hide(&f.root().await, result.id).await.unwrap();
    f.domain.store.take_outbox();
    f.domain.results.decide_claim(&f.root().await, c.id, false).await.unwrap();
    assert!(!publicly_listed(&f, result.id).await);
    let subjects: Vec<_> = f.domain.store.take_outbox().into_iter().map(|m| m.subject).collect();
    assert_eq!(subjects, vec![format!("Resource rejected: {}", c.id)], "no restore mail");
}

#[tokio::test]
async fn claim_lists_filter_by_status_claimer_and_result() {
    let (f, catalog, result) = setup().await;
    let other = f.upload(&f.alice, &catalog, json!({"time": 2}), 2, vec![]).await;
    let pending = claim(&f, result.id).await;
    let approved = claim(&f, other.id).await;
    f.domain.results.decide_claim(&f.root().await, approved.id, true).await.unwrap();
    let results = &f.domain.results;
    let root = &f.root().await;
    let list = |filter: ClaimFilter| async move {
        let page = results.list_claims(root, &filter, &[], first_page()).await.unwrap();
        page.items.into_iter().map(|c| c.id).collect::<Vec<_>>()
    };
    let approved_only = ClaimFilter { status: Some(Status::Approved), ..ClaimFilter::default() };
    assert_eq!(list(approved_only).await, vec![approved.id]);
    let pending_only = ClaimFilter { status: Some(Status::OnReview), ..ClaimFilter::default() };
    assert_eq!(list(pending_only).await, vec![pending.id]);
    let by_result = ClaimFilter { result_id: Some(other.id), ..ClaimFilter::default() };
    assert_eq!(list(by_result).await, vec![approved.id]);
    let by_alice = ClaimFilter { claimer: Some(f.user(&f.alice).await.key()), ..ClaimFilter::default() };
    assert!(list(by_alice).await.is_empty());
}
