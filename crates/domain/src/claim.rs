//! Claims: reports against suspicious results. A claim hides its result until an admin
//! decides; a result may carry several claims (Q2 fixed: `claim.result_id`).

use chrono::{DateTime, Utc};

use crate::{
    ClaimId, Page, PageRequest, RepoError, ResultId, SortKey, Status,
    query::{DateRange, ModeratedSort, SortField},
    user::{User, UserKey},
};

/// A claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Id.
    pub id: ClaimId,
    /// Why the result is suspicious.
    pub message: String,
    /// The claimed result (`None` once the result was hard-deleted).
    pub result_id: Option<ResultId>,
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
    pub result_id: Option<ResultId>,
    /// Only claims by this user.
    pub claimer: Option<UserKey>,
}

/// What claim lists sort on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimSort {
    /// A field every moderated item has.
    Moderation(ModeratedSort),
    /// `message`
    Message,
}

impl SortField for ClaimSort {
    /// `resource_type` is accepted and sorts on nothing: it is `result` for every claim.
    fn named(name: &str) -> Option<Vec<Self>> {
        match name {
            "resource_type" => Some(Vec::new()),
            "message" => Some(vec![Self::Message]),
            other => Some(vec![Self::Moderation(ModeratedSort::named(other)?)]),
        }
    }
}

/// A new claim to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClaim {
    /// Id.
    pub id: ClaimId,
    /// Message.
    pub message: String,
    /// The result.
    pub result_id: ResultId,
    /// When.
    pub upload_datetime: DateTime<Utc>,
    /// Claimer.
    pub claimer: UserKey,
}

/// Port: claim reads. Claims are filed, approved and rejected through
/// [`crate::unit_of_work::Transaction`].
#[async_trait::async_trait]
pub trait ClaimRepository: Send + Sync {
    /// One claim.
    ///
    /// # Errors
    /// `Unavailable` or `Backend` when the database fails.
    async fn find(&self, id: ClaimId) -> Result<Option<Claim>, RepoError>;
    /// A filtered, sorted page.
    ///
    /// # Errors
    /// `Unavailable` or `Backend` when the database fails.
    async fn list(
        &self,
        filter: &ClaimFilter,
        sort: &[SortKey<ClaimSort>],
        page: PageRequest,
    ) -> Result<Page<Claim>, RepoError>;
}
