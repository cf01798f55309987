//! A result list, answered from the cache while the change counter is the one it was computed
//! at: a count statement (which also reads the counter), a page statement, then the page's
//! related rows; stored only if the counter was unchanged from the count through the last
//! statement. The count reads the maintained counts when they cover the filter, and the page
//! the side table or the per-day counts when they cover the sort ([`super::derived`]).

use std::sync::Arc;

use domain::{
    Page, PageRequest, RepoError, SortDir, SortKey,
    result::{ResultFilter, ResultSort},
};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, Statement,
    sea_query::{Alias, Expr, ExprTrait, SelectStatement},
};

use super::{
    GENERATION, SeaResultRepository,
    derived::{self, NumberSort},
    query::{Joins, Scope, apply_sort, base_query, col, joins_for},
};
use crate::{entity::result, error::DbResultExt, repo::generation_cache::Computed};

/// A cached page: the list's total and the page's results.
pub(super) type CachedPage = (u64, Arc<Vec<domain::result::BenchmarkResult>>);

/// A cached total: the counter value it was counted at, the count, and whether every listed
/// result has a number at the path of a [`NumberSort`] (false without one).
pub(super) type CachedTotal = (i64, u64, bool);

/// About the memory a cached page holds: each result's fixed part, its document and the names
/// of its tags, and once each schema of its benchmarks (the results of one benchmark share it).
pub(super) fn page_bytes((_, results): &CachedPage) -> usize {
    let mut schemas: Vec<&Arc<serde_json::Value>> = Vec::new();
    let own: usize = results
        .iter()
        .map(|r| {
            if !schemas.iter().any(|schema| Arc::ptr_eq(schema, &r.benchmark.json_schema)) {
                schemas.push(&r.benchmark.json_schema);
            }
            let tags: usize = r.tags.iter().map(|t| size_of_val(t) + t.name.len()).sum();
            size_of_val(r) + json_bytes(&r.json) + tags
        })
        .sum();
    own + schemas.into_iter().map(|schema| json_bytes(schema)).sum::<usize>()
}

/// About the memory of a JSON value: its text and a pointer-sized slot per node.
fn json_bytes(value: &serde_json::Value) -> usize {
    use serde_json::Value;
    let own = size_of::<Value>();
    own + match value {
        Value::String(s) => s.len(),
        Value::Array(items) => items.iter().map(json_bytes).sum(),
        Value::Object(map) => map.iter().map(|(k, v)| k.len() + json_bytes(v)).sum(),
        Value::Null | Value::Bool(_) | Value::Number(_) => 0,
    }
}

/// `(g, n)`: the change counter and the number of results `filter` lists, counted.
pub(super) fn count_statement(
    backend: DatabaseBackend,
    filter: &ResultFilter,
    joins: &Joins,
) -> SelectStatement {
    let mut q = base_query(backend, filter, joins, Scope::Listing);
    q.expr_as(Expr::cust(GENERATION), Alias::new("g")).expr_as(Expr::cust("COUNT(*)"), Alias::new("n"));
    q
}

impl SeaResultRepository {
    /// One attempt at a list page.
    pub(super) async fn list_once(
        &self,
        filter: &ResultFilter,
        sort: &[SortKey<ResultSort>],
        page: PageRequest,
    ) -> Result<Page<domain::result::BenchmarkResult>, RepoError> {
        let backend = self.db.get_database_backend();
        let joins = joins_for(filter, sort);
        let number_sort = NumberSort::of(filter, sort, &joins);
        let mut count_q = derived::total_statement(backend, filter)
            .unwrap_or_else(|| count_statement(backend, filter, &joins));
        if let Some(by_number) = &number_sort {
            count_q.expr_as(by_number.coverage(), Alias::new("m"));
        }
        let count_key = format!("{:?}", backend.build(&count_q));
        let key = format!("{count_key}{sort:?}{page:?}");
        // A cached answer is used while the committed change counter is the one it was computed
        // at; concurrent misses of this page at this counter value compute it once.
        let now = self.read_counter().await?;
        let list = ListQuery { filter, sort, page, joins: &joins, number_sort, count_key, count_q: &count_q };
        let (total, items) = self.pages.get_or_compute(key, now, self.compute_page(list, now)).await?;
        Ok(Page { items: items.as_ref().clone(), total, request: page })
    }

    /// Runs the statements of one page; exact if the counter did not move from the count
    /// through the last statement.
    async fn compute_page(&self, list: ListQuery<'_>, now: i64) -> Result<Computed<CachedPage>, RepoError> {
        let (generation, total, covered) = self.total(list.count_key.clone(), list.count_q, now).await?;
        let items = match list.page.offset() {
            Some(offset) if offset < total => self.page(&list, offset, covered).await?,
            _ => Vec::new(),
        };
        // Each statement read its own committed snapshot; the counter being unchanged from the
        // total's to after the last statement proves they all saw the same data.
        let exact_at = (self.read_counter().await? == generation).then_some(generation);
        Ok(Computed { value: (total, Arc::new(items)), exact_at })
    }

    /// The results of the page starting at `offset`: in the side table's order when it covers
    /// the sort, from the day holding `offset` when the order is the execution order, else by
    /// skipping `offset` rows.
    async fn page(
        &self,
        list: &ListQuery<'_>,
        offset: u64,
        covered: bool,
    ) -> Result<Vec<domain::result::BenchmarkResult>, RepoError> {
        let backend = self.db.get_database_backend();
        let mut page_q = base_query(backend, list.filter, list.joins, Scope::Listing);
        let mut skip = offset;
        match (&list.number_sort, derived::execution_order(list.filter, list.sort)) {
            (Some(by_number), _) if covered => by_number.read_through(&mut page_q),
            (_, Some(dir)) if offset > 0 => {
                if let Some((from_day, before)) = self.day_holding(offset, dir).await? {
                    page_q.and_where(from_day);
                    skip = offset - before;
                }
            }
            _ => {}
        }
        apply_sort(backend, &mut page_q, list.sort);
        page_q.limit(list.page.per_page).offset(skip);
        self.load(page_q).await
    }

    /// The day of execution holding the `offset`-th visible result in `dir` order, from the
    /// per-day counts: a condition keeping that day and the days after it, and how many results
    /// the days before it hold.
    async fn day_holding(&self, offset: u64, dir: SortDir) -> Result<Option<(Expr, u64)>, RepoError> {
        let backend = self.db.get_database_backend();
        let (order, placeholder) = match (dir, backend) {
            (SortDir::Asc, sea_orm::DatabaseBackend::Postgres) => ("ASC", "$1"),
            (SortDir::Asc, _) => ("ASC", "?"),
            (SortDir::Desc, sea_orm::DatabaseBackend::Postgres) => ("DESC", "$1"),
            (SortDir::Desc, _) => ("DESC", "?"),
        };
        let sql = format!(
            "SELECT day, CAST(cum - n AS BIGINT) AS before FROM (SELECT day, n, SUM(n) OVER (ORDER BY day {order}) \
             AS cum FROM result_day_count) AS t WHERE cum > {placeholder} ORDER BY day {order} LIMIT 1"
        );
        let offset_value = i64::try_from(offset).unwrap_or(i64::MAX);
        let statement = Statement::from_sql_and_values(backend, sql, [offset_value.into()]);
        let Some(row) = self.db.query_one_raw(statement).await.repo()? else { return Ok(None) };
        let day: chrono::NaiveDate = row.try_get("", "day").repo()?;
        let before = u64::try_from(row.try_get::<i64>("", "before").repo()?).unwrap_or(0);
        let executed = Expr::col(col(result::Column::ExecutionDatetime));
        let bound = match dir {
            SortDir::Asc => day.and_hms_opt(0, 0, 0).map(|t| executed.gte(t.and_utc())),
            SortDir::Desc => {
                day.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| executed.lt(t.and_utc()))
            }
        };
        Ok(bound.map(|b| (b, before)))
    }

    /// The list's total, from the cache when still exact, with the change counter it is exact
    /// for. `now` is a counter value read during this request.
    async fn total(
        &self,
        key: String,
        count_q: &SelectStatement,
        now: i64,
    ) -> Result<CachedTotal, RepoError> {
        self.totals
            .get_or_compute(key, now, async {
                let Some(row) = self.db.query_one(count_q).await.repo()? else {
                    return Ok(Computed { value: (-1, 0, false), exact_at: Some(-1) });
                };
                let generation = row.try_get::<i64>("", "g").repo()?;
                let total = u64::try_from(row.try_get::<i64>("", "n").repo()?).unwrap_or(0);
                let numbered = row.try_get::<Option<i64>>("", "m").ok().flatten();
                let covered = numbered.is_some_and(|m| u64::try_from(m).is_ok_and(|m| m == total));
                Ok(Computed { value: (generation, total, covered), exact_at: Some(generation) })
            })
            .await
    }
}

/// What one list request asks for.
struct ListQuery<'a> {
    filter: &'a ResultFilter,
    sort: &'a [SortKey<ResultSort>],
    page: PageRequest,
    joins: &'a Joins,
    /// The side-table order, when the sort and filter have its shape.
    number_sort: Option<NumberSort>,
    /// The count statement, as key of the shared total.
    count_key: String,
    count_q: &'a SelectStatement,
}
