//! Results on SeaORM. A list is a count and a page statement (both joining only what the
//! conditions and sort need), then one statement each for the page's benchmarks, sites, flavors
//! and tags. The count reads counts that triggers keep exact when they cover the filter, and
//! the page reads numeric leaves or per-day counts when they cover the sort (`derived`). Totals
//! and whole answers are cached per change-counter value ([`GenerationCache`]), so a repeated
//! list costs one statement reading the counter and the pages of one list share their total.

mod derived;
mod list;
mod load;
mod query;

use std::sync::Arc;

use domain::{
    Page, PageRequest, RepoError, SortKey,
    result::{BenchmarkResult, NewResult, ResultFilter, ResultRepository, ResultSort},
    stats::CacheStats,
    user::User,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
    sea_query::{Alias, Expr, ExprTrait, Query},
};
use uuid::Uuid;

use self::{
    list::{CachedPage, CachedTotal},
    query::{Joins, Scope, base_query, col},
};
use super::{
    common::{begin_write, to_user},
    generation_cache::{GenerationCache, weight_of},
};
use crate::{
    config::ResultCacheConfig,
    entity::{result, result_tag, user},
    error::{DbResultExt, read_retrying},
};

/// [`ResultRepository`] on SeaORM.
pub struct SeaResultRepository {
    db: DatabaseConnection,
    /// Whole list answers, by count statement, sort and page, weighing their results.
    pages: GenerationCache<String, CachedPage>,
    /// Totals, by count statement: the pages of one list share it.
    totals: GenerationCache<String, CachedTotal>,
}

impl SeaResultRepository {
    /// Over this pool, caching as much as `cache` allows.
    pub fn new(db: DatabaseConnection, cache: ResultCacheConfig) -> Self {
        Self {
            db,
            pages: GenerationCache::new(cache.results, |(_, items)| weight_of(items.len()), list::page_bytes),
            totals: GenerationCache::new(cache.totals, |_| 1, |_| size_of::<CachedTotal>()),
        }
    }

    /// Lookups and bytes of the page and total caches, for metrics, by cache name.
    pub fn cache_stats(&self) -> [(&'static str, Arc<CacheStats>); 2] {
        [("result_pages", self.pages.stats()), ("result_totals", self.totals.stats())]
    }

    /// The committed value of the change counter (see migration `create_change_counter`).
    async fn read_counter(&self) -> Result<i64, RepoError> {
        let q = Query::select().expr_as(Expr::cust(GENERATION), Alias::new("g")).to_owned();
        match self.db.query_one(&q).await.repo()? {
            Some(row) => row.try_get("", "g").repo(),
            None => Ok(-1),
        }
    }
}

/// The change counter, readable inside any statement (same snapshot as the rest of it).
const GENERATION: &str = "(SELECT n FROM change_counter WHERE id = 1)";

/// One attempt of each read of the repository; the trait methods retry them once on a
/// connection-level failure.
impl SeaResultRepository {
    async fn find_once(&self, id: Uuid) -> Result<Option<BenchmarkResult>, RepoError> {
        let mut q = base_query(
            self.db.get_database_backend(),
            &ResultFilter::default(),
            &Joins::default(),
            Scope::ById,
        );
        q.and_where(Expr::col(col(result::Column::Id)).eq(id));
        Ok(self.load(q).await?.pop())
    }

    async fn uploader_once(&self, id: Uuid) -> Result<Option<User>, RepoError> {
        let Some(r) = result::Entity::find_by_id(id).one(&self.db).await.repo()? else { return Ok(None) };
        let u = user::Entity::find_by_id((r.uploader_sub, r.uploader_iss)).one(&self.db).await.repo()?;
        Ok(u.map(to_user))
    }
}

#[async_trait::async_trait]
impl ResultRepository for SeaResultRepository {
    async fn find(&self, id: Uuid) -> Result<Option<BenchmarkResult>, RepoError> {
        read_retrying(|| self.find_once(id)).await
    }

    async fn insert(&self, new: &NewResult) -> Result<(), RepoError> {
        let txn = begin_write(&self.db).await?;
        result::ActiveModel {
            id: Set(new.id),
            execution_datetime: Set(new.execution_datetime),
            json: Set(new.json.clone()),
            benchmark_id: Set(new.benchmark_id),
            site_id: Set(new.site_id),
            flavor_id: Set(new.flavor_id),
            deleted: Set(false),
            deleted_by_admin: Set(false),
            uploader_sub: Set(new.uploader.sub.clone()),
            uploader_iss: Set(new.uploader.iss.clone()),
            upload_datetime: Set(new.upload_datetime),
        }
        .insert(&txn)
        .await
        .repo()?;
        if !new.tags_ids.is_empty() {
            let links = new
                .tags_ids
                .iter()
                .map(|t| result_tag::ActiveModel { result_id: Set(new.id), tag_id: Set(*t) });
            result_tag::Entity::insert_many(links).exec(&txn).await.repo()?;
        }
        txn.commit().await.repo()
    }

    async fn list(
        &self,
        filter: &ResultFilter,
        sort: &[SortKey<ResultSort>],
        page: PageRequest,
    ) -> Result<Page<BenchmarkResult>, RepoError> {
        read_retrying(|| self.list_once(filter, sort, page)).await
    }

    async fn hide_by_admin(&self, id: Uuid) -> Result<(), RepoError> {
        let res = result::Entity::update_many()
            .col_expr(result::Column::Deleted, Expr::value(true))
            .col_expr(result::Column::DeletedByAdmin, Expr::value(true))
            .filter(result::Column::Id.eq(id))
            .exec(&self.db)
            .await
            .repo()?;
        if res.rows_affected == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }

    async fn set_tags(&self, id: Uuid, tags_ids: &[Uuid]) -> Result<(), RepoError> {
        let txn = begin_write(&self.db).await?;
        result::Entity::find_by_id(id).one(&txn).await.repo()?.ok_or(RepoError::NotFound)?;
        result_tag::Entity::delete_many()
            .filter(result_tag::Column::ResultId.eq(id))
            .exec(&txn)
            .await
            .repo()?;
        if !tags_ids.is_empty() {
            let links =
                tags_ids.iter().map(|t| result_tag::ActiveModel { result_id: Set(id), tag_id: Set(*t) });
            result_tag::Entity::insert_many(links).exec(&txn).await.repo()?;
        }
        txn.commit().await.repo()
    }

    async fn uploader(&self, id: Uuid) -> Result<Option<User>, RepoError> {
        read_retrying(|| self.uploader_once(id)).await
    }

    async fn generation(&self) -> Result<Option<i64>, RepoError> {
        read_retrying(|| async { self.read_counter().await.map(Some) }).await
    }
}
