//! Claims: reports against suspicious results. A claim hides its result until an admin
//! decides; a result may carry several claims (Q2 fixed: `claim.result_id`).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{
    Page, PageRequest, RepoError, SortKey, Status,
    mail::OutboundMail,
    query::DateRange,
    submit::Moderated,
    user::{User, UserKey},
};

/// A claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Id.
    pub id: Uuid,
    /// Why the result is suspicious.
    pub message: String,
    /// The claimed result (`None` once the result was hard-deleted).
    pub result_id: Option<Uuid>,
    /// When it was made.
    pub upload_datetime: DateTime<Utc>,
    /// Moderation status.
    pub status: Status,
    /// The claimer.
    pub uploader: User,
}

/// Filters of claim lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClaimFilter {
    /// Status (default approved, Q3).
    pub status: Option<Status>,
    /// Upload dates.
    pub uploaded: DateRange,
    /// Only claims on this result.
    pub result_id: Option<Uuid>,
    /// Only claims by this user.
    pub claimer: Option<UserKey>,
}

/// Sortable claim fields.
pub const CLAIM_SORT_FIELDS: &[&str] =
    &["id", "status", "upload_datetime", "resource_type", "message", "uploader_sub", "uploader_iss"];

/// A new claim to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClaim {
    /// Id.
    pub id: Uuid,
    /// Message.
    pub message: String,
    /// The result.
    pub result_id: Uuid,
    /// When.
    pub upload_datetime: DateTime<Utc>,
    /// Claimer.
    pub claimer: UserKey,
}

/// Port: claim storage.
#[async_trait::async_trait]
pub trait ClaimRepository: Send + Sync {
    /// One claim.
    ///
    /// # Errors
    /// Backend failures.
    async fn find(&self, id: Uuid) -> Result<Option<Claim>, RepoError>;
    /// Stores a pending claim with its submit, hides the result and queues the mail, in one
    /// transaction.
    ///
    /// # Errors
    /// `NotFound` when the result vanished.
    async fn insert(&self, claim: &NewClaim, mail: OutboundMail) -> Result<(), RepoError>;
    /// A filtered page.
    ///
    /// # Errors
    /// Backend failures.
    async fn list(
        &self,
        filter: &ClaimFilter,
        sort: &[SortKey],
        page: PageRequest,
    ) -> Result<Page<Claim>, RepoError>;
    /// Approves a pending claim (the result stays hidden) and queues the mail.
    ///
    /// # Errors
    /// Backend failures.
    async fn approve(&self, id: Uuid, mail: OutboundMail) -> Result<Moderated, RepoError>;
    /// Deletes a pending claim and queues `mail`; when its result has no other claim (pending
    /// or approved) and was not deleted by an admin, shows the result again and queues
    /// `restored` (Q1).
    ///
    /// # Errors
    /// Backend failures.
    async fn reject(
        &self,
        id: Uuid,
        mail: OutboundMail,
        restored: Option<OutboundMail>,
    ) -> Result<Moderated, RepoError>;
}
