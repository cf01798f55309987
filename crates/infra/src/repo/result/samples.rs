//! [`SampleSource`] on SeaORM. On PostgreSQL, queries the numeric leaves cover read them
//! (`number_samples`); every other query is one statement reading, for each matching visible result, its
//! references, the JSON text at the metric and at the JSON group keys and, when asked, its tags
//! (one row per tag, merged here), streamed. Values are parsed here; statistics are the
//! domain's.

use domain::{
    RepoError,
    result::ResultFilter,
    statistics::{Sample, SampleQuery, SampleSource, Samples},
};
use futures_util::StreamExt;
use sea_orm::{
    ConnectionTrait, QueryResult, StreamTrait,
    sea_query::{Alias, Expr, ExprTrait, Order},
};
use serde_json::Value;
use uuid::Uuid;

use super::{
    SeaResultRepository,
    number_samples::covered_metric,
    query::{Scope, base_query, col, joins_for},
};
use crate::{
    entity::{result, result_tag},
    error::{DbResultExt, read_retrying},
    sql::json,
};

/// The metric when its JSON text is a number (strings are quoted, so `"12"` is not one).
fn number(text: Option<&str>) -> Option<f64> {
    let text = text?;
    let first = text.as_bytes().first()?;
    if *first == b'-' || first.is_ascii_digit() { text.parse().ok() } else { None }
}

fn key_name(i: usize) -> String {
    format!("k{i}")
}

/// The sample of a row of columns `b, s, f, m, k0 … k<keys-1>`, read by position (looking
/// columns up by name cost a tenth of a million-row read).
fn read_row(row: &QueryResult, keys: usize) -> Result<Sample, RepoError> {
    let metric: Option<String> = row.try_get_by_index(3).repo()?;
    let mut values = Vec::with_capacity(keys);
    for i in 0..keys {
        let text: Option<String> = row.try_get_by_index(4 + i).repo()?;
        values.push(text.map(|t| serde_json::from_str(&t).unwrap_or(Value::Null)));
    }
    Ok(Sample {
        benchmark_id: row.try_get_by_index(0).repo()?,
        site_id: row.try_get_by_index(1).repo()?,
        flavor_id: row.try_get_by_index(2).repo()?,
        tags_ids: Vec::new(),
        value: number(metric.as_deref()),
        keys: values,
    })
}

impl SeaResultRepository {
    async fn samples_once(&self, query: &SampleQuery) -> Result<Vec<Sample>, RepoError> {
        use result::Column as R;
        let backend = self.db.get_database_backend();
        let filter = ResultFilter { owner: None, ..query.filter.clone() };
        let mut q = base_query(backend, &filter, &joins_for(&filter, &[]), Scope::Listing);
        q.expr_as(Expr::col(col(R::BenchmarkId)), Alias::new("b"))
            .expr_as(Expr::col(col(R::SiteId)), Alias::new("s"))
            .expr_as(Expr::col(col(R::FlavorId)), Alias::new("f"))
            .expr_as(json::value_text(backend, &query.metric), Alias::new("m"));
        for (i, path) in query.json_keys.iter().enumerate() {
            q.expr_as(json::value_text(backend, path), Alias::new(key_name(i)));
        }
        // With tags: one row per tag, told apart by the result's id (then its tag).
        if query.tags {
            q.expr_as(Expr::col(col(R::Id)), Alias::new("i"));
            q.left_join(
                result_tag::Entity,
                Expr::col((result_tag::Entity, result_tag::Column::ResultId)).equals(col(R::Id)),
            )
            .expr_as(Expr::col((result_tag::Entity, result_tag::Column::TagId)), Alias::new("t"))
            .order_by(col(R::Id), Order::Asc);
        }
        // Streamed: each row becomes a sample as it arrives, so the rows are never all held at
        // once (at a million results they took about 700 MB; the samples take a sixth of that).
        let mut rows = self.db.stream(&q).await.repo()?;
        let mut samples: Vec<Sample> = Vec::new();
        let mut last: Option<Uuid> = None;
        let keys = query.json_keys.len();
        while let Some(row) = rows.next().await.transpose().repo()? {
            let sample = read_row(&row, keys)?;
            if !query.tags {
                samples.push(sample);
                continue;
            }
            let id: Uuid = row.try_get_by_index(4 + keys).repo()?;
            let tag: Option<Uuid> = row.try_get_by_index(5 + keys).repo()?;
            match samples.last_mut() {
                // Rows of one result are adjacent (ordered by id) and differ only in the tag.
                Some(previous) if last == Some(id) => previous.tags_ids.extend(tag),
                _ => {
                    samples.push(Sample { tags_ids: tag.into_iter().collect(), ..sample });
                    last = Some(id);
                }
            }
        }
        Ok(samples)
    }
}

#[async_trait::async_trait]
impl SampleSource for SeaResultRepository {
    async fn samples(&self, query: &SampleQuery) -> Result<Samples, RepoError> {
        match covered_metric(self.db.get_database_backend(), query) {
            Some(path) => read_retrying(|| self.number_samples_once(query, &path)).await,
            None => read_retrying(|| self.samples_once(query)).await.map(Samples::from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn only_json_numbers_are_numbers() {
        assert_eq!(number(Some("12.50")), Some(12.5));
        assert_eq!(number(Some("-1e3")), Some(-1000.0));
        assert_eq!(number(Some("\"12\"")), None);
        assert_eq!(number(Some("true")), None);
        assert_eq!(number(Some("null")), None);
        assert_eq!(number(Some("[1]")), None);
        assert_eq!(number(None), None);
    }
}
