//! Tags on SeaORM.

use domain::{
    Id, Page, PageRequest, RepoError, SortKey, TagId,
    tag::{Tag, TagDraft, TagFilter, TagRepository, TagSort},
};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, Set};

use super::common::begin_write;
use crate::{
    entity::tag,
    error::{DbResultExt, read_retrying},
    read_pools::ReadPools,
    sql::{fetch_page, filter_if, sort_by, terms_condition},
};

/// [`TagRepository`] on SeaORM.
pub struct SeaTagRepository {
    /// `SELECT`s where [`ReadPools::reader`] says, the rest on the primary.
    db: ReadPools,
}

impl SeaTagRepository {
    /// Over these pools: reads where [`ReadPools::reader`] says, the rest on the primary.
    pub fn new(db: impl Into<ReadPools>) -> Self {
        Self { db: db.into() }
    }
}

/// Entity to domain.
pub(crate) fn to_domain(m: tag::Model) -> Tag {
    Tag { id: m.id.into(), name: m.name, description: m.description }
}

fn sort_column(field: &TagSort) -> tag::Column {
    match field {
        TagSort::Id => tag::Column::Id,
        TagSort::Name => tag::Column::Name,
        TagSort::Description => tag::Column::Description,
    }
}

#[async_trait::async_trait]
impl TagRepository for SeaTagRepository {
    async fn find(&self, id: TagId) -> Result<Option<Tag>, RepoError> {
        read_retrying(|| async move {
            Ok(tag::Entity::find_by_id(id.uuid()).one(&self.db).await.repo()?.map(to_domain))
        })
        .await
    }

    async fn insert(&self, t: &Tag) -> Result<(), RepoError> {
        tag::ActiveModel {
            id: Set(t.id.uuid()),
            name: Set(t.name.clone()),
            description: Set(t.description.clone()),
        }
        .insert(&self.db)
        .await
        .repo()?;
        Ok(())
    }

    async fn update(&self, id: TagId, draft: &TagDraft) -> Result<(), RepoError> {
        let txn = begin_write(&self.db).await?;
        let current =
            tag::Entity::find_by_id(id.uuid()).one(&txn).await.repo()?.ok_or(RepoError::NotFound)?;
        let mut active: tag::ActiveModel = current.into();
        active.name = Set(draft.name.clone());
        if let Some(d) = &draft.description {
            active.description = Set(Some(d.clone()));
        }
        active.update(&txn).await.repo()?;
        txn.commit().await.repo()
    }

    async fn delete(&self, id: TagId) -> Result<(), RepoError> {
        let res = tag::Entity::delete_by_id(id.uuid()).exec(&self.db).await.repo()?;
        if res.rows_affected == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }

    async fn list(
        &self,
        filter: &TagFilter,
        sort: &[SortKey<TagSort>],
        page: PageRequest,
    ) -> Result<Page<Tag>, RepoError> {
        let mut cond = Condition::all();
        if let Some(name) = &filter.name {
            cond = cond.add(tag::Column::Name.eq(name.as_str()));
        }
        cond = cond.add(terms_condition(&filter.terms, &[tag::Column::Name, tag::Column::Description]));
        let select = sort_by(filter_if(tag::Entity::find(), cond), sort, sort_column, tag::Column::Id);
        Ok(fetch_page(&self.db, select, page).await?.map(to_domain))
    }

    async fn find_many(&self, ids: &[TagId]) -> Result<Vec<Tag>, RepoError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        read_retrying(|| async move {
            let rows = tag::Entity::find()
                .filter(tag::Column::Id.is_in(Id::uuids(ids)))
                .all(&self.db)
                .await
                .repo()?;
            Ok(rows.into_iter().map(to_domain).collect())
        })
        .await
    }
}
