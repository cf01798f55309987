//! The in-memory adapters against the port contracts directly: `RepoError::Conflict` on
//! uniqueness clashes, `NotFound` on missing rows, and transactions that commit or roll back.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod common;

use common::Fixture;
use eosc_perf_domain::Id;
use eosc_perf_domain::{
    DomainError, PageRequest, RepoError, Status,
    mail::{ItemKind, MailTemplates},
    memory::MemoryStore,
    moderated::{Moderated, ModeratedRepository},
    site::{Site, SiteDraft},
    submit::{NewSubmit, SubmitFilter, SubmitRepository},
    tag::{Tag, TagDraft, TagRepository},
    unit_of_work::UnitOfWork,
    user::{User, UserRepository},
};

fn mail() -> eosc_perf_domain::mail::OutboundMail {
    MailTemplates::default().registered("x@example.org")
}

async fn store_with_user() -> (MemoryStore, User) {
    let store = MemoryStore::new();
    let user = User {
        sub: "s".into(),
        iss: "https://i".into(),
        email: "x@example.org".into(),
        registration_datetime: chrono::Utc::now(),
    };
    UserRepository::insert(&store, &user, mail()).await.unwrap();
    (store, user)
}

fn site(name: &str, by: &User) -> Site {
    Site {
        id: Id::new_v4(),
        name: name.into(),
        address: "a".into(),
        description: None,
        upload_datetime: chrono::Utc::now(),
        status: Status::OnReview,
        uploader: by.key(),
    }
}

fn submit_of(site: &Site) -> NewSubmit {
    NewSubmit {
        kind: ItemKind::Site,
        id: site.id.uuid(),
        uploader: site.uploader.clone(),
        upload_datetime: site.upload_datetime,
    }
}

/// Inserts a site in its own transaction.
async fn insert_site(store: &MemoryStore, site: &Site) -> Result<(), RepoError> {
    let mut tx = store.begin().await?;
    Site::writes(tx.as_mut()).insert(site).await?;
    tx.commit().await
}

#[tokio::test]
async fn uniqueness_clashes_are_conflicts_and_missing_rows_not_found() {
    let (store, user) = store_with_user().await;
    let err = UserRepository::insert(&store, &user, mail()).await.unwrap_err();
    assert!(matches!(err, RepoError::Conflict(_)));
    let first = site("KIT", &user);
    insert_site(&store, &first).await.unwrap();
    let err = insert_site(&store, &site("KIT", &user)).await.unwrap_err();
    assert!(matches!(err, RepoError::Conflict(_)), "same name, any status");
    let mut second = site("CERN", &user);
    insert_site(&store, &second).await.unwrap();
    second.name = "KIT".into();
    let sites: &dyn ModeratedRepository<Site> = &store;
    assert!(matches!(sites.update(&second).await, Err(RepoError::Conflict(_))));
    assert!(matches!(sites.update(&site("new", &user)).await, Err(RepoError::NotFound)));
    let stranger = User { sub: "nobody".into(), ..user.clone() };
    let err = insert_site(&store, &site("orphan", &stranger)).await.unwrap_err();
    assert!(matches!(err, RepoError::Conflict(_)), "the uploader foreign key");
    let tag = Tag { id: Id::new_v4(), name: "gpu".into(), description: None };
    TagRepository::insert(&store, &tag).await.unwrap();
    let clash = Tag { id: Id::new_v4(), ..tag.clone() };
    assert!(matches!(TagRepository::insert(&store, &clash).await, Err(RepoError::Conflict(_))));
    let draft = TagDraft { name: "x".into(), description: None };
    assert!(matches!(TagRepository::update(&store, Id::new_v4(), &draft).await, Err(RepoError::NotFound)));
}

#[tokio::test]
async fn an_update_keeps_the_stored_status() {
    let (store, user) = store_with_user().await;
    let mut kit = site("KIT", &user);
    insert_site(&store, &kit).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.set_approved(ItemKind::Site, kit.id.uuid()).await.unwrap();
    tx.commit().await.unwrap();
    kit.address = "Karlsruhe".into();
    let sites: &dyn ModeratedRepository<Site> = &store;
    sites.update(&kit).await.unwrap();
    let stored = sites.find(kit.id).await.unwrap().unwrap();
    assert_eq!((stored.address.as_str(), stored.status), ("Karlsruhe", Status::Approved));
}

#[tokio::test]
async fn a_transaction_writes_nothing_until_it_commits() {
    let (store, user) = store_with_user().await;
    let kit = site("KIT", &user);
    let mut tx = store.begin().await.unwrap();
    Site::writes(tx.as_mut()).insert(&kit).await.unwrap();
    tx.add_submit(&submit_of(&kit)).await.unwrap();
    tx.queue_mail(&mail()).await.unwrap();
    assert_eq!(
        tx.status(ItemKind::Site, kit.id.uuid()).await.unwrap(),
        Some(Status::OnReview),
        "its own writes"
    );
    let sites: &dyn ModeratedRepository<Site> = &store;
    assert!(sites.find(kit.id).await.unwrap().is_none(), "others do not see them yet");
    drop(tx);
    assert!(sites.find(kit.id).await.unwrap().is_none(), "dropped: rolled back");
    assert_eq!(store.outbox().len(), 1, "only the welcome mail");
    let mut tx = store.begin().await.unwrap();
    Site::writes(tx.as_mut()).insert(&kit).await.unwrap();
    tx.queue_mail(&mail()).await.unwrap();
    tx.commit().await.unwrap();
    assert!(sites.find(kit.id).await.unwrap().is_some());
    assert_eq!(store.outbox().len(), 2);
}

#[tokio::test]
async fn a_transaction_overtaken_by_another_write_does_not_commit() {
    let (store, user) = store_with_user().await;
    let kit = site("KIT", &user);
    let mut tx = store.begin().await.unwrap();
    Site::writes(tx.as_mut()).insert(&kit).await.unwrap();
    let tag = Tag { id: Id::new_v4(), name: "gpu".into(), description: None };
    TagRepository::insert(&store, &tag).await.unwrap();
    assert!(matches!(tx.commit().await, Err(RepoError::Unavailable(_))));
    let sites: &dyn ModeratedRepository<Site> = &store;
    assert!(sites.find(kit.id).await.unwrap().is_none());
    assert!(TagRepository::find(&store, tag.id).await.unwrap().is_some(), "the other write stays");
}

#[tokio::test]
async fn submits_need_their_item_and_deletes_take_them_along() {
    let (store, user) = store_with_user().await;
    let kit = site("KIT", &user);
    let mut tx = store.begin().await.unwrap();
    let err = tx.add_submit(&submit_of(&kit)).await.unwrap_err();
    assert!(matches!(err, RepoError::Conflict(_)), "the submit's foreign key");
    Site::writes(tx.as_mut()).insert(&kit).await.unwrap();
    tx.add_submit(&submit_of(&kit)).await.unwrap();
    assert!(tx.delete(ItemKind::Site, kit.id.uuid()).await.unwrap(), "any status");
    assert!(!tx.delete(ItemKind::Site, kit.id.uuid()).await.unwrap(), "gone");
    assert_eq!(tx.status(ItemKind::Site, kit.id.uuid()).await.unwrap(), None);
    tx.commit().await.unwrap();
    let submits = SubmitRepository::list(&store, &SubmitFilter::default(), &[], PageRequest::default()).await;
    let submits = submits.unwrap();
    assert_eq!(submits.total, 0);
}

#[tokio::test]
async fn site_names_are_unique_through_the_service() {
    let f = Fixture::new().await;
    f.submit_site(&f.alice, "KIT").await;
    let draft = SiteDraft { name: "KIT".into(), address: "x".into(), description: None };
    let err = f.domain.catalog.create::<Site>(&f.user(&f.bob).await, draft).await.unwrap_err();
    assert!(matches!(&err, DomainError::Conflict(m) if m.to_string() == "Site KIT already submitted/exists"));
}
