//! Samples from the numeric leaves (PostgreSQL): when a statistics query filters only on
//! benchmark, site, flavor and execution dates, groups by none of tags and JSON values, and its
//! metric is a path the side table indexes, its values are read from `result_number`, which
//! copies each result's context and visibility (migration `number_context`), aggregated in the
//! database into one array per (benchmark, flavor, site): one index-only range, in group order,
//! with no document read and one row per context on the wire.
//!
//! When the caller reports skipped results, the matching results' count is read in the same
//! statement (one snapshot), from the
//! maintained counts when they cover the filter: results counted there without a value are the
//! skipped ones.
//!
//! The side table stores numbers as the migration's SQL function converts them: a value too
//! small for a normal double (below 1e-323) is stored as 0 and one beyond the range of a double
//! as ±infinity, where the documents' own text would give a subnormal double and ±infinity.

use domain::{
    Id, RepoError,
    query::DateRange,
    result::ResultFilter,
    statistics::{SampleQuery, SampleRun, Samples},
};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, JoinType,
    sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement},
};
use uuid::Uuid;

use super::{
    SeaResultRepository,
    derived::{indexed_path, total_statement},
    list::count_statement,
    query::joins_for,
};
use crate::error::DbResultExt;

/// The side table's path of the metric when the query can be answered from it.
pub(super) fn covered_metric(backend: DatabaseBackend, query: &SampleQuery) -> Option<String> {
    let f = &query.filter;
    let plain_filter = f.tags_ids.is_empty()
        && f.filters.is_empty()
        && f.terms.is_empty()
        && f.uploaded == DateRange::default();
    if backend != DatabaseBackend::Postgres || query.tags || !query.json_keys.is_empty() || !plain_filter {
        return None;
    }
    indexed_path(&query.metric)
}

fn number_column(name: &str) -> Expr {
    Expr::col((Alias::new("result_number"), Alias::new(name)))
}

/// `(benchmark_id, site_id, flavor_id, v)`: the visible values at `path` per context.
fn per_context(filter: &ResultFilter, path: &str) -> SelectStatement {
    let mut q = Query::select();
    q.from(Alias::new("result_number"))
        .columns(["benchmark_id", "site_id", "flavor_id"].map(Alias::new))
        .expr_as(Expr::cust("array_agg(value)"), Alias::new("v"))
        .and_where(number_column("path").eq(path))
        .and_where(Expr::cust("NOT result_number.deleted"));
    for (name, id) in [
        ("benchmark_id", filter.benchmark_id.map(Id::uuid)),
        ("site_id", filter.site_id.map(Id::uuid)),
        ("flavor_id", filter.flavor_id.map(Id::uuid)),
    ] {
        if let Some(id) = id {
            q.and_where(number_column(name).eq(id));
        }
    }
    if let Some(after) = filter.executed.after_instant() {
        q.and_where(number_column("execution_datetime").gt(after));
    }
    if let Some(before) = filter.executed.before_instant() {
        q.and_where(number_column("execution_datetime").lt(before));
    }
    // In the index's order, so the groups are read as ranges of it.
    q.group_by_columns(["benchmark_id", "flavor_id", "site_id"].map(Alias::new));
    q
}

impl SeaResultRepository {
    /// The samples of `query`, whose metric the side table holds at `path`
    /// ([`covered_metric`]).
    pub(super) async fn number_samples_once(
        &self,
        query: &SampleQuery,
        path: &str,
    ) -> Result<Samples, RepoError> {
        let backend = self.db.get_database_backend();
        let filter = ResultFilter { owner: None, ..query.filter.clone() };
        let count = match query.count_skipped {
            true => total_statement(backend, &filter)
                .unwrap_or_else(|| count_statement(backend, &filter, &joins_for(&filter, &[]))),
            false => Query::select().expr_as(Expr::val(0i64), Alias::new("n")).to_owned(),
        };
        let (c, v) = (Alias::new("c"), Alias::new("v"));
        let mut q = Query::select();
        q.expr(Expr::col((c.clone(), Alias::new("n"))))
            .columns(["benchmark_id", "site_id", "flavor_id", "v"].map(|n| (v.clone(), Alias::new(n))))
            .from_subquery(count, c)
            .join_subquery(JoinType::LeftJoin, per_context(&filter, path), v, Expr::cust("TRUE"));
        let mut samples = Samples::default();
        let mut matching: i64 = 0;
        for row in self.db.query_all(&q).await.repo()? {
            matching = row.try_get_by_index::<Option<i64>>(0).repo()?.unwrap_or(0);
            let context: [Option<Uuid>; 3] = [
                row.try_get_by_index(1).repo()?,
                row.try_get_by_index(2).repo()?,
                row.try_get_by_index(3).repo()?,
            ];
            let values: Option<Vec<f64>> = row.try_get_by_index(4).repo()?;
            if let ([Some(benchmark_id), Some(site_id), Some(flavor_id)], Some(values)) = (context, values) {
                samples.runs.push(SampleRun { benchmark_id, site_id, flavor_id, values });
            }
        }
        let counted: usize = samples.runs.iter().map(|r| r.values.len()).sum();
        if query.count_skipped {
            samples.skipped = u64::try_from(matching).unwrap_or(0).saturating_sub(counted as u64);
        }
        Ok(samples)
    }
}
