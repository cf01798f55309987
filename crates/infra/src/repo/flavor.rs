//! The `flavor` table as a moderated kind.

use domain::flavor::{Flavor, FlavorDraft, FlavorFilter, FlavorSort, NewFlavor};
use sea_orm::{ColumnTrait, Condition, Set};

use super::moderated::{ColumnOf, SeaModerated, exact, moderated_column, moderated_columns};
use crate::entity::flavor::{self, Column};

moderated_columns!(flavor);

impl SeaModerated for Flavor {
    type Entity = flavor::Entity;

    fn submitted(m: flavor::Model) -> NewFlavor {
        NewFlavor {
            site_id: m.site_id.into(),
            draft: FlavorDraft { name: m.name, description: m.description },
        }
    }

    fn own_columns(&self) -> flavor::ActiveModel {
        let (name, description) = (Set(self.name.clone()), Set(self.description.clone()));
        flavor::ActiveModel { name, description, site_id: Set(self.site_id.uuid()), ..Default::default() }
    }

    /// Always within one site.
    fn condition(filter: &FlavorFilter) -> Condition {
        exact(&[(Column::Name, &filter.name)]).add(Column::SiteId.eq(filter.site_id.uuid()))
    }

    fn search_columns() -> Vec<ColumnOf<Self>> {
        vec![Column::Name, Column::Description]
    }

    fn sort_column(field: &FlavorSort) -> Column {
        match *field {
            FlavorSort::Moderation(common) => moderated_column(common),
            FlavorSort::Name => Column::Name,
            FlavorSort::Description => Column::Description,
            FlavorSort::SiteId => Column::SiteId,
        }
    }
}
