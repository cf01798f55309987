//! Flavors: virtual machine types of a site.

use chrono::{DateTime, Utc};

use crate::{
    DomainError, FlavorId, Missing, SiteId, Status,
    mail::ItemKind,
    moderated::{Moderated, moderated_accessors},
    query::{ModeratedSort, SortField},
    service::CatalogService,
    site::Site,
    user::UserKey,
};

/// A flavor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flavor {
    /// Id.
    pub id: FlavorId,
    /// Name, unique within its site.
    pub name: String,
    /// Optional description.
    pub description: Option<String>,
    /// The site it belongs to.
    pub site_id: SiteId,
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
    pub site_id: SiteId,
    /// Exact name.
    pub name: Option<String>,
}

/// A flavor submitted for a site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFlavor {
    /// The site (pending sites take flavors too, Q20).
    pub site_id: SiteId,
    /// Its fields.
    pub draft: FlavorDraft,
}

/// What flavor lists sort on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlavorSort {
    /// A field every moderated item has.
    Moderation(ModeratedSort),
    /// `name`
    Name,
    /// `description`
    Description,
    /// `site_id`
    SiteId,
}

impl SortField for FlavorSort {
    fn named(name: &str) -> Option<Vec<Self>> {
        let field = match name {
            "name" => Self::Name,
            "description" => Self::Description,
            "site_id" => Self::SiteId,
            other => Self::Moderation(ModeratedSort::named(other)?),
        };
        Some(vec![field])
    }
}

#[async_trait::async_trait]
impl Moderated for Flavor {
    type New = NewFlavor;
    type Draft = FlavorDraft;
    type Filter = FlavorFilter;
    type Sort = FlavorSort;
    const KIND: ItemKind = ItemKind::Flavor;

    fn pending(id: FlavorId, new: NewFlavor, uploader: UserKey, at: DateTime<Utc>) -> Self {
        let NewFlavor { site_id, draft: FlavorDraft { name, description } } = new;
        Flavor { id, name, description, site_id, upload_datetime: at, status: Status::OnReview, uploader }
    }

    moderated_accessors!(flavors);

    fn missing(id: FlavorId) -> Missing {
        Missing::Flavor(id)
    }

    fn apply(&mut self, draft: FlavorDraft) {
        self.name = draft.name;
        self.description = draft.description.or(self.description.take());
    }

    fn unique_key(&self) -> String {
        self.name.clone()
    }

    /// The site vanished.
    fn vanished(&self) -> Missing {
        Missing::Site(self.site_id)
    }

    /// The site must exist, in any status.
    async fn check_new(new: &NewFlavor, catalog: &CatalogService) -> Result<(), DomainError> {
        catalog.get::<Site>(new.site_id).await.map(drop)
    }

    /// The site must exist, in any status.
    async fn check_list(filter: &FlavorFilter, catalog: &CatalogService) -> Result<(), DomainError> {
        catalog.get::<Site>(filter.site_id).await.map(drop)
    }
}
