//! Loading whole results: the rows a statement selects, with their benchmark, site, flavor and
//! tags, each related table read with one statement per page.

use std::collections::HashMap;

use domain::{
    RepoError, benchmark::Benchmark, flavor::Flavor, result::BenchmarkResult, site::Site, tag::Tag,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement},
};
use uuid::Uuid;

use super::{SeaResultRepository, query::select_prefixed};
use crate::{
    entity::{result, result_tag, tag},
    error::DbResultExt,
    repo::{
        common::uploader,
        moderated::{ColumnOf, ModeratedColumns, SeaModerated, to_domain},
        tag as tag_repo,
    },
};

/// The items of the moderated kind `R` with these ids, keyed by id. A page refers to few
/// distinct benchmarks, sites and flavors: loading them apart keeps the page statement to the
/// result table (so PostgreSQL can sort and limit before anything else) and decodes each schema
/// once.
pub(super) async fn related<R: SeaModerated>(
    db: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, R>, RepoError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = R::Entity::find().filter(ColumnOf::<R>::ID.is_in(ids)).all(db).await.repo()?;
    rows.into_iter()
        .map(|row| {
            let item = to_domain::<R>(row)?;
            Ok((item.moderation().id.uuid(), item))
        })
        .collect()
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
    pub(super) async fn load_rows(&self, mut q: SelectStatement) -> Result<Vec<BenchmarkResult>, RepoError> {
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
        self.assemble(rows).await
    }

    /// These result rows, in their order, with their benchmark, site and flavor (no tags yet).
    pub(super) async fn assemble(&self, rows: Vec<result::Model>) -> Result<Vec<BenchmarkResult>, RepoError> {
        let benchmarks = related::<Benchmark>(&self.db, distinct(&rows, |r| r.benchmark_id)).await?;
        let sites = related::<Site>(&self.db, distinct(&rows, |r| r.site_id)).await?;
        let flavors = related::<Flavor>(&self.db, distinct(&rows, |r| r.flavor_id)).await?;
        rows.into_iter()
            .map(|r| {
                Ok(BenchmarkResult {
                    id: r.id.into(),
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
    pub(super) async fn load(&self, q: SelectStatement) -> Result<Vec<BenchmarkResult>, RepoError> {
        let mut items = self.load_rows(q).await?;
        self.attach_tags(&mut items).await?;
        Ok(items)
    }

    /// Fills in the tags of these results with one query.
    pub(super) async fn attach_tags(&self, items: &mut [BenchmarkResult]) -> Result<(), RepoError> {
        let mut tags_of = self.tags_of(items.iter().map(|r| r.id.uuid()).collect()).await?;
        for item in items.iter_mut() {
            item.tags = tags_of.remove(&item.id.uuid()).unwrap_or_default();
        }
        Ok(())
    }

    /// The tags of these results, each list by name, with one query.
    pub(super) async fn tags_of(&self, ids: Vec<Uuid>) -> Result<HashMap<Uuid, Vec<Tag>>, RepoError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
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
        let mut tags_of: HashMap<Uuid, Vec<Tag>> = HashMap::new();
        for row in self.db.query_all(&tq).await.repo()? {
            let result_id: Uuid = row.try_get("", "result_id").repo()?;
            let t = tag::Model::from_query_result(&row, "t_").repo()?;
            tags_of.entry(result_id).or_default().push(tag_repo::to_domain(t));
        }
        for tags in tags_of.values_mut() {
            tags.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Ok(tags_of)
    }
}
