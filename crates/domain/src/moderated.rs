//! The moderated catalog: benchmarks, sites and flavors. Registered users submit items, which
//! wait on review with a submit until an admin approves or rejects them; admins also edit and
//! delete them in any status.
//!
//! Everything the kinds share is written once, generic over [`Moderated`]: the service
//! (`service::CatalogService`), the repository port ([`ModeratedRepository`]), its adapters
//! and the HTTP routes. An implementation of [`Moderated`] says only how its kind differs: its
//! inputs, filters and sort fields, its messages, and the checks its submissions pass.

use chrono::{DateTime, Utc};

use crate::{
    Clash, DomainError, Id, Missing, Page, RepoError, Status,
    mail::ItemKind,
    query::{ListParams, SortField},
    service::{CatalogPorts, CatalogService},
    unit_of_work::{ModeratedWrites, Transaction},
    user::UserKey,
};

/// What every moderated item carries besides its own fields.
#[derive(Debug)]
pub struct Moderation<'a, R> {
    /// Id.
    pub id: Id<R>,
    /// When it was submitted.
    pub upload_datetime: DateTime<Utc>,
    /// Moderation status.
    pub status: Status,
    /// Who submitted it.
    pub uploader: &'a UserKey,
}

/// A kind of catalog item: what differs between benchmarks, sites and flavors.
#[async_trait::async_trait]
pub trait Moderated: Clone + Send + Sync + 'static {
    /// What a submission carries.
    type New: Send + Sync;
    /// What a full update carries (`description: None` keeps the description).
    type Draft: Send + Sync;
    /// The exact filters of its lists.
    type Filter: Send + Sync;
    /// Its sortable fields.
    type Sort: SortField + Clone + Send + Sync + 'static;

    /// The kind, as submits and mails name it.
    const KIND: ItemKind;

    /// A new item, pending review.
    fn pending(id: Id<Self>, new: Self::New, uploader: UserKey, at: DateTime<Utc>) -> Self;
    /// Its moderation fields.
    fn moderation(&self) -> Moderation<'_, Self>;
    /// Its status, to change.
    fn status_mut(&mut self) -> &mut Status;
    /// Applies a full update.
    fn apply(&mut self, draft: Self::Draft);

    /// Its unique key as messages name it (a site's name, a benchmark's `image:tag`).
    fn unique_key(&self) -> String;
    /// `<Kind> <key> already submitted/exists`: its unique key is taken.
    fn taken(&self) -> Clash {
        Clash::Taken { kind: Self::KIND, key: self.unique_key() }
    }
    /// `Changes conflict submitted/existing <kind>`: an update would take another's key.
    fn update_conflict() -> Clash {
        Clash::Changes(Self::KIND)
    }
    /// A missing item of this kind.
    fn missing(id: Id<Self>) -> Missing;
    /// The message when something a submission refers to vanished while it was stored.
    fn vanished(&self) -> Missing {
        Self::missing(self.moderation().id)
    }

    /// Its repository among the catalog's ports.
    fn repository(ports: &CatalogPorts) -> &dyn ModeratedRepository<Self>;
    /// Its inserts in a transaction.
    fn writes(tx: &mut dyn Transaction) -> &mut dyn ModeratedWrites<Self>;

    /// Checks a submission before it is stored.
    ///
    /// # Errors
    /// The contract's refusal.
    async fn check_new(new: &Self::New, catalog: &CatalogService) -> Result<(), DomainError> {
        let _ = (new, catalog);
        Ok(())
    }
    /// Checks an update before the item is looked up.
    ///
    /// # Errors
    /// The contract's refusal.
    async fn check_draft(draft: &Self::Draft, catalog: &CatalogService) -> Result<(), DomainError> {
        let _ = (draft, catalog);
        Ok(())
    }
    /// Checks an update once the item is known to exist.
    ///
    /// # Errors
    /// The contract's refusal.
    fn validate(draft: &Self::Draft) -> Result<(), DomainError> {
        let _ = draft;
        Ok(())
    }
    /// Checks a list request before listing.
    ///
    /// # Errors
    /// The contract's refusal.
    async fn check_list(filter: &Self::Filter, catalog: &CatalogService) -> Result<(), DomainError> {
        let _ = (filter, catalog);
        Ok(())
    }
}

/// Writes the accessors of [`Moderated`] that only name fields: `moderation` and
/// `status_mut` over the fields `id`, `upload_datetime`, `status` and `uploader`, `repository`
/// as the field `$ports` of the catalog's ports, and `writes`.
macro_rules! moderated_accessors {
    ($ports:ident) => {
        fn moderation(&self) -> $crate::moderated::Moderation<'_, Self> {
            let Self { id, upload_datetime, status, ref uploader, .. } = *self;
            $crate::moderated::Moderation { id, upload_datetime, status, uploader }
        }

        fn status_mut(&mut self) -> &mut $crate::Status {
            &mut self.status
        }

        fn repository(
            ports: &$crate::service::CatalogPorts,
        ) -> &dyn $crate::moderated::ModeratedRepository<Self> {
            ports.$ports.as_ref()
        }

        fn writes(
            tx: &mut dyn $crate::unit_of_work::Transaction,
        ) -> &mut dyn $crate::unit_of_work::ModeratedWrites<Self> {
            tx
        }
    };
}
pub(crate) use moderated_accessors;

/// Port: storage of one moderated kind. New items are stored through
/// [`ModeratedWrites`], with their submit and mail; approve, reject and delete through the
/// [`crate::unit_of_work::Transaction`].
#[async_trait::async_trait]
pub trait ModeratedRepository<R: Moderated>: Send + Sync {
    /// One item in any status.
    ///
    /// # Errors
    /// `Unavailable` or `Backend` when the database fails.
    async fn find(&self, id: Id<R>) -> Result<Option<R>, RepoError>;
    /// Stores the editable fields of an item (its moderation fields stay as stored).
    ///
    /// # Errors
    /// `NotFound` when it does not exist, `Conflict` when its unique key is taken.
    async fn update(&self, item: &R) -> Result<(), RepoError>;
    /// A filtered, sorted page; the id is the final tiebreaker.
    ///
    /// # Errors
    /// `Unavailable` or `Backend` when the database fails.
    async fn list(&self, filter: &R::Filter, params: &ListParams<R::Sort>) -> Result<Page<R>, RepoError>;
}
