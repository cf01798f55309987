//! Sites on SeaORM.

use domain::{
    Page, RepoError,
    mail::{ItemKind, OutboundMail},
    query::ListParams,
    site::{Site, SiteDraft, SiteFilter, SiteRepository},
};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, Set, TransactionTrait};
use uuid::Uuid;

use super::common::{begin_write, insert_submit, moderated_condition, status, uploader};
use crate::{
    entity::site,
    error::{DbResultExt, read_retrying},
    outbox,
    sql::{fetch_page, filter_if, sort_by_columns, terms_condition},
};

/// [`SiteRepository`] on SeaORM.
pub struct SeaSiteRepository {
    db: DatabaseConnection,
}

impl SeaSiteRepository {
    /// Over this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

/// Entity to domain.
pub(crate) fn to_domain(m: site::Model) -> Site {
    Site {
        id: m.id,
        status: status(&m.status),
        uploader: uploader(&m.uploader_sub, &m.uploader_iss),
        name: m.name,
        address: m.address,
        description: m.description,
        upload_datetime: m.upload_datetime,
    }
}

#[async_trait::async_trait]
impl SiteRepository for SeaSiteRepository {
    async fn find(&self, id: Uuid) -> Result<Option<Site>, RepoError> {
        read_retrying(|| async move {
            Ok(site::Entity::find_by_id(id).one(&self.db).await.repo()?.map(to_domain))
        })
        .await
    }

    async fn insert(&self, s: &Site, mail: OutboundMail) -> Result<(), RepoError> {
        let txn = self.db.begin().await.repo()?;
        site::ActiveModel {
            id: Set(s.id),
            name: Set(s.name.clone()),
            address: Set(s.address.clone()),
            description: Set(s.description.clone()),
            uploader_sub: Set(s.uploader.sub.clone()),
            uploader_iss: Set(s.uploader.iss.clone()),
            upload_datetime: Set(s.upload_datetime),
            status: Set(s.status.as_str().to_owned()),
        }
        .insert(&txn)
        .await
        .repo()?;
        insert_submit(&txn, ItemKind::Site, s.id, &s.uploader, s.upload_datetime).await?;
        outbox::enqueue(&txn, &mail).await?;
        txn.commit().await.repo()
    }

    async fn update(&self, id: Uuid, draft: &SiteDraft) -> Result<(), RepoError> {
        let txn = begin_write(&self.db).await?;
        let current = site::Entity::find_by_id(id).one(&txn).await.repo()?.ok_or(RepoError::NotFound)?;
        let mut row: site::ActiveModel = current.into();
        row.name = Set(draft.name.clone());
        row.address = Set(draft.address.clone());
        if let Some(d) = &draft.description {
            row.description = Set(Some(d.clone()));
        }
        row.update(&txn).await.repo()?;
        txn.commit().await.repo()
    }

    async fn list(&self, f: &SiteFilter, p: &ListParams) -> Result<Page<Site>, RepoError> {
        use site::Column as C;
        let mut cond = moderated_condition(C::Status, C::UploadDatetime, p);
        if let Some(v) = &f.name {
            cond = cond.add(C::Name.eq(v.as_str()));
        }
        if let Some(v) = &f.address {
            cond = cond.add(C::Address.eq(v.as_str()));
        }
        cond = cond.add(terms_condition(&p.terms, &[C::Name, C::Address, C::Description]));
        let select = sort_by_columns(filter_if(site::Entity::find(), cond), &p.sort, C::Id);
        Ok(fetch_page(&self.db, select, p.page).await?.map(to_domain))
    }
}
