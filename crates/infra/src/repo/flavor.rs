//! Flavors on SeaORM.

use domain::{
    Page, RepoError,
    flavor::{Flavor, FlavorDraft, FlavorFilter, FlavorRepository},
    mail::{ItemKind, OutboundMail},
    query::ListParams,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, Set, TransactionTrait};
use uuid::Uuid;

use super::common::{begin_write, insert_submit, moderated_condition, status, uploader};
use crate::{
    entity::flavor,
    error::{DbResultExt, read_retrying},
    outbox,
    sql::{fetch_page, filter_if, sort_by_columns, terms_condition},
};

/// [`FlavorRepository`] on SeaORM.
pub struct SeaFlavorRepository {
    db: DatabaseConnection,
}

impl SeaFlavorRepository {
    /// Over this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

/// Entity to domain.
pub(crate) fn to_domain(m: flavor::Model) -> Flavor {
    Flavor {
        id: m.id,
        status: status(&m.status),
        uploader: uploader(&m.uploader_sub, &m.uploader_iss),
        name: m.name,
        description: m.description,
        site_id: m.site_id,
        upload_datetime: m.upload_datetime,
    }
}

#[async_trait::async_trait]
impl FlavorRepository for SeaFlavorRepository {
    async fn find(&self, id: Uuid) -> Result<Option<Flavor>, RepoError> {
        read_retrying(|| async move {
            Ok(flavor::Entity::find_by_id(id).one(&self.db).await.repo()?.map(to_domain))
        })
        .await
    }

    async fn insert(&self, f: &Flavor, mail: OutboundMail) -> Result<(), RepoError> {
        let txn = self.db.begin().await.repo()?;
        flavor::ActiveModel {
            id: Set(f.id),
            name: Set(f.name.clone()),
            description: Set(f.description.clone()),
            site_id: Set(f.site_id),
            uploader_sub: Set(f.uploader.sub.clone()),
            uploader_iss: Set(f.uploader.iss.clone()),
            upload_datetime: Set(f.upload_datetime),
            status: Set(f.status.as_str().to_owned()),
        }
        .insert(&txn)
        .await
        .repo()?;
        insert_submit(&txn, ItemKind::Flavor, f.id, &f.uploader, f.upload_datetime).await?;
        outbox::enqueue(&txn, &mail).await?;
        txn.commit().await.repo()
    }

    async fn update(&self, id: Uuid, draft: &FlavorDraft) -> Result<(), RepoError> {
        let txn = begin_write(&self.db).await?;
        let current = flavor::Entity::find_by_id(id).one(&txn).await.repo()?.ok_or(RepoError::NotFound)?;
        let mut row: flavor::ActiveModel = current.into();
        row.name = Set(draft.name.clone());
        if let Some(d) = &draft.description {
            row.description = Set(Some(d.clone()));
        }
        row.update(&txn).await.repo()?;
        txn.commit().await.repo()
    }

    async fn list(&self, f: &FlavorFilter, p: &ListParams) -> Result<Page<Flavor>, RepoError> {
        use flavor::Column as C;
        let mut cond = moderated_condition(C::Status, C::UploadDatetime, p).add(C::SiteId.eq(f.site_id));
        if let Some(v) = &f.name {
            cond = cond.add(C::Name.eq(v.as_str()));
        }
        cond = cond.add(terms_condition(&p.terms, &[C::Name, C::Description]));
        let select = sort_by_columns(filter_if(flavor::Entity::find(), cond), &p.sort, C::Id);
        Ok(fetch_page(&self.db, select, p.page).await?.map(to_domain))
    }
}
