//! [`ResultRepository`] in memory: lists with every filter of the SQL adapter (owner scope,
//! references, tags, date ranges, JSON filters, search terms), column and JSON sort keys.

use chrono::{DateTime, Utc};

use crate::{
    Page, PageRequest, RepoError, ResultId, SortKey, TagId,
    idempotency::{IDEMPOTENCY_WINDOW, IdempotencyRecord, Stored},
    result::{BenchmarkResult, NewResult, ResultFilter, ResultRepository, ResultSort},
    tag::Tag,
    user::{User, UserKey},
};

use super::{
    MemoryStore,
    json::{compare_at, passes},
    listing::{Comparator, SortValue, by, in_range, like_contains, page_of, sort_rows},
    state::{ResultRow, Tables},
};

fn record_key(user: &UserKey, key: &str) -> (String, String, String) {
    (user.sub.clone(), user.iss.clone(), key.to_owned())
}

/// The constraints of the result table on a new row.
fn check_new(tables: &Tables, new: &NewResult) -> Result<(), RepoError> {
    let references_exist = tables.benchmarks.contains_key(&new.benchmark_id)
        && tables.sites.contains_key(&new.site_id)
        && tables.flavors.contains_key(&new.flavor_id)
        && new.tags_ids.iter().all(|t| tables.tags.contains_key(t));
    if !references_exist {
        return Err(RepoError::NotFound);
    }
    tables.require_user(&new.uploader)?;
    let mut unique = new.tags_ids.clone();
    unique.sort();
    unique.dedup();
    if unique.len() != new.tags_ids.len() || tables.results.contains_key(&new.id) {
        return Err(RepoError::Conflict("duplicate (result, tag) link".into()));
    }
    Ok(())
}

fn add_row(tables: &mut Tables, new: &NewResult) {
    tables.results.insert(
        new.id,
        ResultRow {
            id: new.id,
            upload_datetime: new.upload_datetime,
            execution_datetime: new.execution_datetime,
            json: new.json.clone(),
            benchmark_id: new.benchmark_id,
            site_id: new.site_id,
            flavor_id: new.flavor_id,
            tags_ids: new.tags_ids.clone(),
            uploader: new.uploader.clone(),
            deleted: false,
            deleted_by_admin: false,
        },
    );
}

/// A result with its context, tags ordered by name.
fn to_result(tables: &Tables, row: &ResultRow) -> Result<BenchmarkResult, RepoError> {
    let mut tags: Vec<Tag> = row.tags_ids.iter().filter_map(|t| tables.tags.get(t).cloned()).collect();
    tags.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(BenchmarkResult {
        id: row.id,
        upload_datetime: row.upload_datetime,
        execution_datetime: row.execution_datetime,
        json: row.json.clone(),
        benchmark: tables.benchmarks.get(&row.benchmark_id).cloned().ok_or(RepoError::NotFound)?,
        site: tables.sites.get(&row.site_id).cloned().ok_or(RepoError::NotFound)?,
        flavor: tables.flavors.get(&row.flavor_id).cloned().ok_or(RepoError::NotFound)?,
        tags,
        uploader: row.uploader.clone(),
        hidden: row.deleted,
    })
}

/// Whether a search term matches: the benchmark name, site name or address, or flavor name
/// contain it, or a tag is named exactly so.
fn term_matches(tables: &Tables, row: &ResultRow, term: &str) -> bool {
    let benchmark = tables.benchmarks.get(&row.benchmark_id);
    let site = tables.sites.get(&row.site_id);
    let flavor = tables.flavors.get(&row.flavor_id);
    benchmark.is_some_and(|b| like_contains(&format!("{}:{}", b.docker_image, b.docker_tag), term))
        || site.is_some_and(|s| like_contains(&s.name, term) || like_contains(&s.address, term))
        || flavor.is_some_and(|f| like_contains(&f.name, term))
        || row.tags_ids.iter().filter_map(|t| tables.tags.get(t)).any(|t| t.name == term)
}

pub(super) fn selected(tables: &Tables, filter: &ResultFilter, row: &ResultRow) -> bool {
    let in_scope = match &filter.owner {
        Some(owner) => row.uploader == *owner,
        None => !row.deleted,
    };
    in_scope
        && filter.benchmark_id.is_none_or(|id| id == row.benchmark_id)
        && filter.site_id.is_none_or(|id| id == row.site_id)
        && filter.flavor_id.is_none_or(|id| id == row.flavor_id)
        && filter.tags_ids.iter().all(|t| row.tags_ids.contains(t))
        && in_range(&filter.uploaded, row.upload_datetime)
        && in_range(&filter.executed, row.execution_datetime)
        && filter.filters.iter().all(|f| passes(&row.json, f))
        && filter.terms.iter().all(|term| term_matches(tables, row, term))
}

fn result_column(field: &ResultSort) -> Comparator<BenchmarkResult> {
    type R = BenchmarkResult;
    let text = |v: &str| SortValue::Text(v.to_owned());
    match field {
        ResultSort::Json(path) => {
            let path = path.clone();
            Box::new(move |a: &R, b: &R| compare_at(&a.json, &b.json, &path))
        }
        ResultSort::Id => by(|r: &R| SortValue::Id(r.id.uuid())),
        ResultSort::ExecutionDatetime => by(|r: &R| SortValue::Time(r.execution_datetime)),
        ResultSort::UploadDatetime => by(|r: &R| SortValue::Time(r.upload_datetime)),
        ResultSort::BenchmarkId => by(|r: &R| SortValue::Id(r.benchmark.id.uuid())),
        ResultSort::BenchmarkName => {
            by(move |r: &R| text(&format!("{}:{}", r.benchmark.docker_image, r.benchmark.docker_tag)))
        }
        ResultSort::SiteId => by(|r: &R| SortValue::Id(r.site.id.uuid())),
        ResultSort::SiteName => by(move |r: &R| text(&r.site.name)),
        ResultSort::SiteAddress => by(move |r: &R| text(&r.site.address)),
        ResultSort::FlavorId => by(|r: &R| SortValue::Id(r.flavor.id.uuid())),
        ResultSort::FlavorName => by(move |r: &R| text(&r.flavor.name)),
        ResultSort::Deleted => by(|r: &R| SortValue::Bool(r.hidden)),
        ResultSort::UploaderSub => by(move |r: &R| text(&r.uploader.sub)),
        ResultSort::UploaderIss => by(move |r: &R| text(&r.uploader.iss)),
    }
}

#[async_trait::async_trait]
impl ResultRepository for MemoryStore {
    async fn find(&self, id: ResultId) -> Result<Option<BenchmarkResult>, RepoError> {
        let tables = self.lock();
        tables.results.get(&id).map(|row| to_result(&tables, row)).transpose()
    }

    async fn insert(&self, new: &NewResult) -> Result<(), RepoError> {
        let mut tables = self.write();
        check_new(&tables, new)?;
        add_row(&mut tables, new);
        Ok(())
    }

    async fn insert_batch(
        &self,
        new: &[NewResult],
        remember: Option<&IdempotencyRecord>,
    ) -> Result<Stored, RepoError> {
        let mut tables = self.write();
        if let Some(record) = remember {
            let cutoff = record.created_at - IDEMPOTENCY_WINDOW;
            tables.idempotency.retain(|_, r| r.created_at >= cutoff);
            if tables.idempotency.contains_key(&record_key(&record.user, &record.key)) {
                return Ok(Stored::KeyTaken);
            }
        }
        for (i, row) in new.iter().enumerate() {
            check_new(&tables, row)?;
            if new[..i].iter().any(|earlier| earlier.id == row.id) {
                return Err(RepoError::Conflict("duplicate result id".into()));
            }
        }
        for row in new {
            add_row(&mut tables, row);
        }
        if let Some(record) = remember {
            tables.idempotency.insert(record_key(&record.user, &record.key), record.clone());
        }
        Ok(Stored::Inserted)
    }

    async fn remembered(
        &self,
        user: &UserKey,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<IdempotencyRecord>, RepoError> {
        let tables = self.lock();
        Ok(tables.idempotency.get(&record_key(user, key)).filter(|r| r.created_at >= since).cloned())
    }

    async fn find_many(&self, ids: &[ResultId]) -> Result<Vec<BenchmarkResult>, RepoError> {
        let tables = self.lock();
        ids.iter().filter_map(|id| tables.results.get(id)).map(|row| to_result(&tables, row)).collect()
    }

    async fn list(
        &self,
        filter: &ResultFilter,
        sort: &[SortKey<ResultSort>],
        page: PageRequest,
    ) -> Result<Page<BenchmarkResult>, RepoError> {
        let tables = self.lock();
        let mut rows = tables
            .results
            .values()
            .filter(|row| selected(&tables, filter, row))
            .map(|row| to_result(&tables, row))
            .collect::<Result<Vec<_>, _>>()?;
        sort_rows(&mut rows, sort, result_column, |a: &BenchmarkResult, b| a.id.cmp(&b.id));
        Ok(page_of(rows, page))
    }

    async fn hide_by_admin(&self, id: ResultId) -> Result<(), RepoError> {
        let mut tables = self.write();
        let row = tables.results.get_mut(&id).ok_or(RepoError::NotFound)?;
        row.deleted = true;
        row.deleted_by_admin = true;
        Ok(())
    }

    async fn set_tags(&self, id: ResultId, tags_ids: &[TagId]) -> Result<(), RepoError> {
        let mut tables = self.write();
        if !tables.results.contains_key(&id) {
            return Err(RepoError::NotFound);
        }
        if !tags_ids.iter().all(|t| tables.tags.contains_key(t)) {
            return Err(RepoError::Conflict("unknown tag".into()));
        }
        let mut unique = tags_ids.to_vec();
        unique.sort();
        unique.dedup();
        if unique.len() != tags_ids.len() {
            return Err(RepoError::Conflict("duplicate (result, tag) link".into()));
        }
        let row = tables.results.get_mut(&id).ok_or(RepoError::NotFound)?;
        row.tags_ids = tags_ids.to_vec();
        Ok(())
    }

    async fn uploader(&self, id: ResultId) -> Result<Option<User>, RepoError> {
        let tables = self.lock();
        let Some(row) = tables.results.get(&id) else { return Ok(None) };
        Ok(tables.users.get(&(row.uploader.sub.clone(), row.uploader.iss.clone())).cloned())
    }

    /// The store keeps no change counter: answers read from it are never cached.
    async fn generation(&self) -> Result<Option<i64>, RepoError> {
        Ok(None)
    }
}
