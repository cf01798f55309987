//! Sites: cloud providers where benchmarks run.

use chrono::{DateTime, Utc};

use crate::{
    Missing, SiteId, Status,
    mail::ItemKind,
    moderated::{Moderated, moderated_accessors},
    query::{ModeratedSort, SortField},
    user::UserKey,
};

/// A site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// Id.
    pub id: SiteId,
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

/// What site lists sort on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteSort {
    /// A field every moderated item has.
    Moderation(ModeratedSort),
    /// `name`
    Name,
    /// `address`
    Address,
    /// `description`
    Description,
}

impl SortField for SiteSort {
    fn named(name: &str) -> Option<Vec<Self>> {
        let field = match name {
            "name" => Self::Name,
            "address" => Self::Address,
            "description" => Self::Description,
            other => Self::Moderation(ModeratedSort::named(other)?),
        };
        Some(vec![field])
    }
}

impl Moderated for Site {
    type New = SiteDraft;
    type Draft = SiteDraft;
    type Filter = SiteFilter;
    type Sort = SiteSort;
    const KIND: ItemKind = ItemKind::Site;

    fn pending(id: SiteId, new: SiteDraft, uploader: UserKey, at: DateTime<Utc>) -> Self {
        let SiteDraft { name, address, description } = new;
        Site { id, name, address, description, upload_datetime: at, status: Status::OnReview, uploader }
    }

    moderated_accessors!(sites);

    fn missing(id: SiteId) -> Missing {
        Missing::Site(id)
    }

    fn apply(&mut self, draft: SiteDraft) {
        self.name = draft.name;
        self.address = draft.address;
        self.description = draft.description.or(self.description.take());
    }

    fn unique_key(&self) -> String {
        self.name.clone()
    }
}
