//! The `site` table as a moderated kind.

use domain::site::{Site, SiteDraft, SiteFilter, SiteSort};
use sea_orm::{Condition, Set};

use super::moderated::{ColumnOf, SeaModerated, exact, moderated_column, moderated_columns};
use crate::entity::site::{self, Column};

moderated_columns!(site);

impl SeaModerated for Site {
    type Entity = site::Entity;

    fn submitted(m: site::Model) -> Result<SiteDraft, domain::RepoError> {
        Ok(SiteDraft { name: m.name, address: m.address, description: m.description })
    }

    fn own_columns(&self) -> site::ActiveModel {
        let (name, address) = (Set(self.name.clone()), Set(self.address.clone()));
        site::ActiveModel { name, address, description: Set(self.description.clone()), ..Default::default() }
    }

    fn condition(filter: &SiteFilter) -> Condition {
        exact(&[(Column::Name, &filter.name), (Column::Address, &filter.address)])
    }

    fn search_columns() -> Vec<ColumnOf<Self>> {
        vec![Column::Name, Column::Address, Column::Description]
    }

    fn sort_column(field: &SiteSort) -> Column {
        match *field {
            SiteSort::Moderation(common) => moderated_column(common),
            SiteSort::Name => Column::Name,
            SiteSort::Address => Column::Address,
            SiteSort::Description => Column::Description,
        }
    }
}
