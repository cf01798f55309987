//! Query helpers shared by every repository: sorting, paging, search and date conditions, and
//! the few places where PostgreSQL and SQLite differ (see [`json`]).

pub mod json;

use domain::{DateRange, Page, PageRequest, RepoError, SortDir, SortKey};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
    sea_query::{Expr, ExprTrait, IntoColumnRef},
};

use crate::error::{DbResultExt, read_retrying};

/// Converts a domain direction.
pub fn order(dir: SortDir) -> Order {
    match dir {
        SortDir::Asc => Order::Asc,
        SortDir::Desc => Order::Desc,
    }
}

/// Orders by the column of each sort key (`column` maps every field of the resource), then by
/// `tiebreak` so that pages never overlap (Q28).
pub fn sort_by<E: EntityTrait, F>(
    mut select: Select<E>,
    sort: &[SortKey<F>],
    column: impl Fn(&F) -> E::Column,
    tiebreak: E::Column,
) -> Select<E> {
    for key in sort {
        select = select.order_by(column(&key.field), order(key.dir));
    }
    select.order_by(tiebreak, Order::Asc)
}

/// `col > after 00:00 AND col < before 00:00`.
pub fn date_condition<C: ColumnTrait>(col: C, range: &DateRange) -> Condition {
    let mut cond = Condition::all();
    if let Some(after) = range.after_instant() {
        cond = cond.add(col.gt(after));
    }
    if let Some(before) = range.before_instant() {
        cond = cond.add(col.lt(before));
    }
    cond
}

/// Each term must be contained (`LIKE '%term%'`, case-sensitive on both backends) in at least
/// one of the columns.
pub fn terms_condition(terms: &[String], columns: &[impl IntoColumnRef + Clone]) -> Condition {
    let mut all = Condition::all();
    for term in terms {
        let pattern = format!("%{term}%");
        let mut any = Condition::any();
        for col in columns {
            any = any.add(Expr::col(col.clone()).like(pattern.clone()));
        }
        all = all.add(any);
    }
    all
}

/// Counts the rows, then loads the requested page. A page starting past any offset SQL accepts
/// is empty without a second query.
///
/// # Errors
/// Classified database errors.
pub async fn fetch_page<E, C>(
    db: &C,
    select: Select<E>,
    page: PageRequest,
) -> Result<Page<E::Model>, RepoError>
where
    E: EntityTrait,
    E::Model: FromQueryResult + Sized + Send + Sync,
    C: ConnectionTrait,
{
    read_retrying(|| {
        let select = select.clone();
        async move {
            let total = select.clone().count(db).await.repo()?;
            let items = match page.offset() {
                Some(offset) if offset < total => {
                    select.offset(offset).limit(page.per_page).all(db).await.repo()?
                }
                _ => Vec::new(),
            };
            Ok(Page { items, total, request: page })
        }
    })
    .await
}

/// Filters `select` by `cond` only when it is not empty.
pub fn filter_if<E: EntityTrait>(select: Select<E>, cond: Condition) -> Select<E> {
    if cond.is_empty() { select } else { select.filter(cond) }
}
