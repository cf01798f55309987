//! Sites: cloud providers where benchmarks run.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Page, RepoError, Status, mail::OutboundMail, query::ListParams, user::UserKey};

/// A site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// Id.
    pub id: Uuid,
    /// Unique name.
    pub name: String,
    /// Free-text address.
    pub address: String,
    /// Optional description.
    pub description: Option<String>,
    /// When it was submitted.
    pub upload_datetime: DateTime<Utc>,
    /// Moderation status.
    pub status: Status,
    /// Who submitted it.
    pub uploader: UserKey,
}

/// Fields of a site on create or full update (`description: None` keeps it on update).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteDraft {
    /// Unique name.
    pub name: String,
    /// Address.
    pub address: String,
    /// Description.
    pub description: Option<String>,
}

/// Exact filters of site lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteFilter {
    /// Exact name.
    pub name: Option<String>,
    /// Exact address.
    pub address: Option<String>,
}

/// Sortable site fields.
pub const SITE_SORT_FIELDS: &[&str] =
    &["id", "upload_datetime", "name", "address", "description", "status", "uploader_sub", "uploader_iss"];

/// Port: site storage.
#[async_trait::async_trait]
pub trait SiteRepository: Send + Sync {
    /// One site in any status.
    ///
    /// # Errors
    /// Backend failures.
    async fn find(&self, id: Uuid) -> Result<Option<Site>, RepoError>;
    /// Stores a new pending site with its submit and mail.
    ///
    /// # Errors
    /// `Conflict` when the name exists in any status.
    async fn insert(&self, site: &Site, mail: OutboundMail) -> Result<(), RepoError>;
    /// Replaces the fields of a site.
    ///
    /// # Errors
    /// `NotFound`, or `Conflict` on a name clash.
    async fn update(&self, id: Uuid, draft: &SiteDraft) -> Result<(), RepoError>;
    /// A filtered page.
    ///
    /// # Errors
    /// Backend failures.
    async fn list(&self, filter: &SiteFilter, params: &ListParams) -> Result<Page<Site>, RepoError>;
}
