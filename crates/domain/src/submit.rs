//! Submits: the admins' to-do list. One exists for each pending benchmark, site, flavor and
//! claim, from its creation until it is approved, rejected or deleted.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{
    Page, RepoError, SortKey,
    mail::{ItemKind, OutboundMail},
    query::{DateRange, PageRequest},
    user::User,
};

/// A pending item awaiting review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submit {
    /// Internal id (sortable, not exposed).
    pub id: Uuid,
    /// What is pending.
    pub resource_type: ItemKind,
    /// The pending item's id (the claim's own id for claims).
    pub resource_id: Uuid,
    /// When the submit was created.
    pub upload_datetime: DateTime<Utc>,
    /// Who uploaded the item (the claimer for claims).
    pub uploader: User,
}

/// Filters of the submit list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubmitFilter {
    /// Only this type.
    pub resource_type: Option<ItemKind>,
    /// Upload dates.
    pub uploaded: DateRange,
}

/// Sortable submit fields.
pub const SUBMIT_SORT_FIELDS: &[&str] = &["id", "upload_datetime", "resource_type"];

/// What happened to a moderation request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderated {
    /// The item was pending and is now approved / rejected / deleted.
    Done,
    /// The item exists but was already approved.
    AlreadyApproved,
    /// No such item.
    Missing,
}

/// Port: the moderation operations every moderated table shares.
#[async_trait::async_trait]
pub trait ModerationRepository: Send + Sync {
    /// Approves a pending item: status approved, submit removed, mail queued, one transaction.
    ///
    /// # Errors
    /// Backend failures.
    async fn approve(&self, kind: ItemKind, id: Uuid, mail: OutboundMail) -> Result<Moderated, RepoError>;
    /// Rejects a pending item: hard delete with cascades, mail queued, one transaction.
    ///
    /// # Errors
    /// Backend failures.
    async fn reject(&self, kind: ItemKind, id: Uuid, mail: OutboundMail) -> Result<Moderated, RepoError>;
    /// Deletes an item in any status, with the contract's cascades (no mail).
    ///
    /// # Errors
    /// Backend failures.
    async fn delete(&self, kind: ItemKind, id: Uuid) -> Result<Moderated, RepoError>;
    /// A page of submits.
    ///
    /// # Errors
    /// Backend failures.
    async fn submits(
        &self,
        filter: &SubmitFilter,
        sort: &[SortKey],
        page: PageRequest,
    ) -> Result<Page<Submit>, RepoError>;
}
