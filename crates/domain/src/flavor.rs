//! Flavors: virtual machine types of a site.

use chrono::{DateTime, Utc};

use crate::{
    DomainError, FlavorId, Missing, SiteId, Status,
    flavor_spec::{FlavorSpec, FlavorSpecPatch},
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
    /// Its typed spec (hardware and price), every field optional.
    pub spec: FlavorSpec,
}

/// Fields of a flavor on create or full update (`description: None` keeps it on update; the
/// spec patch keeps what it does not mention).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlavorDraft {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Changes to the spec (on create: applied to an empty spec).
    pub spec: FlavorSpecPatch,
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
        let NewFlavor { site_id, draft: FlavorDraft { name, description, spec } } = new;
        let spec = spec.applied_to(FlavorSpec::default());
        Flavor {
            id,
            name,
            description,
            site_id,
            upload_datetime: at,
            status: Status::OnReview,
            uploader,
            spec,
        }
    }

    moderated_accessors!(flavors);

    fn missing(id: FlavorId) -> Missing {
        Missing::Flavor(id)
    }

    fn apply(&mut self, draft: FlavorDraft) {
        self.name = draft.name;
        self.description = draft.description.or(self.description.take());
        self.spec = draft.spec.applied_to(std::mem::take(&mut self.spec));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flavor_spec::{Change, Count, Label};

    fn draft(spec: FlavorSpecPatch) -> FlavorDraft {
        FlavorDraft { name: "m1".into(), description: None, spec }
    }

    #[test]
    fn an_update_changes_only_the_spec_members_it_names() {
        let key = UserKey { sub: "s".into(), iss: "i".into() };
        let created = FlavorSpecPatch {
            vcpus: Change::Set(Count::new(2).unwrap()),
            region: Change::Set(Label::new("eu").unwrap()),
            ..FlavorSpecPatch::default()
        };
        let new = NewFlavor { site_id: SiteId::new_v4(), draft: draft(created) };
        let mut flavor = Flavor::pending(FlavorId::new_v4(), new, key, Utc::now());
        assert_eq!(flavor.spec.vcpus.map(Count::get), Some(2));
        flavor.apply(draft(FlavorSpecPatch { region: Change::Clear, ..FlavorSpecPatch::default() }));
        assert_eq!(flavor.spec.vcpus.map(Count::get), Some(2), "absent: kept");
        assert_eq!(flavor.spec.region, None, "null: cleared");
    }
}
