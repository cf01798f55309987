//! Result uploads (contract §4.3, §6.1-§6.3): execution date rules, references, JSON Schema
//! validation; tags on results; admin hide.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod common;

use chrono::TimeDelta;
use common::{Fixture, upload_of};
use eosc_perf_domain::Id;
use eosc_perf_domain::{
    DomainError,
    service::results::OFFLOAD_ABOVE_BYTES,
    tag::{Tag, TagDraft},
};
use serde_json::json;

async fn tag(f: &Fixture, name: &str) -> Tag {
    f.domain
        .tags
        .create(&f.user(&f.alice).await, TagDraft { name: name.into(), description: None })
        .await
        .unwrap()
}

#[tokio::test]
async fn an_upload_stores_the_document_with_its_context_in_utc() {
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let result = f.upload(&f.alice, &catalog, json!({"time": 7}), 3, vec![]).await;
    assert_eq!(result.execution_datetime, f.now() - TimeDelta::hours(3), "offset +02:00 converted");
    assert_eq!((result.site.id, result.flavor.id), (catalog.site.id, catalog.flavor.id), "site from flavor");
    assert_eq!(
        (result.json, result.hidden, result.uploader.sub.as_str()),
        (json!({"time": 7}), false, "alice")
    );
    assert_eq!(
        f.domain.results.uploader(&f.root().await, result.id).await.unwrap().email,
        "alice@example.org"
    );
}

#[tokio::test]
async fn the_execution_date_needs_a_zone_and_must_not_be_in_the_future() {
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let alice = f.user(&f.alice).await;
    let (naive, _) = f.executed(1);
    let upload = upload_of(&catalog, json!({"time": 1}), (naive, None), vec![]);
    let err = f.domain.results.upload(&alice, upload).await.unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(m) if m == "Execution date must include timezone"));
    let upload = upload_of(&catalog, json!({"time": 1}), f.executed(-1), vec![]);
    let err = f.domain.results.upload(&alice, upload).await.unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(m) if m == "Execution date cannot be in future"));
    let upload = upload_of(&catalog, json!({"time": 1}), f.executed(0), vec![]);
    assert!(f.domain.results.upload(&alice, upload).await.is_ok(), "exactly now is allowed");
}

#[tokio::test]
async fn documents_must_follow_the_benchmark_schema() {
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let alice = f.user(&f.alice).await;
    let upload = upload_of(&catalog, json!({"time": "10"}), f.executed(1), vec![]);
    let err = f.domain.results.upload(&alice, upload).await.unwrap_err();
    assert!(
        matches!(&err, DomainError::SchemaViolation { error, path }
        if error == "\"10\" is not of type \"integer\"" && path == "deque(['time'])"),
        "{err:?}"
    );
    let upload = upload_of(&catalog, json!({}), f.executed(1), vec![]);
    let err = f.domain.results.upload(&alice, upload).await.unwrap_err();
    assert!(matches!(&err, DomainError::SchemaViolation { path, .. } if path == "deque([])"), "{err:?}");
    assert_eq!(f.domain.pool.jobs(), 0, "small documents are checked in place");
}

#[tokio::test]
async fn large_documents_are_checked_on_the_blocking_pool() {
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let padding = "x".repeat(OFFLOAD_ABOVE_BYTES);
    let result = f.upload(&f.alice, &catalog, json!({"time": 1, "log": padding}), 1, vec![]).await;
    assert_eq!(f.domain.pool.jobs(), 1);
    assert_eq!(result.json["time"], 1);
    let bad = upload_of(
        &catalog,
        json!({"time": "1", "log": "x".repeat(OFFLOAD_ABOVE_BYTES)}),
        f.executed(1),
        vec![],
    );
    let err = f.domain.results.upload(&f.user(&f.alice).await, bad).await.unwrap_err();
    assert!(matches!(err, DomainError::SchemaViolation { .. }), "the pool's verdict is kept");
}

#[tokio::test]
async fn unknown_references_are_not_found() {
    let f = Fixture::new().await;
    let mut catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let alice = f.user(&f.alice).await;
    let missing = Id::new_v4();
    let upload = upload_of(&catalog, json!({"time": 1}), f.executed(1), vec![missing]);
    let err = f.domain.results.upload(&alice, upload).await.unwrap_err();
    assert!(
        matches!(&err, DomainError::NotFound(m) if m.to_string() == format!("NoneType {missing} not in database"))
    );
    catalog.flavor.id = Id::from_uuid(missing.uuid());
    let upload = upload_of(&catalog, json!({"time": 1}), f.executed(1), vec![]);
    assert!(matches!(f.domain.results.upload(&alice, upload).await.unwrap_err(), DomainError::NotFound(_)));
}

#[tokio::test]
async fn duplicate_tags_in_an_upload_are_a_conflict() {
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let t = tag(&f, "gpu").await;
    let upload = upload_of(&catalog, json!({"time": 1}), f.executed(1), vec![t.id, t.id]);
    let err = f.domain.results.upload(&f.user(&f.alice).await, upload).await.unwrap_err();
    assert!(matches!(&err, DomainError::Conflict(m) if m.to_string() == "Integrity error"));
}

#[tokio::test]
async fn the_owner_replaces_the_tags_of_a_result() {
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let (gpu, fast) = (tag(&f, "gpu").await, tag(&f, "fast").await);
    let result = f.upload(&f.alice, &catalog, json!({"time": 1}), 1, vec![gpu.id]).await;
    let results = &f.domain.results;
    results.set_tags(&f.user(&f.alice).await, result.id, Some(vec![gpu.id, fast.id, gpu.id])).await.unwrap();
    let names: Vec<_> = results.get(result.id).await.unwrap().tags.into_iter().map(|t| t.name).collect();
    assert_eq!(names, vec!["fast", "gpu"], "duplicates tolerated, ordered by name");
    results.set_tags(&f.user(&f.alice).await, result.id, None).await.unwrap();
    assert_eq!(results.get(result.id).await.unwrap().tags.len(), 2, "None changes nothing");
    let missing = Id::new_v4();
    let err = results.set_tags(&f.user(&f.alice).await, result.id, Some(vec![missing])).await.unwrap_err();
    assert!(
        matches!(&err, DomainError::NotFound(m) if m.to_string() == format!("NoneType {missing} not in database"))
    );
    results.set_tags(&f.user(&f.alice).await, result.id, Some(vec![])).await.unwrap();
    assert!(results.get(result.id).await.unwrap().tags.is_empty());
    let err = results
        .set_tags(&f.user(&f.alice).await, Id::from_uuid(missing.uuid()), Some(vec![]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DomainError::NotFound(m) if m.to_string() == format!("Result {missing} not found in the database"))
    );
}

#[tokio::test]
async fn deleting_a_tag_unlinks_it_and_keeps_the_results() {
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let gpu = tag(&f, "gpu").await;
    let result = f.upload(&f.alice, &catalog, json!({"time": 1}), 1, vec![gpu.id]).await;
    f.domain.tags.delete(&f.root().await, gpu.id).await.unwrap();
    assert!(f.domain.results.get(result.id).await.unwrap().tags.is_empty());
    let err = f.domain.tags.delete(&f.root().await, gpu.id).await.unwrap_err();
    assert!(
        matches!(&err, DomainError::NotFound(m) if m.to_string() == format!("Record {} not found in the database", gpu.id))
    );
}

#[tokio::test]
async fn tag_names_are_unique() {
    let f = Fixture::new().await;
    let gpu = tag(&f, "gpu").await;
    let fast = tag(&f, "fast").await;
    let err = f
        .domain
        .tags
        .create(&f.user(&f.alice).await, TagDraft { name: "gpu".into(), description: None })
        .await
        .unwrap_err();
    assert!(matches!(&err, DomainError::Conflict(m) if m.to_string() == "Tag gpu already submitted/exists"));
    let rename = TagDraft { name: "gpu".into(), description: Some("d".into()) };
    let err = f.domain.tags.update(&f.root().await, fast.id, rename.clone()).await.unwrap_err();
    assert!(
        matches!(&err, DomainError::Conflict(m) if m.to_string() == "Changes conflict submitted/existing tag")
    );
    f.domain.tags.update(&f.root().await, gpu.id, rename).await.unwrap();
    assert_eq!(f.domain.tags.get(gpu.id).await.unwrap().description.as_deref(), Some("d"));
}

#[tokio::test]
async fn an_admin_delete_hides_a_result_but_keeps_it_readable() {
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let result = f.upload(&f.alice, &catalog, json!({"time": 1}), 1, vec![]).await;
    f.domain.results.hide(&f.root().await, result.id).await.unwrap();
    assert!(f.domain.results.get(result.id).await.unwrap().hidden);
    let page = f.domain.results.list(&Default::default(), &[], common::first_page()).await.unwrap();
    assert_eq!(page.total, 0);
    let missing = Id::new_v4();
    assert!(matches!(
        f.domain.results.hide(&f.root().await, missing).await.unwrap_err(),
        DomainError::NotFound(_)
    ));
}

#[tokio::test]
async fn a_dry_run_checks_the_schema_of_any_benchmark_and_stores_nothing() {
    let f = Fixture::new().await;
    let pending = f.submit_benchmark(&f.alice, "img/pending", "1").await;
    let results = &f.domain.results;
    assert!(results.validate(pending.id, json!({"time": 3}), 11).await.is_ok(), "pending benchmarks too");
    let err = results.validate(pending.id, json!({"time": "slow"}), 15).await.unwrap_err();
    assert!(matches!(err, DomainError::SchemaViolation { .. }), "{err:?}");
    let missing = Id::new_v4();
    let err = results.validate(missing, json!({}), 2).await.unwrap_err();
    assert_eq!(err.to_string(), format!("Benchmark {missing} not found in the database"));
}
