//! Results on SeaORM. A list is a count and a page statement (both joining only what the
//! conditions and sort need), then one statement each for the page's benchmarks, sites, flavors
//! and tags. Totals and whole answers are cached per change-counter
//! value ([`GenerationCache`]), so a repeated list costs one statement reading the counter and
//! the pages of one list share their total.

use std::{collections::HashMap, sync::Arc};

use domain::{
    Page, PageRequest, RepoError, SortKey,
    query::SortField,
    result::{BenchmarkResult, NewResult, ResultFilter, ResultRepository},
    user::User,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    FromQueryResult, IdenStatic, Iterable, Order, QueryFilter, Set,
    sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement},
};
use uuid::Uuid;

use super::{
    benchmark as bench_repo,
    common::{begin_write, uploader},
    flavor as flavor_repo,
    generation_cache::GenerationCache,
    site as site_repo, tag as tag_repo,
};
use crate::{
    entity::{benchmark, flavor, result, result_tag, site, tag, user},
    error::{DbResultExt, read_retrying},
    sql::{json, order},
};

/// [`ResultRepository`] on SeaORM.
pub struct SeaResultRepository {
    db: DatabaseConnection,
    /// Whole list answers, by count statement, sort and page.
    pages: GenerationCache<CachedPage>,
    /// Totals, by count statement: the pages of one list share it.
    totals: GenerationCache<u64>,
}

impl SeaResultRepository {
    /// Over this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            pages: GenerationCache::new(CACHED_RESULTS, |(_, items)| items.len()),
            totals: GenerationCache::new(CACHED_TOTALS, |_| 1),
        }
    }

    /// The committed value of the change counter (see migration `create_change_counter`).
    async fn generation(&self) -> Result<i64, RepoError> {
        let q = Query::select().expr_as(Expr::cust(GENERATION), Alias::new("g")).to_owned();
        match self.db.query_one(&q).await.repo()? {
            Some(row) => row.try_get("", "g").repo(),
            None => Ok(-1),
        }
    }
}

/// The change counter, readable inside any statement (same snapshot as the rest of it).
const GENERATION: &str = "(SELECT n FROM change_counter WHERE id = 1)";

/// A cached page: the list's total and the page's results.
type CachedPage = (u64, Arc<Vec<BenchmarkResult>>);

/// At most this many results are kept in cached pages (about 1 KB each).
const CACHED_RESULTS: usize = 20_000;

/// At most this many list totals are kept.
const CACHED_TOTALS: usize = 4_096;

/// Which related tables a query needs.
#[derive(Default)]
struct Joins {
    benchmark: bool,
    site: bool,
    flavor: bool,
}

/// Whether hidden results are part of the query.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Lists: hidden results only for their owner (`filter.owner`).
    Listing,
    /// Reads by id: hidden results too.
    ById,
}

fn joins_for(filter: &ResultFilter, sort: &[SortKey]) -> Joins {
    let searching = !filter.terms.is_empty();
    let mut j = Joins { benchmark: searching, site: searching, flavor: searching };
    for key in sort {
        if let SortField::Column(c) = &key.field {
            match c.as_str() {
                "benchmark_name" => j.benchmark = true,
                "site_name" | "site_address" => j.site = true,
                "flavor_name" => j.flavor = true,
                _ => {}
            }
        }
    }
    j
}

fn col(c: result::Column) -> (result::Entity, result::Column) {
    (result::Entity, c)
}

/// `FROM result [JOIN …] WHERE …`, without columns or order.
fn base_query(
    backend: sea_orm::DatabaseBackend,
    filter: &ResultFilter,
    joins: &Joins,
    scope: Scope,
) -> SelectStatement {
    use result::Column as R;
    let mut q = Query::select();
    q.from(result::Entity);
    if joins.benchmark {
        q.inner_join(
            benchmark::Entity,
            Expr::col((benchmark::Entity, benchmark::Column::Id)).equals(col(R::BenchmarkId)),
        );
    }
    if joins.site {
        q.inner_join(site::Entity, Expr::col((site::Entity, site::Column::Id)).equals(col(R::SiteId)));
    }
    if joins.flavor {
        q.inner_join(
            flavor::Entity,
            Expr::col((flavor::Entity, flavor::Column::Id)).equals(col(R::FlavorId)),
        );
    }
    let mut cond = Condition::all();
    match &filter.owner {
        Some(owner) => {
            cond = cond
                .add(Expr::col(col(R::UploaderSub)).eq(owner.sub.as_str()))
                .add(Expr::col(col(R::UploaderIss)).eq(owner.iss.as_str()));
        }
        None if scope == Scope::Listing => cond = cond.add(visible(backend)),
        None => {}
    }
    for (c, v) in
        [(R::BenchmarkId, filter.benchmark_id), (R::SiteId, filter.site_id), (R::FlavorId, filter.flavor_id)]
    {
        if let Some(id) = v {
            cond = cond.add(Expr::col(col(c)).eq(id));
        }
    }
    for tag_id in &filter.tags_ids {
        let linked = Query::select()
            .expr(Expr::val(1))
            .from(result_tag::Entity)
            .and_where(Expr::col((result_tag::Entity, result_tag::Column::ResultId)).equals(col(R::Id)))
            .and_where(Expr::col((result_tag::Entity, result_tag::Column::TagId)).eq(*tag_id))
            .to_owned();
        cond = cond.add(Expr::exists(linked));
    }
    for (c, range) in [(R::UploadDatetime, &filter.uploaded), (R::ExecutionDatetime, &filter.executed)] {
        if let Some(after) = range.after_instant() {
            cond = cond.add(Expr::col(col(c)).gt(after));
        }
        if let Some(before) = range.before_instant() {
            cond = cond.add(Expr::col(col(c)).lt(before));
        }
    }
    for f in &filter.filters {
        cond = cond.add(json::filter_condition(backend, f));
    }
    for term in &filter.terms {
        let like = format!("%{term}%");
        let tag_named = Query::select()
            .expr(Expr::val(1))
            .from(result_tag::Entity)
            .inner_join(
                tag::Entity,
                Expr::col((tag::Entity, tag::Column::Id))
                    .equals((result_tag::Entity, result_tag::Column::TagId)),
            )
            .and_where(Expr::col((result_tag::Entity, result_tag::Column::ResultId)).equals(col(R::Id)))
            .and_where(Expr::col((tag::Entity, tag::Column::Name)).eq(term.as_str()))
            .to_owned();
        cond = cond.add(
            Condition::any()
                .add(benchmark_name().like(like.clone()))
                .add(Expr::col((site::Entity, site::Column::Name)).like(like.clone()))
                .add(Expr::col((site::Entity, site::Column::Address)).like(like.clone()))
                .add(Expr::col((flavor::Entity, flavor::Column::Name)).like(like))
                .add(Expr::exists(tag_named)),
        );
    }
    q.cond_where(cond);
    q
}

/// Results not hidden. On PostgreSQL written `NOT deleted` (not a bound `= false`) so that every
/// plan, generic ones included, can use the partial index of visible results; SQLite's index
/// leads with `deleted` and needs an equality to use it.
fn visible(backend: sea_orm::DatabaseBackend) -> Expr {
    let deleted = Expr::col(col(result::Column::Deleted));
    match backend {
        sea_orm::DatabaseBackend::Postgres => deleted.not(),
        _ => deleted.eq(false),
    }
}

/// `image || ':' || tag`.
fn benchmark_name() -> Expr {
    Expr::cust("(\"benchmark\".\"docker_image\" || ':' || \"benchmark\".\"docker_tag\")")
}

fn apply_sort(backend: sea_orm::DatabaseBackend, q: &mut SelectStatement, sort: &[SortKey]) {
    for key in sort {
        let dir: Order = order(key.dir);
        match &key.field {
            SortField::Json(path) => {
                for e in json::order_expressions(backend, path) {
                    q.order_by_expr(e, dir.clone());
                }
            }
            SortField::Column(name) => {
                let expr: Expr = match name.as_str() {
                    "benchmark_name" => benchmark_name(),
                    "site_name" => Expr::col((site::Entity, site::Column::Name)),
                    "site_address" => Expr::col((site::Entity, site::Column::Address)),
                    "flavor_name" => Expr::col((flavor::Entity, flavor::Column::Name)),
                    other => match other.parse::<result::Column>() {
                        Ok(c) => Expr::col(col(c)),
                        Err(_) => continue,
                    },
                };
                // PostgreSQL puts NULLs last ascending; the text columns here are NOT NULL.
                q.order_by_expr(expr, dir);
            }
        }
    }
    q.order_by(col(result::Column::Id), Order::Asc);
}

/// Selects every column of `E` as `<prefix><column>`.
fn select_prefixed<E: EntityTrait>(q: &mut SelectStatement, prefix: &str) {
    for c in E::Column::iter() {
        q.expr_as(Expr::col((E::default(), c)), Alias::new(format!("{prefix}{}", c.as_str())));
    }
}

/// The rows of `E` with these ids, converted and keyed by id. A page refers to few distinct
/// benchmarks, sites and flavors: loading them apart keeps the page statement to the result
/// table (so PostgreSQL can sort and limit before anything else) and decodes each schema once.
async fn related<E, T>(
    db: &DatabaseConnection,
    ids: Vec<Uuid>,
    id_column: E::Column,
    convert: fn(E::Model) -> (Uuid, T),
) -> Result<HashMap<Uuid, T>, RepoError>
where
    E: EntityTrait,
{
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(E::find().filter(id_column.is_in(ids)).all(db).await.repo()?.into_iter().map(convert).collect())
}

/// The distinct values of `id` over `rows`, in first-seen order.
fn distinct(rows: &[result::Model], id: fn(&result::Model) -> Uuid) -> Vec<Uuid> {
    let mut ids: Vec<Uuid> = Vec::new();
    for row in rows {
        if !ids.contains(&id(row)) {
            ids.push(id(row));
        }
    }
    ids
}

impl SeaResultRepository {
    /// Loads the results `q` selects, in its order, with their benchmark, site and flavor (no
    /// tags yet).
    async fn load_rows(&self, mut q: SelectStatement) -> Result<Vec<BenchmarkResult>, RepoError> {
        select_prefixed::<result::Entity>(&mut q, "r_");
        let rows = self
            .db
            .query_all(&q)
            .await
            .repo()?
            .iter()
            .map(|row| result::Model::from_query_result(row, "r_"))
            .collect::<Result<Vec<_>, _>>()
            .repo()?;
        let benchmarks = related::<benchmark::Entity, _>(
            &self.db,
            distinct(&rows, |r| r.benchmark_id),
            benchmark::Column::Id,
            |m| (m.id, bench_repo::to_domain(m)),
        )
        .await?;
        let sites =
            related::<site::Entity, _>(&self.db, distinct(&rows, |r| r.site_id), site::Column::Id, |m| {
                (m.id, site_repo::to_domain(m))
            })
            .await?;
        let flavors = related::<flavor::Entity, _>(
            &self.db,
            distinct(&rows, |r| r.flavor_id),
            flavor::Column::Id,
            |m| (m.id, flavor_repo::to_domain(m)),
        )
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(BenchmarkResult {
                    id: r.id,
                    upload_datetime: r.upload_datetime,
                    execution_datetime: r.execution_datetime,
                    benchmark: benchmarks.get(&r.benchmark_id).cloned().ok_or(RepoError::NotFound)?,
                    site: sites.get(&r.site_id).cloned().ok_or(RepoError::NotFound)?,
                    flavor: flavors.get(&r.flavor_id).cloned().ok_or(RepoError::NotFound)?,
                    tags: Vec::new(),
                    uploader: uploader(&r.uploader_sub, &r.uploader_iss),
                    hidden: r.deleted,
                    json: r.json,
                })
            })
            .collect()
    }

    /// Loads whole results: [`Self::load_rows`] plus their tags.
    async fn load(&self, q: SelectStatement) -> Result<Vec<BenchmarkResult>, RepoError> {
        let mut items = self.load_rows(q).await?;
        self.attach_tags(&mut items).await?;
        Ok(items)
    }

    /// The list's total, from the cache when still exact, with the change counter it is
    /// exact for. `now` is a counter value read during this request.
    async fn total(&self, key: &str, count_q: &SelectStatement, now: i64) -> Result<(i64, u64), RepoError> {
        if let Some(total) = self.totals.get(key, now) {
            return Ok((now, total));
        }
        let (_lane, waited) = self.totals.enter(key).await;
        if waited {
            let now = self.generation().await?;
            if let Some(total) = self.totals.get(key, now) {
                return Ok((now, total));
            }
        }
        let (generation, total) = match self.db.query_one(count_q).await.repo()? {
            Some(row) => (row.try_get::<i64>("", "g").repo()?, row.try_get::<i64>("", "n").repo()?),
            None => (-1, 0),
        };
        let total = u64::try_from(total).unwrap_or(0);
        self.totals.put(key.to_owned(), generation, total);
        Ok((generation, total))
    }

    /// Fills in the tags of these results with one query.
    async fn attach_tags(&self, items: &mut [BenchmarkResult]) -> Result<(), RepoError> {
        if items.is_empty() {
            return Ok(());
        }
        let ids: Vec<Uuid> = items.iter().map(|r| r.id).collect();
        let mut tq = Query::select();
        tq.from(result_tag::Entity)
            .inner_join(
                tag::Entity,
                Expr::col((tag::Entity, tag::Column::Id))
                    .equals((result_tag::Entity, result_tag::Column::TagId)),
            )
            .expr_as(Expr::col((result_tag::Entity, result_tag::Column::ResultId)), Alias::new("result_id"))
            .and_where(Expr::col((result_tag::Entity, result_tag::Column::ResultId)).is_in(ids));
        select_prefixed::<tag::Entity>(&mut tq, "t_");
        let mut tags_of: HashMap<Uuid, Vec<_>> = HashMap::new();
        for row in self.db.query_all(&tq).await.repo()? {
            let result_id: Uuid = row.try_get("", "result_id").repo()?;
            let t = tag::Model::from_query_result(&row, "t_").repo()?;
            tags_of.entry(result_id).or_default().push(tag_repo::to_domain(t));
        }
        for item in items.iter_mut() {
            let mut tags = tags_of.remove(&item.id).unwrap_or_default();
            tags.sort_by(|a, b| a.name.cmp(&b.name));
            item.tags = tags;
        }
        Ok(())
    }
}

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

    async fn list_once(
        &self,
        filter: &ResultFilter,
        sort: &[SortKey],
        page: PageRequest,
    ) -> Result<Page<BenchmarkResult>, RepoError> {
        let backend = self.db.get_database_backend();
        let joins = joins_for(filter, sort);
        let mut count_q = base_query(backend, filter, &joins, Scope::Listing);
        count_q
            .expr_as(Expr::cust(GENERATION), Alias::new("g"))
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"));
        let count_key = format!("{:?}", backend.build(&count_q));
        let key = format!("{count_key}{sort:?}{page:?}");
        // A cached answer is used while the committed change counter is the one it was
        // computed at. On a miss, wait for whoever is computing this page, then look again.
        let mut now = self.generation().await?;
        let cached = |now| {
            self.pages.get(&key, now).map(|(total, items)| Page {
                items: items.as_ref().clone(),
                total,
                request: page,
            })
        };
        if let Some(hit) = cached(now) {
            return Ok(hit);
        }
        let (_lane, waited) = self.pages.enter(&key).await;
        if waited {
            now = self.generation().await?;
            if let Some(hit) = cached(now) {
                return Ok(hit);
            }
        }
        let (generation, total) = self.total(&count_key, &count_q, now).await?;
        let items = match page.offset() {
            Some(offset) if offset < total => {
                let mut page_q = base_query(backend, filter, &joins, Scope::Listing);
                apply_sort(backend, &mut page_q, sort);
                page_q.limit(page.per_page).offset(offset);
                self.load(page_q).await?
            }
            _ => Vec::new(),
        };
        // Each statement read its own committed snapshot; the counter being unchanged from the
        // total's to after the last statement proves they all saw the same data.
        if self.generation().await? == generation {
            self.pages.put(key, generation, (total, Arc::new(items.clone())));
        }
        Ok(Page { items, total, request: page })
    }

    async fn uploader_once(&self, id: Uuid) -> Result<Option<User>, RepoError> {
        let Some(r) = result::Entity::find_by_id(id).one(&self.db).await.repo()? else { return Ok(None) };
        let u = user::Entity::find_by_id((r.uploader_sub, r.uploader_iss)).one(&self.db).await.repo()?;
        Ok(u.map(|u| User {
            sub: u.sub,
            iss: u.iss,
            email: u.email,
            registration_datetime: u.registration_datetime,
        }))
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
        sort: &[SortKey],
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
}
