//! Rules the services decide and the adapters only persist: the guard of every approve and
//! reject (read inside the decision's transaction, so another admin's decision in between is
//! seen), the restore of a result whose last claim is rejected, and the sort keys a `sort_by`
//! name stands for.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod common;

use std::sync::{Arc, Mutex};

use common::{Fixture, first_page, with_status};
use eosc_perf_domain::{BenchmarkId, Id};
use eosc_perf_domain::{
    DomainError, RepoError, SortDir, SortKey, Status,
    benchmark::{Benchmark, BenchmarkFilter, BenchmarkSort},
    claim::{ClaimFilter, ClaimSort, NewClaim},
    mail::{ItemKind, MailTemplates},
    memory::MemoryStore,
    query::{ListParams, ModeratedSort, parse_sort},
    result::ResultFilter,
    service::{CatalogPorts, CatalogService, Decision, ResultPorts, ResultService},
    site::Site,
    unit_of_work::{Transaction, UnitOfWork},
};
use serde_json::json;
use uuid::Uuid;

/// What another admin or user does just before the service's transaction begins.
enum Act {
    Approve(ItemKind, Uuid),
    Delete(ItemKind, Uuid),
    Claim(NewClaim),
}

/// A unit of work on which someone else acts first: the act commits in its own transaction
/// right before the first transaction the service begins.
struct ActedFirst {
    store: MemoryStore,
    act: Mutex<Option<Act>>,
}

#[async_trait::async_trait]
impl UnitOfWork for ActedFirst {
    async fn begin(&self) -> Result<Box<dyn Transaction>, RepoError> {
        let act = self.act.lock().unwrap().take();
        if let Some(act) = act {
            let mut tx = self.store.begin().await?;
            match act {
                Act::Approve(kind, id) => tx.set_approved(kind, id).await?,
                Act::Delete(kind, id) => assert!(tx.delete(kind, id).await?),
                Act::Claim(claim) => {
                    tx.set_hidden(claim.result_id, true).await?;
                    tx.insert_claim(&claim).await?;
                }
            }
            tx.commit().await?;
        }
        self.store.begin().await
    }
}

/// The fixture's services, rewired over a unit of work on which `act` happens first.
fn acted_first(f: &Fixture, act: Act) -> (CatalogService, ResultService) {
    let uow = Arc::new(ActedFirst { store: f.domain.store.clone(), act: Mutex::new(Some(act)) });
    let catalog = CatalogPorts { unit_of_work: uow.clone(), ..f.domain.catalog_ports() };
    let results = ResultPorts { unit_of_work: uow, ..f.domain.result_ports() };
    (
        CatalogService::new(catalog, MailTemplates::default()),
        ResultService::new(results, MailTemplates::default()),
    )
}

#[tokio::test]
async fn an_item_approved_by_another_admin_meanwhile_is_not_decided_again() {
    let f = Fixture::new().await;
    for decision in [Decision::Approve, Decision::Reject] {
        let site = f.submit_site(&f.alice, &format!("site-{decision:?}")).await;
        let (catalog, _) = acted_first(&f, Act::Approve(ItemKind::Site, site.id.uuid()));
        let mails = f.domain.store.outbox().len();
        let err = catalog.decide::<Site>(&f.root().await, site.id, decision).await.unwrap_err();
        assert!(
            matches!(&err, DomainError::Invalid(m) if *m == format!("Site {} was already approved", site.id)),
            "{decision:?}: {err:?}"
        );
        assert!(f.domain.catalog.get::<Site>(site.id).await.is_ok(), "{decision:?}: not deleted");
        assert_eq!(f.domain.store.outbox().len(), mails, "{decision:?}: no mail");
    }
}

#[tokio::test]
async fn an_item_deleted_meanwhile_is_not_found() {
    let f = Fixture::new().await;
    let b = f.submit_benchmark(&f.alice, "img/a", "1.0").await;
    let (catalog, _) = acted_first(&f, Act::Delete(ItemKind::Benchmark, b.id.uuid()));
    let err = catalog.decide::<Benchmark>(&f.root().await, b.id, Decision::Approve).await.unwrap_err();
    assert!(
        matches!(&err, DomainError::NotFound(m) if m.to_string() == format!("Benchmark {} not found in the database", b.id))
    );
}

#[tokio::test]
async fn a_claim_filed_meanwhile_keeps_the_result_hidden_when_the_first_is_rejected() {
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let result = f.upload(&f.alice, &catalog, json!({"time": 1}), 1, vec![]).await;
    let bob = f.user(&f.bob).await;
    let first = f.domain.results.claim(&bob, result.id, "wrong".into()).await.unwrap();
    let second = NewClaim {
        id: Id::new_v4(),
        message: "also wrong".into(),
        result_id: result.id,
        upload_datetime: f.now(),
        claimer: bob.key(),
    };
    let (_, results) = acted_first(&f, Act::Claim(second));
    f.domain.store.take_outbox();
    results.decide_claim(&f.root().await, first.id, false).await.unwrap();
    let listed = f.domain.results.list(&ResultFilter::default(), &[], first_page()).await.unwrap();
    assert!(listed.items.iter().all(|r| r.id != result.id), "still hidden");
    let subjects: Vec<_> = f.domain.store.take_outbox().into_iter().map(|m| m.subject).collect();
    assert_eq!(subjects, vec![format!("Resource rejected: {}", first.id)], "no restore mail");
}

#[tokio::test]
async fn a_claim_approved_meanwhile_is_not_rejected() {
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let result = f.upload(&f.alice, &catalog, json!({"time": 1}), 1, vec![]).await;
    let claim = f.domain.results.claim(&f.user(&f.bob).await, result.id, "wrong".into()).await.unwrap();
    let (_, results) = acted_first(&f, Act::Approve(ItemKind::Claim, claim.id.uuid()));
    let err = results.decide_claim(&f.root().await, claim.id, false).await.unwrap_err();
    assert!(
        matches!(&err, DomainError::Invalid(m) if *m == format!("Resource {} was already approved", claim.id))
    );
    let kept = f.domain.results.claim_by_id(&f.root().await, claim.id).await.unwrap();
    assert_eq!(kept.status, Status::Approved);
}

#[test]
fn a_benchmark_name_stands_for_its_image_then_its_tag() {
    let keys = parse_sort::<BenchmarkSort>("-name,+id").unwrap();
    let key = |field, dir| SortKey { field, dir };
    assert_eq!(
        keys,
        vec![
            key(BenchmarkSort::DockerImage, SortDir::Desc),
            key(BenchmarkSort::DockerTag, SortDir::Desc),
            key(BenchmarkSort::Moderation(ModeratedSort::Id), SortDir::Asc),
        ]
    );
}

async fn sorted_benchmarks(f: &Fixture, sort: &str) -> Vec<BenchmarkId> {
    let params =
        ListParams { sort: parse_sort::<BenchmarkSort>(sort).unwrap(), ..with_status(Status::OnReview) };
    let page = f.domain.catalog.list::<Benchmark>(&BenchmarkFilter::default(), &params).await.unwrap();
    page.items.into_iter().map(|b| b.id).collect()
}

#[tokio::test]
async fn benchmarks_sorted_by_name_are_in_image_then_tag_order() {
    let f = Fixture::new().await;
    let b_1 = f.submit_benchmark(&f.alice, "img/b", "1.0").await;
    let a_2 = f.submit_benchmark(&f.alice, "img/a", "2.0").await;
    let a_1 = f.submit_benchmark(&f.alice, "img/a", "1.0").await;
    assert_eq!(sorted_benchmarks(&f, "+name").await, vec![a_1.id, a_2.id, b_1.id]);
    assert_eq!(sorted_benchmarks(&f, "-name").await, vec![b_1.id, a_2.id, a_1.id]);
}

#[tokio::test]
async fn a_claims_resource_type_sorts_on_nothing() {
    assert_eq!(parse_sort::<ClaimSort>("-resource_type,+message").unwrap().len(), 1);
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let bob = f.user(&f.bob).await;
    let mut claims = Vec::new();
    for (hours_ago, message) in [(1, "b"), (2, "a"), (3, "c")] {
        let result = f.upload(&f.alice, &catalog, json!({"time": hours_ago}), hours_ago, vec![]).await;
        claims.push(f.domain.results.claim(&bob, result.id, message.into()).await.unwrap().id);
    }
    let sort = parse_sort::<ClaimSort>("-resource_type,-message").unwrap();
    let pending = ClaimFilter { status: Some(Status::OnReview), ..ClaimFilter::default() };
    let page = f.domain.results.list_claims(&f.root().await, &pending, &sort, first_page()).await.unwrap();
    let ids: Vec<_> = page.items.into_iter().map(|c| c.id).collect();
    assert_eq!(ids, vec![claims[2], claims[0], claims[1]], "by message only");
}
