//! The statements of a result query: joins, conditions, sort and column lists.

use domain::{
    Id, SortKey,
    result::{ResultFilter, ResultSort},
};
use sea_orm::{
    Condition, EntityTrait, IdenStatic, Iterable, Order,
    sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement},
};

use super::derived;
use crate::{
    entity::{benchmark, flavor, result, result_tag, site},
    sql::{json, order},
};

/// Which related tables a query needs.
#[derive(Default)]
pub(super) struct Joins {
    pub(super) benchmark: bool,
    pub(super) site: bool,
    pub(super) flavor: bool,
}

/// Whether hidden results are part of the query.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    /// Lists: hidden results only for their owner (`filter.owner`).
    Listing,
    /// Reads by id: hidden results too.
    ById,
}

impl Joins {
    /// Whether any related table is joined.
    pub(super) fn any(&self) -> bool {
        self.benchmark || self.site || self.flavor
    }
}

/// Searching needs no join: terms match catalog rows first ([`derived::catalog_match`]).
pub(super) fn joins_for(_filter: &ResultFilter, sort: &[SortKey<ResultSort>]) -> Joins {
    let mut j = Joins::default();
    for key in sort {
        match key.field {
            ResultSort::BenchmarkName => j.benchmark = true,
            ResultSort::SiteName | ResultSort::SiteAddress => j.site = true,
            ResultSort::FlavorName => j.flavor = true,
            _ => {}
        }
    }
    j
}

pub(super) fn col(c: result::Column) -> (result::Entity, result::Column) {
    (result::Entity, c)
}

/// `FROM result [JOIN …] WHERE …`, without columns or order.
pub(super) fn base_query(
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
    for (c, v) in [
        (R::BenchmarkId, filter.benchmark_id.map(Id::uuid)),
        (R::SiteId, filter.site_id.map(Id::uuid)),
        (R::FlavorId, filter.flavor_id.map(Id::uuid)),
    ] {
        if let Some(id) = v {
            cond = cond.add(Expr::col(col(c)).eq(id));
        }
    }
    for tag_id in &filter.tags_ids {
        let linked = Query::select()
            .expr(Expr::val(1))
            .from(result_tag::Entity)
            .and_where(Expr::col((result_tag::Entity, result_tag::Column::ResultId)).equals(col(R::Id)))
            .and_where(Expr::col((result_tag::Entity, result_tag::Column::TagId)).eq(tag_id.uuid()))
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
        cond = cond.add(derived::number_condition(f).unwrap_or_else(|| json::filter_condition(backend, f)));
    }
    for term in &filter.terms {
        let tagged = Query::select()
            .expr(Expr::val(1))
            .from(result_tag::Entity)
            .and_where(Expr::col((result_tag::Entity, result_tag::Column::ResultId)).equals(col(R::Id)))
            .and_where(
                Expr::col((result_tag::Entity, result_tag::Column::TagId))
                    .in_subquery(derived::tags_named(term)),
            )
            .to_owned();
        let ids = [Expr::col(col(R::BenchmarkId)), Expr::col(col(R::SiteId)), Expr::col(col(R::FlavorId))];
        cond = cond.add(derived::catalog_match(term, ids).add(Expr::exists(tagged)));
    }
    q.cond_where(cond);
    q
}

/// Results not hidden. On PostgreSQL written `NOT deleted` (not a bound `= false`) so that every
/// plan, generic ones included, can use the partial index of visible results; SQLite's index
/// leads with `deleted` and needs an equality to use it.
pub(super) fn visible(backend: sea_orm::DatabaseBackend) -> Expr {
    let deleted = Expr::col(col(result::Column::Deleted));
    match backend {
        sea_orm::DatabaseBackend::Postgres => deleted.not(),
        _ => deleted.eq(false),
    }
}

/// `image || ':' || tag`.
pub(super) fn benchmark_name() -> Expr {
    Expr::cust("(\"benchmark\".\"docker_image\" || ':' || \"benchmark\".\"docker_tag\")")
}

pub(super) fn apply_sort(
    backend: sea_orm::DatabaseBackend,
    q: &mut SelectStatement,
    sort: &[SortKey<ResultSort>],
) {
    use result::Column as R;
    for key in sort {
        let dir: Order = order(key.dir);
        let expr: Expr = match &key.field {
            ResultSort::Json(path) => {
                for e in json::order_expressions(backend, path) {
                    q.order_by_expr(e, dir.clone());
                }
                continue;
            }
            ResultSort::BenchmarkName => benchmark_name(),
            ResultSort::SiteName => Expr::col((site::Entity, site::Column::Name)),
            ResultSort::SiteAddress => Expr::col((site::Entity, site::Column::Address)),
            ResultSort::FlavorName => Expr::col((flavor::Entity, flavor::Column::Name)),
            ResultSort::Id => Expr::col(col(R::Id)),
            ResultSort::ExecutionDatetime => Expr::col(col(R::ExecutionDatetime)),
            ResultSort::UploadDatetime => Expr::col(col(R::UploadDatetime)),
            ResultSort::BenchmarkId => Expr::col(col(R::BenchmarkId)),
            ResultSort::SiteId => Expr::col(col(R::SiteId)),
            ResultSort::FlavorId => Expr::col(col(R::FlavorId)),
            ResultSort::Deleted => Expr::col(col(R::Deleted)),
            ResultSort::UploaderSub => Expr::col(col(R::UploaderSub)),
            ResultSort::UploaderIss => Expr::col(col(R::UploaderIss)),
        };
        // PostgreSQL puts NULLs last ascending; the text columns here are NOT NULL.
        q.order_by_expr(expr, dir);
    }
    q.order_by(col(result::Column::Id), Order::Asc);
}

/// Selects every column of `E` as `<prefix><column>`.
pub(super) fn select_prefixed<E: EntityTrait>(q: &mut SelectStatement, prefix: &str) {
    for c in E::Column::iter() {
        q.expr_as(Expr::col((E::default(), c)), Alias::new(format!("{prefix}{}", c.as_str())));
    }
}
