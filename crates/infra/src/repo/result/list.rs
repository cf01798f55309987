//! A result list, answered from the cache while the change counter is the one it was computed
//! at: a count statement (which also reads the counter), a page statement, then the page's
//! related rows; stored only if the counter was unchanged from the count through the last
//! statement.

use std::sync::Arc;

use domain::{
    Page, PageRequest, RepoError, SortKey,
    result::{ResultFilter, ResultSort},
};
use sea_orm::{
    ConnectionTrait,
    sea_query::{Alias, Expr, SelectStatement},
};

use super::{
    GENERATION, SeaResultRepository,
    query::{Joins, Scope, apply_sort, base_query, joins_for},
};
use crate::{error::DbResultExt, repo::generation_cache::Computed};

/// A cached page: the list's total and the page's results.
pub(super) type CachedPage = (u64, Arc<Vec<domain::result::BenchmarkResult>>);

/// A cached total: the counter value it was counted at, and the count.
pub(super) type CachedTotal = (i64, u64);

/// About the memory a cached page holds: each result's fixed part, its document and its
/// benchmark's schema (every result carries its own copy), and the names of its tags.
pub(super) fn page_bytes((_, results): &CachedPage) -> usize {
    results
        .iter()
        .map(|r| {
            let tags: usize = r.tags.iter().map(|t| size_of_val(t) + t.name.len()).sum();
            size_of_val(r) + json_bytes(&r.json) + json_bytes(&r.benchmark.json_schema) + tags
        })
        .sum()
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
        let mut count_q = base_query(backend, filter, &joins, Scope::Listing);
        count_q
            .expr_as(Expr::cust(GENERATION), Alias::new("g"))
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"));
        let count_key = format!("{:?}", backend.build(&count_q));
        let key = format!("{count_key}{sort:?}{page:?}");
        // A cached answer is used while the committed change counter is the one it was computed
        // at; concurrent misses of this page at this counter value compute it once.
        let now = self.read_counter().await?;
        let list = ListQuery { filter, sort, page, joins: &joins, count_key, count_q: &count_q };
        let (total, items) = self.pages.get_or_compute(key, now, self.compute_page(list, now)).await?;
        Ok(Page { items: items.as_ref().clone(), total, request: page })
    }

    /// Runs the statements of one page; exact if the counter did not move from the count
    /// through the last statement.
    async fn compute_page(&self, list: ListQuery<'_>, now: i64) -> Result<Computed<CachedPage>, RepoError> {
        let backend = self.db.get_database_backend();
        let (generation, total) = self.total(list.count_key, list.count_q, now).await?;
        let items = match list.page.offset() {
            Some(offset) if offset < total => {
                let mut page_q = base_query(backend, list.filter, list.joins, Scope::Listing);
                apply_sort(backend, &mut page_q, list.sort);
                page_q.limit(list.page.per_page).offset(offset);
                self.load(page_q).await?
            }
            _ => Vec::new(),
        };
        // Each statement read its own committed snapshot; the counter being unchanged from the
        // total's to after the last statement proves they all saw the same data.
        let exact_at = (self.read_counter().await? == generation).then_some(generation);
        Ok(Computed { value: (total, Arc::new(items)), exact_at })
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
                let (generation, total) = match self.db.query_one(count_q).await.repo()? {
                    Some(row) => (row.try_get::<i64>("", "g").repo()?, row.try_get::<i64>("", "n").repo()?),
                    None => (-1, 0),
                };
                let total = u64::try_from(total).unwrap_or(0);
                Ok(Computed { value: (generation, total), exact_at: Some(generation) })
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
    /// The count statement, as key of the shared total.
    count_key: String,
    count_q: &'a SelectStatement,
}
