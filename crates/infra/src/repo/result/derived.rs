//! Statements over the data migration `derive_result_data` keeps exact with triggers: totals
//! from maintained counts, numeric filters and sorts through the side table of numeric leaves,
//! and deep pages of the execution order through per-day counts. Each returns `None` for a
//! request of a shape that data does not cover; the caller then reads `result` as before.

use domain::{
    DateRange, Id, SortDir, SortKey,
    filter::{FilterOp, FilterValue, JsonFilter},
    result::{ResultFilter, ResultSort},
};
use sea_orm::{
    Condition, DatabaseBackend,
    sea_query::{Alias, BinOper, Expr, ExprTrait, Query, SelectStatement},
};
use uuid::Uuid;

use super::{
    GENERATION,
    query::{Joins, benchmark_name, col, visible},
};
use crate::entity::{benchmark, flavor, result, site, tag};

/// `SUM(n)` of a count table as a 64-bit integer (PostgreSQL sums `bigint` into `numeric`).
const SUM_N: &str = "CAST(COALESCE(SUM(n), 0) AS BIGINT)";

/// The side table of numeric leaves.
pub(super) const NUMBERS: &str = "result_number";

fn table(name: &str) -> Alias {
    Alias::new(name)
}

fn column(table_name: &str, column_name: &str) -> Expr {
    Expr::col((Alias::new(table_name), Alias::new(column_name)))
}

/// The side table's path for a JSON path whose leaves it holds: every segment a plain name
/// (`[A-Za-z_][A-Za-z0-9_]*`, see the migration).
pub(super) fn indexed_path(path: &[String]) -> Option<String> {
    let plain = |s: &String| {
        let mut chars = s.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    (!path.is_empty() && path.iter().all(plain)).then(|| path.join("."))
}

fn bin_oper(op: FilterOp) -> BinOper {
    match op {
        FilterOp::Eq => BinOper::Equal,
        FilterOp::Gt => BinOper::GreaterThan,
        FilterOp::Lt => BinOper::SmallerThan,
        FilterOp::Ge => BinOper::GreaterThanOrEqual,
        FilterOp::Le => BinOper::SmallerThanOrEqual,
    }
}

/// A numeric filter on an indexed path, as (side-table path, operator, value).
fn number_filter(f: &JsonFilter) -> Option<(String, BinOper, f64)> {
    match f.value {
        FilterValue::Number(v) => Some((indexed_path(&f.path)?, bin_oper(f.op), v)),
        _ => None,
    }
}

/// A numeric filter as `EXISTS` of a matching leaf of the result: the same rows as reading the
/// document (a number at the path, compared as a double), found through the side table.
pub(super) fn number_condition(f: &JsonFilter) -> Option<Expr> {
    let (path, op, v) = number_filter(f)?;
    let leaf = Query::select()
        .expr(Expr::val(1))
        .from(table(NUMBERS))
        .and_where(column(NUMBERS, "result_id").equals(col(result::Column::Id)))
        .and_where(column(NUMBERS, "path").eq(path))
        .and_where(column(NUMBERS, "value").binary(op, v))
        .to_owned();
    Some(Expr::exists(leaf))
}

/// Results whose benchmark name (`image:tag`), site name or address, or flavor name contains
/// `term` (`LIKE`, as the contract's search), the ids read from columns `ids` (benchmark, site,
/// flavor). The catalog is small: matching its rows first spares joining every result.
pub(super) fn catalog_match(term: &str, ids: [Expr; 3]) -> Condition {
    let like = format!("%{term}%");
    let [benchmark_id, site_id, flavor_id] = ids;
    let benchmarks = Query::select()
        .column((benchmark::Entity, benchmark::Column::Id))
        .from(benchmark::Entity)
        .and_where(benchmark_name().like(like.clone()))
        .to_owned();
    let sites = Query::select()
        .column((site::Entity, site::Column::Id))
        .from(site::Entity)
        .cond_where(
            Condition::any()
                .add(Expr::col((site::Entity, site::Column::Name)).like(like.clone()))
                .add(Expr::col((site::Entity, site::Column::Address)).like(like.clone())),
        )
        .to_owned();
    let flavors = Query::select()
        .column((flavor::Entity, flavor::Column::Id))
        .from(flavor::Entity)
        .and_where(Expr::col((flavor::Entity, flavor::Column::Name)).like(like))
        .to_owned();
    Condition::any()
        .add(benchmark_id.in_subquery(benchmarks))
        .add(site_id.in_subquery(sites))
        .add(flavor_id.in_subquery(flavors))
}

/// The ids of the tags named `term` (none or one: names are unique).
pub(super) fn tags_named(term: &str) -> SelectStatement {
    Query::select()
        .column((tag::Entity, tag::Column::Id))
        .from(tag::Entity)
        .and_where(Expr::col((tag::Entity, tag::Column::Name)).eq(term))
        .to_owned()
}

/// `SELECT <counter> AS g, SUM(n) AS n FROM <count table>` with conditions to add.
fn sum_of(count_table: &str) -> SelectStatement {
    Query::select()
        .expr_as(Expr::cust(GENERATION), Alias::new("g"))
        .expr_as(Expr::cust(SUM_N), Alias::new("n"))
        .from(table(count_table))
        .to_owned()
}

/// `SUM(n)` of a count table as a scalar subquery, under `cond`.
fn scalar_sum(count_table: &str, cond: Condition) -> Expr {
    let q = Query::select().expr(Expr::cust(SUM_N)).from(table(count_table)).cond_where(cond).to_owned();
    Expr::SubQuery(None, Box::new(q.into()))
}

/// Equality conditions on the (benchmark, site, flavor) columns of a count table.
fn context(count_table: &str, filter: &ResultFilter) -> Condition {
    let mut cond = Condition::all();
    for (name, id) in [
        ("benchmark_id", filter.benchmark_id.map(Id::uuid)),
        ("site_id", filter.site_id.map(Id::uuid)),
        ("flavor_id", filter.flavor_id.map(Id::uuid)),
    ] {
        if let Some(id) = id {
            cond = cond.add(column(count_table, name).eq(id));
        }
    }
    cond
}

/// A statement reading `(g, n)`, the change counter and the list's exact total, from the
/// maintained counts, when the filter has a shape they cover.
pub(super) fn total_statement(backend: DatabaseBackend, filter: &ResultFilter) -> Option<SelectStatement> {
    if filter.owner.is_some() || filter.uploaded != DateRange::default() {
        return None;
    }
    let catalog = filter.benchmark_id.is_some() || filter.site_id.is_some() || filter.flavor_id.is_some();
    let dated = filter.executed != DateRange::default();
    let searching = !filter.terms.is_empty();
    match (filter.filters.as_slice(), filter.tags_ids.as_slice()) {
        ([], []) if !dated && !searching => {
            Some(sum_of("result_count").cond_where(context("result_count", filter)).to_owned())
        }
        ([], [tag]) if !dated && !searching => Some(tag_total(filter, tag.uuid())),
        ([], []) if dated && !catalog && !searching => Some(dated_total(backend, &filter.executed)),
        ([], []) if searching && !catalog && !dated => search_total(&filter.terms),
        ([f], []) if !dated && !searching && filter.site_id.is_none() && filter.flavor_id.is_none() => {
            number_total(f, filter.benchmark_id.map(Id::uuid))
        }
        _ => None,
    }
}

fn tag_total(filter: &ResultFilter, tag_id: Uuid) -> SelectStatement {
    let t = "result_tag_count";
    sum_of(t).cond_where(context(t, filter).add(column(t, "tag_id").eq(tag_id))).to_owned()
}

/// Per-day counts: days from `after` (inclusive) to `before` (exclusive), less the results at
/// exactly `after` 00:00, which `execution_after` excludes.
fn dated_total(backend: DatabaseBackend, range: &DateRange) -> SelectStatement {
    let mut days = Condition::all();
    if let Some(after) = range.after {
        days = days.add(column("result_day_count", "day").gte(after));
    }
    if let Some(before) = range.before {
        days = days.add(column("result_day_count", "day").lt(before));
    }
    let mut q = Query::select();
    q.expr_as(Expr::cust(GENERATION), Alias::new("g"));
    match range.after_instant() {
        Some(after) => {
            let mut at_midnight = Query::select();
            at_midnight
                .expr(Expr::cust("COUNT(*)"))
                .from(result::Entity)
                .and_where(visible(backend))
                .and_where(Expr::col(col(result::Column::ExecutionDatetime)).eq(after));
            if let Some(before) = range.before_instant() {
                at_midnight.and_where(Expr::col(col(result::Column::ExecutionDatetime)).lt(before));
            }
            let excluded = Expr::SubQuery(None, Box::new(at_midnight.into()));
            q.expr_as(scalar_sum("result_day_count", days).sub(excluded), Alias::new("n"));
        }
        None => {
            q.expr_as(scalar_sum("result_day_count", days), Alias::new("n"));
        }
    }
    q
}

/// One search term: results of a matching benchmark, site or flavor, plus those carrying the
/// tag named by the term whose benchmark, site and flavor do not match (counted once). Several
/// terms are left to the plain count.
fn search_total(terms: &[String]) -> Option<SelectStatement> {
    let mut distinct: Vec<&String> = terms.iter().collect();
    distinct.sort();
    distinct.dedup();
    let [term] = distinct.as_slice() else { return None };
    let ids = |t: &str| [column(t, "benchmark_id"), column(t, "site_id"), column(t, "flavor_id")];
    let by_catalog = scalar_sum("result_count", catalog_match(term, ids("result_count")));
    let t = "result_tag_count";
    let by_tag_only = scalar_sum(
        t,
        Condition::all()
            .add(column(t, "tag_id").in_subquery(tags_named(term)))
            .add(catalog_match(term, ids(t)).not()),
    );
    Some(
        Query::select()
            .expr_as(Expr::cust(GENERATION), Alias::new("g"))
            .expr_as(by_catalog.add(by_tag_only), Alias::new("n"))
            .to_owned(),
    )
}

/// One numeric filter on an indexed path, optionally within one benchmark.
fn number_total(f: &JsonFilter, benchmark_id: Option<Uuid>) -> Option<SelectStatement> {
    let (path, op, v) = number_filter(f)?;
    let t = "result_number_count";
    let mut cond = Condition::all().add(column(t, "path").eq(path)).add(column(t, "value").binary(op, v));
    if let Some(id) = benchmark_id {
        cond = cond.add(column(t, "benchmark_id").eq(id));
    }
    Some(sum_of(t).cond_where(cond).to_owned())
}

/// Sorting by a number at an indexed path first: the page is read in the side table's value
/// order. Exact only when every listed result has a number there (checked against the total
/// with [`NumberSort::coverage`]), and offered for all visible results, optionally of one
/// benchmark.
pub(super) struct NumberSort {
    /// Side-table path.
    pub(super) path: String,
    /// Direction of the first key.
    pub(super) dir: SortDir,
    benchmark_id: Option<Uuid>,
}

impl NumberSort {
    /// For this filter and sort, if they have the covered shape and the later keys need no
    /// join.
    pub(super) fn of(filter: &ResultFilter, sort: &[SortKey<ResultSort>], joins: &Joins) -> Option<Self> {
        if joins.any() {
            return None;
        }
        let only_benchmark = ResultFilter { benchmark_id: filter.benchmark_id, ..ResultFilter::default() };
        let Some(SortKey { field: ResultSort::Json(path), dir }) = sort.first() else { return None };
        (*filter == only_benchmark).then_some(())?;
        Some(Self { path: indexed_path(path)?, dir: *dir, benchmark_id: filter.benchmark_id.map(Id::uuid) })
    }

    /// How many listed results have a number at the path (equal to the total: all of them).
    pub(super) fn coverage(&self) -> Expr {
        let t = "result_path_count";
        let mut cond = Condition::all().add(column(t, "path").eq(self.path.clone()));
        if let Some(id) = self.benchmark_id {
            cond = cond.add(column(t, "benchmark_id").eq(id));
        }
        scalar_sum(t, cond)
    }

    /// Reads a `FROM result` statement's rows through the side table's rows of the path, in
    /// their value order first (the caller appends the sort's own keys, which break ties
    /// exactly). The statement must have no joins yet: the side table becomes its first table,
    /// `CROSS JOIN result` (the join condition in `WHERE`), which on SQLite keeps it the outer
    /// loop (its planner otherwise walks the visible results and sorts them all); PostgreSQL
    /// plans it as any inner join.
    pub(super) fn read_through(&self, q: &mut SelectStatement) {
        q.from_clear()
            .from(table(NUMBERS))
            .cross_join(result::Entity)
            .and_where(column(NUMBERS, "result_id").equals(col(result::Column::Id)))
            .and_where(column(NUMBERS, "path").eq(self.path.clone()));
        if let Some(id) = self.benchmark_id {
            q.and_where(column(NUMBERS, "benchmark_id").eq(id));
        }
        q.order_by_expr(column(NUMBERS, "value"), crate::sql::order(self.dir));
    }
}

/// The direction of a sort that is the execution order alone, for a list of all visible results
/// (what the per-day counts cover).
pub(super) fn execution_order(filter: &ResultFilter, sort: &[SortKey<ResultSort>]) -> Option<SortDir> {
    match sort {
        [SortKey { field: ResultSort::ExecutionDatetime, dir }] if *filter == ResultFilter::default() => {
            Some(*dir)
        }
        _ => None,
    }
}
