//! Claim reads on SeaORM. Claims are filed and decided through the unit of work.

use domain::{
    ClaimId, Page, PageRequest, RepoError, SortKey,
    claim::{Claim, ClaimFilter, ClaimRepository, ClaimSort},
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait};

use super::{
    common::{Users, status, stored_status},
    moderated::{moderated_column, moderated_columns},
};
use crate::{
    entity::claim,
    error::{DbResultExt, read_retrying},
    sql::{date_condition, fetch_page, filter_if, sort_by},
};

moderated_columns!(claim);

/// [`ClaimRepository`] on SeaORM.
pub struct SeaClaimRepository {
    db: DatabaseConnection,
}

impl SeaClaimRepository {
    /// Over this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn sort_column(field: &ClaimSort) -> claim::Column {
    match *field {
        ClaimSort::Moderation(common) => moderated_column(common),
        ClaimSort::Message => claim::Column::Message,
    }
}

#[async_trait::async_trait]
impl ClaimRepository for SeaClaimRepository {
    async fn find(&self, id: ClaimId) -> Result<Option<Claim>, RepoError> {
        read_retrying(|| async move {
            let Some(row) = claim::Entity::find_by_id(id.uuid()).one(&self.db).await.repo()? else {
                return Ok(None);
            };
            let page = Page { items: vec![row], total: 1, request: PageRequest::default() };
            Ok(with_users(&self.db, page).await?.items.pop())
        })
        .await
    }

    async fn list(
        &self,
        f: &ClaimFilter,
        sort: &[SortKey<ClaimSort>],
        page: PageRequest,
    ) -> Result<Page<Claim>, RepoError> {
        use claim::Column as C;
        let mut cond = date_condition(C::UploadDatetime, &f.uploaded);
        if let Some(s) = f.status {
            cond = cond.add(C::Status.eq(stored_status(s)));
        }
        if let Some(r) = f.result_id {
            cond = cond.add(C::ResultId.eq(r.uuid()));
        }
        if let Some(k) = &f.claimer {
            cond = cond.add(C::UploaderSub.eq(k.sub.as_str())).add(C::UploaderIss.eq(k.iss.as_str()));
        }
        let select = sort_by(filter_if(claim::Entity::find(), cond), sort, sort_column, C::Id);
        let rows = fetch_page(&self.db, select, page).await?;
        with_users(&self.db, rows).await
    }
}

async fn with_users(db: &DatabaseConnection, rows: Page<claim::Model>) -> Result<Page<Claim>, RepoError> {
    let users =
        Users::load(db, rows.items.iter().map(|c| (c.uploader_sub.clone(), c.uploader_iss.clone()))).await?;
    let items = rows
        .items
        .into_iter()
        .map(|c| {
            Ok(Claim {
                uploader: users.get(&c.uploader_sub, &c.uploader_iss, c.upload_datetime),
                status: status(&c.status)?,
                id: c.id.into(),
                message: c.message,
                result_id: c.result_id.map(Into::into),
                upload_datetime: c.upload_datetime,
            })
        })
        .collect::<Result<_, RepoError>>()?;
    Ok(Page { items, total: rows.total, request: rows.request })
}
