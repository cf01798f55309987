//! The in-memory adapters against the port contracts directly: `RepoError::Conflict` on
//! uniqueness clashes, `NotFound` on missing rows, and the `Moderated` outcomes.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod common;

use common::Fixture;
use eosc_perf_domain::{
    DomainError, RepoError, Status,
    mail::{ItemKind, MailTemplates},
    memory::MemoryStore,
    site::{Site, SiteDraft, SiteRepository},
    submit::{Moderated, ModerationRepository},
    tag::{Tag, TagDraft, TagRepository},
    user::{User, UserRepository},
};
use uuid::Uuid;

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
        id: Uuid::new_v4(),
        name: name.into(),
        address: "a".into(),
        description: None,
        upload_datetime: chrono::Utc::now(),
        status: Status::OnReview,
        uploader: by.key(),
    }
}

#[tokio::test]
async fn uniqueness_clashes_are_conflicts_and_missing_rows_not_found() {
    let (store, user) = store_with_user().await;
    let err = UserRepository::insert(&store, &user, mail()).await.unwrap_err();
    assert!(matches!(err, RepoError::Conflict(_)));
    let first = site("KIT", &user);
    SiteRepository::insert(&store, &first, mail()).await.unwrap();
    let err = SiteRepository::insert(&store, &site("KIT", &user), mail()).await.unwrap_err();
    assert!(matches!(err, RepoError::Conflict(_)), "same name, any status");
    let second = site("CERN", &user);
    SiteRepository::insert(&store, &second, mail()).await.unwrap();
    let rename = SiteDraft { name: "KIT".into(), address: "b".into(), description: None };
    assert!(matches!(SiteRepository::update(&store, second.id, &rename).await, Err(RepoError::Conflict(_))));
    assert!(matches!(
        SiteRepository::update(&store, Uuid::new_v4(), &rename).await,
        Err(RepoError::NotFound)
    ));
    let stranger = User { sub: "nobody".into(), ..user.clone() };
    let err = SiteRepository::insert(&store, &site("orphan", &stranger), mail()).await.unwrap_err();
    assert!(matches!(err, RepoError::Conflict(_)), "the uploader foreign key");
    let tag = Tag { id: Uuid::new_v4(), name: "gpu".into(), description: None };
    TagRepository::insert(&store, &tag).await.unwrap();
    let clash = Tag { id: Uuid::new_v4(), ..tag.clone() };
    assert!(matches!(TagRepository::insert(&store, &clash).await, Err(RepoError::Conflict(_))));
    let draft = TagDraft { name: "x".into(), description: None };
    assert!(matches!(TagRepository::update(&store, Uuid::new_v4(), &draft).await, Err(RepoError::NotFound)));
}

#[tokio::test]
async fn moderation_outcomes_follow_the_status() {
    let (store, user) = store_with_user().await;
    let s = site("KIT", &user);
    SiteRepository::insert(&store, &s, mail()).await.unwrap();
    let moderation: &dyn ModerationRepository = &store;
    assert_eq!(moderation.approve(ItemKind::Site, s.id, mail()).await.unwrap(), Moderated::Done);
    assert_eq!(moderation.approve(ItemKind::Site, s.id, mail()).await.unwrap(), Moderated::AlreadyApproved);
    assert_eq!(moderation.reject(ItemKind::Site, s.id, mail()).await.unwrap(), Moderated::AlreadyApproved);
    let missing = Uuid::new_v4();
    assert_eq!(moderation.approve(ItemKind::Flavor, missing, mail()).await.unwrap(), Moderated::Missing);
    assert_eq!(moderation.delete(ItemKind::Site, s.id).await.unwrap(), Moderated::Done, "any status");
    assert_eq!(moderation.delete(ItemKind::Site, s.id).await.unwrap(), Moderated::Missing);
    // Mails are queued only when something changed: welcome, site submitted, site approved.
    assert_eq!(store.outbox().len(), 3);
}

#[tokio::test]
async fn site_names_are_unique_through_the_service() {
    let f = Fixture::new().await;
    f.submit_site(&f.alice, "KIT").await;
    let draft = SiteDraft { name: "KIT".into(), address: "x".into(), description: None };
    let err = f.domain.catalog.create_site(&f.user(&f.bob).await, draft).await.unwrap_err();
    assert!(matches!(&err, DomainError::Conflict(m) if m == "Site KIT already submitted/exists"));
}
