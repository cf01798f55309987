//! Results on SeaORM. A list is a count and a page statement (both joining only what the
//! conditions and sort need), then one statement each for the page's benchmarks, sites, flavors
//! and tags. The count reads counts that triggers keep exact when they cover the filter, and
//! the page reads numeric leaves or per-day counts when they cover the sort (`derived`). Totals
//! and whole answers are cached per change-counter value ([`GenerationCache`]), so a repeated
//! list costs one statement reading the counter and the pages of one list share their total.

mod batch;
mod derived;
mod derived_writes;
mod export;
mod list;
mod load;
mod number_samples;
mod query;
mod samples;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use domain::{
    Page, PageRequest, RepoError, ResultId, SortKey, TagId,
    idempotency::{IdempotencyRecord, Stored},
    result::{BenchmarkResult, NewResult, ResultFilter, ResultRepository, ResultSink, ResultSort},
    stats::CacheStats,
    user::{User, UserKey},
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set,
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
    read_pools::ReadPools,
};

/// [`ResultRepository`] on SeaORM.
pub struct SeaResultRepository {
    /// The pools: each `SELECT` runs where [`ReadPools::reader`] says (the standby when the
    /// request may read there), writes and transactions on the primary. All statements of a
    /// list, its counter reads included, go through it, so the counter and the page come from
    /// the same server.
    db: ReadPools,
    /// Whole list answers, by count statement, sort and page, weighing their results.
    pages: GenerationCache<String, CachedPage>,
    /// Totals, by count statement: the pages of one list share it.
    totals: GenerationCache<String, CachedTotal>,
}

impl SeaResultRepository {
    /// Over these pools (writes on the primary, lists where [`ReadPools::reader`] says), caching
    /// as much as `cache` allows.
    pub fn new(reads: impl Into<ReadPools>, cache: ResultCacheConfig) -> Self {
        Self {
            db: reads.into(),
            pages: GenerationCache::new(cache.results, |(_, items)| weight_of(items.len()), list::page_bytes),
            totals: GenerationCache::new(cache.totals, |_| 1, |_| size_of::<CachedTotal>()),
        }
    }

    /// Lookups and bytes of the page and total caches, for metrics, by cache name.
    pub fn cache_stats(&self) -> [(&'static str, Arc<CacheStats>); 2] {
        [("result_pages", self.pages.stats()), ("result_totals", self.totals.stats())]
    }

    /// The committed value of the change counter (see migration `create_change_counter`), on
    /// the server lists read from.
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
    async fn find(&self, id: ResultId) -> Result<Option<BenchmarkResult>, RepoError> {
        read_retrying(|| self.find_once(id.uuid())).await
    }

    async fn insert(&self, new: &NewResult) -> Result<(), RepoError> {
        let txn = begin_write(&self.db).await?;
        batch::insert_rows(&txn, std::slice::from_ref(new)).await?;
        txn.commit().await.repo()
    }

    async fn insert_batch(
        &self,
        new: &[NewResult],
        remember: Option<&IdempotencyRecord>,
    ) -> Result<Stored, RepoError> {
        self.insert_batch_once(new, remember).await
    }

    async fn remembered(
        &self,
        user: &UserKey,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<IdempotencyRecord>, RepoError> {
        read_retrying(|| self.remembered_once(user, key, since)).await
    }

    async fn find_many(&self, ids: &[ResultId]) -> Result<Vec<BenchmarkResult>, RepoError> {
        read_retrying(|| self.find_many_once(ids)).await
    }

    async fn list(
        &self,
        filter: &ResultFilter,
        sort: &[SortKey<ResultSort>],
        page: PageRequest,
    ) -> Result<Page<BenchmarkResult>, RepoError> {
        read_retrying(|| self.list_once(filter, sort, page)).await
    }

    async fn hide_by_admin(&self, id: ResultId) -> Result<(), RepoError> {
        let id = id.uuid();
        let res = result::Entity::update_many()
            .col_expr(result::Column::Deleted, Expr::value(true))
            .col_expr(result::Column::DeletedByAdmin, Expr::value(true))
            .filter(result::Column::Id.eq(id))
            .exec(&self.db)
            .await
            .repo()?;
        if res.rows_affected == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }

    async fn set_tags(&self, id: ResultId, tags_ids: &[TagId]) -> Result<(), RepoError> {
        let id = id.uuid();
        let txn = begin_write(&self.db).await?;
        result::Entity::find_by_id(id).one(&txn).await.repo()?.ok_or(RepoError::NotFound)?;
        result_tag::Entity::delete_many()
            .filter(result_tag::Column::ResultId.eq(id))
            .exec(&txn)
            .await
            .repo()?;
        if !tags_ids.is_empty() {
            let links = tags_ids
                .iter()
                .map(|t| result_tag::ActiveModel { result_id: Set(id), tag_id: Set(t.uuid()) });
            result_tag::Entity::insert_many(links).exec(&txn).await.repo()?;
        }
        txn.commit().await.repo()
    }

    async fn uploader(&self, id: ResultId) -> Result<Option<User>, RepoError> {
        read_retrying(|| self.uploader_once(id.uuid())).await
    }

    async fn generation(&self) -> Result<Option<i64>, RepoError> {
        read_retrying(|| async { self.read_counter().await.map(Some) }).await
    }

    /// One streamed statement (see `export.rs`); not retried, as the sink may have rows.
    async fn export(
        &self,
        filter: &ResultFilter,
        sort: &[SortKey<ResultSort>],
        sink: &mut dyn ResultSink,
    ) -> Result<(), RepoError> {
        self.export_rows(filter, sort, sink).await
    }
}
