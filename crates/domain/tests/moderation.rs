//! The moderation lifecycle (contract §5): submit -> pending (with a submit and a mail) ->
//! approve or reject; already approved -> 422; deletes and their cascades (§5.6).

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod common;

use common::{Fixture, first_page, upload_of, with_status};
use eosc_perf_domain::Id;
use eosc_perf_domain::{
    DomainError, Status,
    benchmark::{Benchmark, BenchmarkDraft, BenchmarkFilter},
    claim::ClaimFilter,
    flavor::{Flavor, FlavorFilter, NewFlavor},
    mail::ItemKind,
    service::Decision,
    site::{Site, SiteFilter},
    submit::SubmitFilter,
};
use serde_json::json;

#[tokio::test]
async fn a_submitted_benchmark_is_pending_with_a_submit_and_a_mail() {
    let f = Fixture::new().await;
    f.domain.store.take_outbox();
    let b = f.submit_benchmark(&f.alice, "img/a", "1.0").await;
    assert_eq!(b.status, Status::OnReview);
    let catalog = &f.domain.catalog;
    let approved =
        catalog.list::<Benchmark>(&BenchmarkFilter::default(), &with_status(Status::Approved)).await;
    assert_eq!(approved.unwrap().total, 0, "pending items are not listed by default");
    let pending =
        catalog.list::<Benchmark>(&BenchmarkFilter::default(), &with_status(Status::OnReview)).await;
    assert_eq!(pending.unwrap().items[0].id, b.id);
    let submits =
        catalog.list_submits(&f.root().await, &SubmitFilter::default(), &[], first_page()).await.unwrap();
    assert_eq!(
        (submits.items[0].resource_type, submits.items[0].resource_id),
        (ItemKind::Benchmark, b.id.uuid())
    );
    assert_eq!(submits.items[0].uploader.email, "alice@example.org");
    let mails = f.domain.store.outbox();
    assert_eq!(mails[0].subject, format!("New benchmark resource submitted: {}", b.id));
    assert_eq!(mails[0].to, vec!["alice@example.org".to_string()]);
}

#[tokio::test]
async fn approving_lists_the_item_removes_its_submit_and_mails_the_uploader() {
    let f = Fixture::new().await;
    let site = f.submit_site(&f.alice, "site-a").await;
    f.approve::<Site>(site.id).await;
    let catalog = &f.domain.catalog;
    let listed = catalog.list::<Site>(&SiteFilter::default(), &with_status(Status::Approved)).await.unwrap();
    assert_eq!(listed.items[0].id, site.id);
    assert_eq!(
        catalog
            .list_submits(&f.root().await, &SubmitFilter::default(), &[], first_page())
            .await
            .unwrap()
            .total,
        0
    );
    let last = f.domain.store.outbox().pop().unwrap();
    assert_eq!(last.subject, format!("Resource approved: {}", site.id));
    assert_eq!(last.to, vec!["alice@example.org".to_string()]);
}

#[tokio::test]
async fn an_approved_item_cannot_be_approved_or_rejected_again() {
    let f = Fixture::new().await;
    let b = f.submit_benchmark(&f.alice, "img/a", "1.0").await;
    f.approve::<Benchmark>(b.id).await;
    for decision in [Decision::Approve, Decision::Reject] {
        let err = f.domain.catalog.decide::<Benchmark>(&f.root().await, b.id, decision).await.unwrap_err();
        assert!(
            matches!(&err, DomainError::Invalid(m) if *m == format!("Benchmark {} was already approved", b.id))
        );
    }
    assert!(f.domain.catalog.get::<Benchmark>(b.id).await.is_ok(), "still there");
}

#[tokio::test]
async fn rejecting_deletes_the_item_and_its_submit() {
    let f = Fixture::new().await;
    let site = f.submit_site(&f.alice, "site-a").await;
    let flavor = f.submit_flavor(&f.bob, site.id, "small").await;
    f.domain.catalog.decide::<Flavor>(&f.root().await, flavor.id, Decision::Reject).await.unwrap();
    let err = f.domain.catalog.get::<Flavor>(flavor.id).await.unwrap_err();
    assert!(
        matches!(&err, DomainError::NotFound(m) if m.to_string() == format!("Record {} not found in the database", flavor.id))
    );
    let submits = f
        .domain
        .catalog
        .list_submits(&f.root().await, &SubmitFilter::default(), &[], first_page())
        .await
        .unwrap();
    assert_eq!(submits.items.iter().map(|s| s.resource_id).collect::<Vec<_>>(), vec![site.id.uuid()]);
    let last = f.domain.store.outbox().pop().unwrap();
    assert_eq!(
        (last.subject, last.to),
        (format!("Resource rejected: {}", flavor.id), vec!["bob@example.org".into()])
    );
}

#[tokio::test]
async fn deciding_on_a_missing_item_is_not_found() {
    let f = Fixture::new().await;
    let id = Id::new_v4();
    let err = f.domain.catalog.decide::<Benchmark>(&f.root().await, id, Decision::Approve).await.unwrap_err();
    assert!(
        matches!(&err, DomainError::NotFound(m) if m.to_string() == format!("Benchmark {id} not found in the database"))
    );
    let err =
        f.domain.results.decide_claim(&f.root().await, Id::from_uuid(id.uuid()), true).await.unwrap_err();
    assert!(
        matches!(&err, DomainError::NotFound(m) if m.to_string() == format!("Claim {id} not found in the database"))
    );
}

#[tokio::test]
async fn flavors_may_be_added_to_and_approved_on_a_pending_site() {
    let f = Fixture::new().await;
    let site = f.submit_site(&f.alice, "site-a").await;
    let flavor = f.submit_flavor(&f.alice, site.id, "small").await;
    f.approve::<Flavor>(flavor.id).await;
    let filter = FlavorFilter { site_id: site.id, name: None };
    let listed = f.domain.catalog.list::<Flavor>(&filter, &with_status(Status::Approved)).await.unwrap();
    assert_eq!(listed.items[0].id, flavor.id);
    let err = f.domain.catalog.list::<Flavor>(&FlavorFilter::default(), &with_status(Status::Approved)).await;
    assert!(matches!(err.unwrap_err(), DomainError::NotFound(_)), "flavors of a missing site");
}

#[tokio::test]
async fn results_need_an_approved_benchmark_and_flavor() {
    let f = Fixture::new().await;
    let mut catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let alice = f.user(&f.alice).await;
    let pending = f.submit_benchmark(&f.alice, "img/b", "1.0").await;
    let approved = std::mem::replace(&mut catalog.benchmark, pending.clone());
    let upload = upload_of(&catalog, json!({"time": 1}), f.executed(1), vec![]);
    let err = f.domain.results.upload(&alice, upload).await.unwrap_err();
    assert!(
        matches!(&err, DomainError::Invalid(m) if *m == format!("Benchmark {} not approved", pending.id))
    );
    catalog.benchmark = approved;
    catalog.flavor = f.submit_flavor(&f.alice, catalog.site.id, "large").await;
    let upload = upload_of(&catalog, json!({"time": 1}), f.executed(1), vec![]);
    let err = f.domain.results.upload(&alice, upload).await.unwrap_err();
    assert!(
        matches!(&err, DomainError::Invalid(m) if *m == format!("Flavor {} not approved", catalog.flavor.id))
    );
}

#[tokio::test]
async fn uniqueness_clashes_are_conflicts_across_statuses() {
    let f = Fixture::new().await;
    let first = f.submit_benchmark(&f.alice, "img/a", "1.0").await;
    let alice = f.user(&f.alice).await;
    let draft = |tag: &str| BenchmarkDraft {
        docker_image: "img/a".into(),
        docker_tag: tag.into(),
        url: "u".into(),
        json_schema: common::schema(),
        description: None,
    };
    let err = f.domain.catalog.create::<Benchmark>(&alice, draft("1.0")).await.unwrap_err();
    assert!(
        matches!(&err, DomainError::Conflict(m) if m.to_string() == "Benchmark img/a:1.0 already submitted/exists")
    );
    f.domain.registry.publish("img/a", "2.0");
    let second = f.domain.catalog.create::<Benchmark>(&alice, draft("2.0")).await.unwrap();
    let err =
        f.domain.catalog.update::<Benchmark>(&f.root().await, second.id, draft("1.0")).await.unwrap_err();
    assert!(
        matches!(&err, DomainError::Conflict(m) if m.to_string() == "Changes conflict submitted/existing benchmark")
    );
    assert!(
        f.domain.catalog.update::<Benchmark>(&f.root().await, first.id, draft("1.0")).await.is_ok(),
        "its own key"
    );
    let site = f.submit_site(&f.alice, "site-a").await;
    let other = f.submit_site(&f.alice, "site-b").await;
    f.submit_flavor(&f.alice, site.id, "small").await;
    f.submit_flavor(&f.alice, other.id, "small").await; // same name in another site is fine
    let dup = eosc_perf_domain::flavor::FlavorDraft {
        name: "small".into(),
        description: None,
        spec: Default::default(),
    };
    let err = f
        .domain
        .catalog
        .create::<Flavor>(&alice, NewFlavor { site_id: site.id, draft: dup })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DomainError::Conflict(m) if m.to_string() == "Flavor small already submitted/exists")
    );
}

#[tokio::test]
async fn benchmarks_need_an_existing_image_and_a_draft_7_schema() {
    let f = Fixture::new().await;
    let alice = f.user(&f.alice).await;
    let mut draft = BenchmarkDraft {
        docker_image: "img/missing".into(),
        docker_tag: "1.0".into(),
        url: "u".into(),
        json_schema: json!({"type": "x"}),
        description: None,
    };
    let err = f.domain.catalog.create::<Benchmark>(&alice, draft.clone()).await.unwrap_err();
    assert!(
        matches!(&err, DomainError::Invalid(m) if m == "Could not validate container image: Error: manifest not found"),
        "the image check comes first: {err:?}"
    );
    f.domain.registry.publish("img/missing", "1.0");
    let err = f.domain.catalog.create::<Benchmark>(&alice, draft.clone()).await.unwrap_err();
    assert!(matches!(&err, DomainError::SchemaViolation { path, .. } if path == "deque(['type'])"));
    draft.json_schema = common::schema();
    assert!(f.domain.catalog.create::<Benchmark>(&alice, draft).await.is_ok());
}

#[tokio::test]
async fn deleting_a_site_cascades_to_its_flavors_results_and_submits() {
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let pending_flavor = f.submit_flavor(&f.bob, catalog.site.id, "large").await;
    let result = f.upload(&f.bob, &catalog, json!({"time": 1}), 1, vec![]).await;
    f.domain.catalog.delete::<Site>(&f.root().await, catalog.site.id).await.unwrap();
    assert!(f.domain.catalog.get::<Flavor>(catalog.flavor.id).await.is_err(), "approved flavors go too");
    assert!(f.domain.catalog.get::<Flavor>(pending_flavor.id).await.is_err());
    assert!(f.domain.results.get(result.id).await.is_err(), "results on the site go too");
    assert!(f.domain.catalog.get::<Benchmark>(catalog.benchmark.id).await.is_ok(), "the benchmark stays");
    let submits = f
        .domain
        .catalog
        .list_submits(&f.root().await, &SubmitFilter::default(), &[], first_page())
        .await
        .unwrap();
    assert_eq!(submits.total, 0);
    let err = f.domain.catalog.delete::<Site>(&f.root().await, catalog.site.id).await.unwrap_err();
    assert!(matches!(err, DomainError::NotFound(_)));
}

#[tokio::test]
async fn deleting_a_benchmark_deletes_its_results_and_orphans_their_claims() {
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let result = f.upload(&f.alice, &catalog, json!({"time": 1}), 1, vec![]).await;
    let claim = f.domain.results.claim(&f.user(&f.bob).await, result.id, "bad".into()).await.unwrap();
    f.domain.catalog.delete::<Benchmark>(&f.root().await, catalog.benchmark.id).await.unwrap();
    assert!(f.domain.results.get(result.id).await.is_err());
    let orphan = f.domain.results.claim_by_id(&f.root().await, claim.id).await.unwrap();
    assert_eq!(orphan.result_id, None, "the claim stays, without its result");
    let submits = f
        .domain
        .catalog
        .list_submits(&f.root().await, &SubmitFilter::default(), &[], first_page())
        .await
        .unwrap();
    assert_eq!(submits.items[0].resource_id, claim.id.uuid(), "a pending claim's submit stays");
    let claims = f
        .domain
        .results
        .list_claims(&f.root().await, &ClaimFilter::default(), &[], first_page())
        .await
        .unwrap();
    assert_eq!(claims.total, 1);
}

#[tokio::test]
async fn deletes_send_no_mail() {
    let f = Fixture::new().await;
    let site = f.submit_site(&f.bob, "doomed").await;
    let before = f.domain.store.outbox().len();
    f.domain.catalog.delete::<Site>(&f.root().await, site.id).await.unwrap();
    assert_eq!(f.domain.store.outbox().len(), before);
}
