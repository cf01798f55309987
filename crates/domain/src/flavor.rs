//! Flavors: virtual machine types of a site.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Page, RepoError, Status, mail::OutboundMail, query::ListParams, user::UserKey};

/// A flavor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flavor {
    /// Id.
    pub id: Uuid,
    /// Name, unique within its site.
    pub name: String,
    /// Optional description.
    pub description: Option<String>,
    /// The site it belongs to.
    pub site_id: Uuid,
    /// When it was submitted.
    pub upload_datetime: DateTime<Utc>,
    /// Moderation status.
    pub status: Status,
    /// Who submitted it.
    pub uploader: UserKey,
}

/// Fields of a flavor on create or full update (`description: None` keeps it on update).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlavorDraft {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
}

/// Filters of flavor lists (always within one site).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlavorFilter {
    /// The site.
    pub site_id: Uuid,
    /// Exact name.
    pub name: Option<String>,
}

/// Sortable flavor fields.
pub const FLAVOR_SORT_FIELDS: &[&str] =
    &["id", "upload_datetime", "name", "description", "site_id", "status", "uploader_sub", "uploader_iss"];

/// Port: flavor storage.
#[async_trait::async_trait]
pub trait FlavorRepository: Send + Sync {
    /// One flavor in any status.
    ///
    /// # Errors
    /// Backend failures.
    async fn find(&self, id: Uuid) -> Result<Option<Flavor>, RepoError>;
    /// Stores a new pending flavor with its submit and mail.
    ///
    /// # Errors
    /// `Conflict` when the name exists in the site, `NotFound` when the site vanished.
    async fn insert(&self, flavor: &Flavor, mail: OutboundMail) -> Result<(), RepoError>;
    /// Replaces the fields of a flavor.
    ///
    /// # Errors
    /// `NotFound`, or `Conflict` on a name clash within the site.
    async fn update(&self, id: Uuid, draft: &FlavorDraft) -> Result<(), RepoError>;
    /// A filtered page.
    ///
    /// # Errors
    /// Backend failures.
    async fn list(&self, filter: &FlavorFilter, params: &ListParams) -> Result<Page<Flavor>, RepoError>;
}
