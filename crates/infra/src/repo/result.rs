//! Results on SeaORM. Lists select ids with one SeaQuery statement (joins only when a sort or
//! search needs them), then load the page's benchmarks, sites, flavors and tags in batches.

use std::collections::HashMap;

use domain::{
    Page, PageRequest, RepoError, SortKey,
    query::SortField,
    result::{BenchmarkResult, NewResult, ResultFilter, ResultRepository},
    user::User,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, Order,
    QueryFilter, Set,
    sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement},
};
use uuid::Uuid;

use super::{
    benchmark as bench_repo,
    common::{begin_write, uploader},
    flavor as flavor_repo, site as site_repo, tag as tag_repo,
};
use crate::{
    entity::{benchmark, flavor, result, result_tag, site, tag, user},
    error::DbResultExt,
    sql::{json, order},
};

/// [`ResultRepository`] on SeaORM.
pub struct SeaResultRepository {
    db: DatabaseConnection,
}

impl SeaResultRepository {
    /// Over this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

/// Which related tables a query needs.
#[derive(Default)]
struct Joins {
    benchmark: bool,
    site: bool,
    flavor: bool,
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
fn base_query(backend: sea_orm::DatabaseBackend, filter: &ResultFilter, joins: &Joins) -> SelectStatement {
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
        None => cond = cond.add(Expr::col(col(R::Deleted)).eq(false)),
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

impl SeaResultRepository {
    /// Loads full results for these rows, keeping their order.
    async fn hydrate<C: ConnectionTrait>(
        db: &C,
        rows: Vec<result::Model>,
    ) -> Result<Vec<BenchmarkResult>, RepoError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let bench_ids: Vec<Uuid> = rows.iter().map(|r| r.benchmark_id).collect();
        let site_ids: Vec<Uuid> = rows.iter().map(|r| r.site_id).collect();
        let flavor_ids: Vec<Uuid> = rows.iter().map(|r| r.flavor_id).collect();
        let benchmarks: HashMap<Uuid, _> = benchmark::Entity::find()
            .filter(benchmark::Column::Id.is_in(bench_ids))
            .all(db)
            .await
            .repo()?
            .into_iter()
            .map(|m| (m.id, bench_repo::to_domain(m)))
            .collect();
        let sites: HashMap<Uuid, _> = site::Entity::find()
            .filter(site::Column::Id.is_in(site_ids))
            .all(db)
            .await
            .repo()?
            .into_iter()
            .map(|m| (m.id, site_repo::to_domain(m)))
            .collect();
        let flavors: HashMap<Uuid, _> = flavor::Entity::find()
            .filter(flavor::Column::Id.is_in(flavor_ids))
            .all(db)
            .await
            .repo()?
            .into_iter()
            .map(|m| (m.id, flavor_repo::to_domain(m)))
            .collect();
        let links = result_tag::Entity::find()
            .filter(result_tag::Column::ResultId.is_in(ids))
            .all(db)
            .await
            .repo()?;
        let tag_ids: Vec<Uuid> = links.iter().map(|l| l.tag_id).collect();
        let tags: HashMap<Uuid, _> = if tag_ids.is_empty() {
            HashMap::new()
        } else {
            tag::Entity::find()
                .filter(tag::Column::Id.is_in(tag_ids))
                .all(db)
                .await
                .repo()?
                .into_iter()
                .map(|m| (m.id, tag_repo::to_domain(m)))
                .collect()
        };
        let mut tags_of: HashMap<Uuid, Vec<_>> = HashMap::new();
        for link in links {
            if let Some(t) = tags.get(&link.tag_id) {
                tags_of.entry(link.result_id).or_default().push(t.clone());
            }
        }
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let (Some(b), Some(s), Some(f)) =
                (benchmarks.get(&r.benchmark_id), sites.get(&r.site_id), flavors.get(&r.flavor_id))
            else {
                continue;
            };
            let mut tags = tags_of.remove(&r.id).unwrap_or_default();
            tags.sort_by(|a, b| a.name.cmp(&b.name));
            out.push(BenchmarkResult {
                id: r.id,
                upload_datetime: r.upload_datetime,
                execution_datetime: r.execution_datetime,
                json: r.json,
                benchmark: b.clone(),
                site: s.clone(),
                flavor: f.clone(),
                tags,
                uploader: uploader(&r.uploader_sub, &r.uploader_iss),
                hidden: r.deleted,
            });
        }
        Ok(out)
    }
}

#[async_trait::async_trait]
impl ResultRepository for SeaResultRepository {
    async fn find(&self, id: Uuid) -> Result<Option<BenchmarkResult>, RepoError> {
        let rows: Vec<result::Model> =
            result::Entity::find_by_id(id).one(&self.db).await.repo()?.into_iter().collect();
        Ok(Self::hydrate(&self.db, rows).await?.pop())
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
        let backend = self.db.get_database_backend();
        let joins = joins_for(filter, sort);
        let base = base_query(backend, filter, &joins);
        let count_q = base.clone().expr_as(Expr::cust("COUNT(*)"), Alias::new("n")).to_owned();
        let total: i64 = match self.db.query_one(&count_q).await.repo()? {
            Some(row) => row.try_get("", "n").repo()?,
            None => 0,
        };
        let mut ids_q = base;
        ids_q.column(col(result::Column::Id));
        apply_sort(backend, &mut ids_q, sort);
        ids_q.limit(page.per_page).offset(page.offset());
        let ids: Vec<Uuid> = self
            .db
            .query_all(&ids_q)
            .await
            .repo()?
            .iter()
            .map(|row| row.try_get::<Uuid>("", "id"))
            .collect::<Result<_, _>>()
            .repo()?;
        let mut rows: HashMap<Uuid, result::Model> = result::Entity::find()
            .filter(result::Column::Id.is_in(ids.clone()))
            .all(&self.db)
            .await
            .repo()?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let ordered: Vec<result::Model> = ids.iter().filter_map(|id| rows.remove(id)).collect();
        let items = Self::hydrate(&self.db, ordered).await?;
        Ok(Page { items, total: u64::try_from(total).unwrap_or(0), request: page })
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
