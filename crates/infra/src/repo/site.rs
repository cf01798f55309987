//! The `site` table as a moderated kind.

use domain::{
    RepoError,
    site::{Site, SiteFilter, SiteSort},
};
use sea_orm::{ColumnTrait, Condition, Set};

use super::{
    common::{status, stored_status, uploader},
    moderated::{ColumnOf, SeaModerated, moderated_column, moderated_columns},
};
use crate::entity::site;

moderated_columns!(site);

impl SeaModerated for Site {
    type Entity = site::Entity;

    fn to_domain(m: site::Model) -> Result<Self, RepoError> {
        Ok(Site {
            id: m.id,
            status: status(&m.status)?,
            uploader: uploader(&m.uploader_sub, &m.uploader_iss),
            name: m.name,
            address: m.address,
            description: m.description,
            upload_datetime: m.upload_datetime,
        })
    }

    fn to_row(&self) -> site::ActiveModel {
        site::ActiveModel {
            id: Set(self.id),
            name: Set(self.name.clone()),
            address: Set(self.address.clone()),
            description: Set(self.description.clone()),
            uploader_sub: Set(self.uploader.sub.clone()),
            uploader_iss: Set(self.uploader.iss.clone()),
            upload_datetime: Set(self.upload_datetime),
            status: Set(stored_status(self.status).to_owned()),
        }
    }

    fn condition(filter: &SiteFilter) -> Condition {
        let mut cond = Condition::all();
        if let Some(v) = &filter.name {
            cond = cond.add(site::Column::Name.eq(v.as_str()));
        }
        if let Some(v) = &filter.address {
            cond = cond.add(site::Column::Address.eq(v.as_str()));
        }
        cond
    }

    fn search_columns() -> Vec<ColumnOf<Self>> {
        vec![site::Column::Name, site::Column::Address, site::Column::Description]
    }

    fn sort_column(field: &SiteSort) -> site::Column {
        match *field {
            SiteSort::Moderation(common) => moderated_column(common),
            SiteSort::Name => site::Column::Name,
            SiteSort::Address => site::Column::Address,
            SiteSort::Description => site::Column::Description,
        }
    }
}
