//! The `flavor` table as a moderated kind.

use domain::{
    RepoError,
    flavor::{Flavor, FlavorFilter, FlavorSort},
};
use sea_orm::{ColumnTrait, Condition, Set};

use super::{
    common::{status, stored_status, uploader},
    moderated::{ColumnOf, SeaModerated, moderated_column, moderated_columns},
};
use crate::entity::flavor;

moderated_columns!(flavor);

impl SeaModerated for Flavor {
    type Entity = flavor::Entity;

    fn to_domain(m: flavor::Model) -> Result<Self, RepoError> {
        Ok(Flavor {
            id: m.id,
            status: status(&m.status)?,
            uploader: uploader(&m.uploader_sub, &m.uploader_iss),
            name: m.name,
            description: m.description,
            site_id: m.site_id,
            upload_datetime: m.upload_datetime,
        })
    }

    fn to_row(&self) -> flavor::ActiveModel {
        flavor::ActiveModel {
            id: Set(self.id),
            name: Set(self.name.clone()),
            description: Set(self.description.clone()),
            site_id: Set(self.site_id),
            uploader_sub: Set(self.uploader.sub.clone()),
            uploader_iss: Set(self.uploader.iss.clone()),
            upload_datetime: Set(self.upload_datetime),
            status: Set(stored_status(self.status).to_owned()),
        }
    }

    /// Always within one site.
    fn condition(filter: &FlavorFilter) -> Condition {
        let mut cond = Condition::all().add(flavor::Column::SiteId.eq(filter.site_id));
        if let Some(v) = &filter.name {
            cond = cond.add(flavor::Column::Name.eq(v.as_str()));
        }
        cond
    }

    fn search_columns() -> Vec<ColumnOf<Self>> {
        vec![flavor::Column::Name, flavor::Column::Description]
    }

    fn sort_column(field: &FlavorSort) -> flavor::Column {
        match *field {
            FlavorSort::Moderation(common) => moderated_column(common),
            FlavorSort::Name => flavor::Column::Name,
            FlavorSort::Description => flavor::Column::Description,
            FlavorSort::SiteId => flavor::Column::SiteId,
        }
    }
}
