//! Submits: the admins' to-do list. One exists for each pending benchmark, site, flavor and
//! claim, from its creation until it is approved, rejected or deleted.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{
    Page, RepoError, SortKey, SubmitId,
    mail::ItemKind,
    query::{DateRange, PageRequest, SortField},
    user::{User, UserKey},
};

/// A pending item awaiting review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submit {
    /// Internal id (sortable, not exposed).
    pub id: SubmitId,
    /// What is pending.
    pub resource_type: ItemKind,
    /// The pending item's id (the claim's own id for claims).
    pub resource_id: Uuid,
    /// When the submit was created.
    pub upload_datetime: DateTime<Utc>,
    /// Who uploaded the item (the claimer for claims).
    pub uploader: User,
}

/// The submit of a new pending item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSubmit {
    /// What is pending.
    pub kind: ItemKind,
    /// The pending item (the claim itself for claims).
    pub id: Uuid,
    /// Who submitted it.
    pub uploader: UserKey,
    /// When.
    pub upload_datetime: DateTime<Utc>,
}

/// Filters of the submit list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubmitFilter {
    /// Only this type.
    pub resource_type: Option<ItemKind>,
    /// Upload dates.
    pub uploaded: DateRange,
}

/// What submit lists sort on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitSort {
    /// `id`
    Id,
    /// `upload_datetime`
    UploadDatetime,
    /// `resource_type`
    ResourceType,
}

impl SortField for SubmitSort {
    fn named(name: &str) -> Option<Vec<Self>> {
        let field = match name {
            "id" => Self::Id,
            "upload_datetime" => Self::UploadDatetime,
            "resource_type" => Self::ResourceType,
            _ => return None,
        };
        Some(vec![field])
    }
}

/// Port: the submit list. Submits are filed and removed with their item, through
/// [`crate::unit_of_work::Transaction`].
#[async_trait::async_trait]
pub trait SubmitRepository: Send + Sync {
    /// A filtered, sorted page of submits.
    ///
    /// # Errors
    /// `Unavailable` or `Backend` when the database fails.
    async fn list(
        &self,
        filter: &SubmitFilter,
        sort: &[SortKey<SubmitSort>],
        page: PageRequest,
    ) -> Result<Page<Submit>, RepoError>;
}
