//! The submit list on SeaORM. Submits are filed and removed by the unit of work.

use domain::{
    Page, PageRequest, RepoError, SortKey,
    mail::ItemKind,
    submit::{Submit, SubmitFilter, SubmitRepository, SubmitSort},
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait};
use uuid::Uuid;

use super::{
    common::Users,
    kinds::{kind_of, stored_kind, submitted_item},
};
use crate::{
    entity::submit,
    sql::{date_condition, fetch_page, filter_if, sort_by},
};

/// [`SubmitRepository`] on SeaORM.
pub struct SeaSubmitRepository {
    db: DatabaseConnection,
}

impl SeaSubmitRepository {
    /// Over this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

/// The kind of a stored submit and the id of its item.
fn item_of(row: &submit::Model) -> Result<(ItemKind, Uuid), RepoError> {
    let corrupt = || RepoError::Backend(format!("submit {} refers to no {:?}", row.id, row.resource_type));
    let kind = kind_of(&row.resource_type).ok_or_else(corrupt)?;
    Ok((kind, submitted_item(kind, row).ok_or_else(corrupt)?))
}

fn sort_column(field: &SubmitSort) -> submit::Column {
    match field {
        SubmitSort::Id => submit::Column::Id,
        SubmitSort::UploadDatetime => submit::Column::UploadDatetime,
        SubmitSort::ResourceType => submit::Column::ResourceType,
    }
}

#[async_trait::async_trait]
impl SubmitRepository for SeaSubmitRepository {
    async fn list(
        &self,
        f: &SubmitFilter,
        sort: &[SortKey<SubmitSort>],
        page: PageRequest,
    ) -> Result<Page<Submit>, RepoError> {
        let mut cond = date_condition(submit::Column::UploadDatetime, &f.uploaded);
        if let Some(kind) = f.resource_type {
            cond = cond.add(submit::Column::ResourceType.eq(stored_kind(kind)));
        }
        let select = sort_by(filter_if(submit::Entity::find(), cond), sort, sort_column, submit::Column::Id);
        let rows = fetch_page(&self.db, select, page).await?;
        let users = Users::load(
            &self.db,
            rows.items.iter().map(|s| (s.uploader_sub.clone(), s.uploader_iss.clone())),
        )
        .await?;
        let items = rows
            .items
            .iter()
            .map(|s| {
                let (resource_type, resource_id) = item_of(s)?;
                let uploader = users.get(&s.uploader_sub, &s.uploader_iss, s.upload_datetime);
                Ok(Submit {
                    id: s.id.into(),
                    resource_type,
                    resource_id,
                    upload_datetime: s.upload_datetime,
                    uploader,
                })
            })
            .collect::<Result<_, RepoError>>()?;
        Ok(Page { items, total: rows.total, request: rows.request })
    }
}
