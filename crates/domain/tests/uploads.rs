//! Batch and idempotent uploads: all or nothing with every failing index, order, replays under
//! a key, another request under a used key, the window of a key.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod common;

use chrono::TimeDelta;
use common::{Fixture, upload_of};
use eosc_perf_domain::{
    DomainError, PageRequest, idempotency::IdempotencyKey, result::ResultFilter, service::MAX_BATCH_ITEMS,
};
use serde_json::json;

async fn stored(f: &Fixture) -> u64 {
    let page = f.domain.results.list(&ResultFilter::default(), &[], PageRequest::default()).await.unwrap();
    page.total
}

#[tokio::test]
async fn a_batch_is_stored_in_order_or_not_at_all() {
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let alice = f.user(&f.alice).await;
    let items = (0..5).map(|i| upload_of(&catalog, json!({"time": i}), f.executed(1), vec![])).collect();
    let results = f.domain.results.upload_batch(&alice, items, None).await.unwrap();
    let times: Vec<i64> = results.iter().map(|r| r.json["time"].as_i64().unwrap()).collect();
    assert_eq!(times, vec![0, 1, 2, 3, 4]);
    let mut items: Vec<_> =
        (0..5).map(|i| upload_of(&catalog, json!({"time": i}), f.executed(1), vec![])).collect();
    items[1].json = json!({"time": "x"});
    items[3].execution = f.executed(-2);
    let tag = eosc_perf_domain::TagId::new_v4();
    items[4].tags_ids = vec![tag];
    match f.domain.results.upload_batch(&alice, items, None).await {
        Err(DomainError::ItemsRefused { total, errors }) => {
            assert_eq!(total, 5);
            let indexes: Vec<usize> = errors.iter().map(|e| e.index).collect();
            assert_eq!(indexes, vec![1, 3, 4]);
            assert_eq!(errors[1].error, "Execution date cannot be in future");
            assert_eq!(errors[2].error, format!("NoneType {tag} not in database"));
            assert!(errors[0].path.is_some());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(stored(&f).await, 5);
    let empty = f.domain.results.upload_batch(&alice, vec![], None).await;
    assert!(matches!(empty, Err(DomainError::Invalid(_))));
    let too_many = (0..=MAX_BATCH_ITEMS)
        .map(|i| upload_of(&catalog, json!({"time": i}), f.executed(1), vec![]))
        .collect();
    assert!(matches!(
        f.domain.results.upload_batch(&alice, too_many, None).await,
        Err(DomainError::Invalid(_))
    ));
}

#[tokio::test]
async fn a_key_replays_the_first_answer_within_its_window() {
    let f = Fixture::new().await;
    let catalog = f.approved_catalog("img/a", "site-a", "small").await;
    let alice = f.user(&f.alice).await;
    let key = || Some(IdempotencyKey::parse("run-42").unwrap());
    let upload = || upload_of(&catalog, json!({"time": 1}), f.executed(1), vec![]);
    let first = f.domain.results.upload_with_key(&alice, upload(), key()).await.unwrap();
    let again = f.domain.results.upload_with_key(&alice, upload(), key()).await.unwrap();
    assert_eq!(again, first);
    assert_eq!(stored(&f).await, 1);
    let other = upload_of(&catalog, json!({"time": 2}), f.executed(1), vec![]);
    let refused = f.domain.results.upload_with_key(&alice, other, key()).await;
    assert!(matches!(refused, Err(DomainError::Invalid(m)) if m.contains("Idempotency-Key")));
    // Another user's same key is theirs.
    let bob = f.user(&f.bob).await;
    let theirs = f.domain.results.upload_with_key(&bob, upload(), key()).await.unwrap();
    assert_ne!(theirs.id, first.id);
    // After the window the key is forgotten and the upload stored again.
    f.domain.clock.set(f.now() + TimeDelta::hours(25));
    let later = f.domain.results.upload_with_key(&alice, upload(), key()).await.unwrap();
    assert_ne!(later.id, first.id);
    assert_eq!(stored(&f).await, 3);
}
