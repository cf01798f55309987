//! Exports: one streamed statement over the selected result rows (rows are read off the
//! connection as they are consumed, with no buffering of the whole answer on either backend),
//! read in chunks of [`EXPORT_CHUNK`] rows. Each chunk gets its tags with one statement and the
//! benchmarks, sites and flavors not seen before in the export with one statement per table;
//! rows share them. Only what the sink writes is read: the document, as JSON text made compact
//! without building a tree, and the values at JSON paths, extracted by the database.
//! Each chunk is handed to the sink before the next is read, so memory stays constant however
//! many rows match.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use domain::{
    RepoError, SortKey,
    benchmark::Benchmark,
    flavor::Flavor,
    result::{EXPORT_CHUNK, ExportRow, ExportShape, ResultFilter, ResultSink, ResultSort},
    site::Site,
};
use futures_util::StreamExt;
use sea_orm::{
    ConnectionTrait, IdenStatic, QueryResult, StreamTrait,
    sea_query::{Alias, Expr},
};
use serde_json::{Value, value::RawValue};
use uuid::Uuid;

use super::{
    SeaResultRepository,
    load::related,
    query::{Scope, apply_sort, base_query, joins_for},
};
use crate::{
    entity::result::{self, Column as R},
    error::DbResultExt,
    repo::moderated::SeaModerated,
    sql::json::value_text,
};

/// A result row as read, before its catalog entries and tags are attached.
struct RawRow {
    id: Uuid,
    upload_datetime: DateTime<Utc>,
    execution_datetime: DateTime<Utc>,
    benchmark_id: Uuid,
    site_id: Uuid,
    flavor_id: Uuid,
    json: Option<Box<RawValue>>,
    values: Vec<Option<Value>>,
}

/// The column of the `i`th path's value.
fn value_column(i: usize) -> String {
    format!("value_{i}")
}

impl RawRow {
    fn read(row: &QueryResult, shape: &ExportShape) -> Result<Self, RepoError> {
        let json = match shape.document {
            true => Some(compact(&row.try_get::<String>("", "json_text").repo()?)?),
            false => None,
        };
        let values = (0..shape.paths.len())
            .map(|i| {
                let text: Option<String> = row.try_get("", &value_column(i)).repo()?;
                text.map(|t| {
                    serde_json::from_str(&t).map_err(|e| RepoError::Backend(format!("a stored value: {e}")))
                })
                .transpose()
            })
            .collect::<Result<_, RepoError>>()?;
        Ok(Self {
            id: row.try_get("", R::Id.as_str()).repo()?,
            upload_datetime: row.try_get("", R::UploadDatetime.as_str()).repo()?,
            execution_datetime: row.try_get("", R::ExecutionDatetime.as_str()).repo()?,
            benchmark_id: row.try_get("", R::BenchmarkId.as_str()).repo()?,
            site_id: row.try_get("", R::SiteId.as_str()).repo()?,
            flavor_id: row.try_get("", R::FlavorId.as_str()).repo()?,
            json,
            values,
        })
    }
}

/// `text` as compact JSON (PostgreSQL writes `jsonb` with a space after `:` and `,`).
fn compact(text: &str) -> Result<Box<RawValue>, RepoError> {
    let bad = |e: &dyn std::fmt::Display| RepoError::Backend(format!("a stored document: {e}"));
    let mut out = Vec::with_capacity(text.len());
    let mut reader = serde_json::Deserializer::from_str(text);
    serde_transcode::transcode(&mut reader, &mut serde_json::Serializer::new(&mut out))
        .map_err(|e| bad(&e))?;
    let out = String::from_utf8(out).map_err(|e| bad(&e))?;
    RawValue::from_string(out).map_err(|e| bad(&e))
}

/// The benchmarks, sites and flavors an export has met, shared by its rows.
#[derive(Default)]
struct Catalog {
    benchmarks: HashMap<Uuid, Arc<Benchmark>>,
    sites: HashMap<Uuid, Arc<Site>>,
    flavors: HashMap<Uuid, Arc<Flavor>>,
}

/// Loads the entries of `known`'s kind that the rows name and it lacks.
async fn learn<T: SeaModerated>(
    db: &impl ConnectionTrait,
    known: &mut HashMap<Uuid, Arc<T>>,
    ids: impl Iterator<Item = Uuid>,
) -> Result<(), RepoError> {
    let mut missing: Vec<Uuid> = ids.filter(|id| !known.contains_key(id)).collect();
    missing.sort_unstable();
    missing.dedup();
    for (id, item) in related::<T>(db, missing).await? {
        known.insert(id, Arc::new(item));
    }
    Ok(())
}

fn entry<T>(known: &HashMap<Uuid, Arc<T>>, id: Uuid) -> Result<Arc<T>, RepoError> {
    known.get(&id).cloned().ok_or(RepoError::NotFound)
}

impl SeaResultRepository {
    /// Streams the results of a list (`Scope::Listing`), in `sort` order, to `sink`.
    pub(super) async fn export_rows(
        &self,
        filter: &ResultFilter,
        sort: &[SortKey<ResultSort>],
        sink: &mut dyn ResultSink,
    ) -> Result<(), RepoError> {
        let backend = self.db.get_database_backend();
        let mut q = base_query(backend, filter, &joins_for(filter, sort), Scope::Listing);
        apply_sort(backend, &mut q, sort);
        let columns =
            [R::Id, R::UploadDatetime, R::ExecutionDatetime, R::BenchmarkId, R::SiteId, R::FlavorId];
        for column in columns {
            q.expr_as(Expr::col((result::Entity, column)), Alias::new(column.as_str()));
        }
        let shape = sink.shape().clone();
        if shape.document {
            q.expr_as(Expr::cust("CAST(result.json AS TEXT)"), Alias::new("json_text"));
        }
        for (i, path) in shape.paths.iter().enumerate() {
            q.expr_as(value_text(backend, path), Alias::new(value_column(i)));
        }
        let mut rows = self.db.stream(&q).await.repo()?;
        let mut catalog = Catalog::default();
        let mut chunk = Vec::with_capacity(EXPORT_CHUNK);
        loop {
            let next = rows.next().await.transpose().repo()?;
            if let Some(row) = &next {
                chunk.push(RawRow::read(row, &shape)?);
            }
            if chunk.len() == EXPORT_CHUNK || (next.is_none() && !chunk.is_empty()) {
                let items = self.complete(&mut catalog, std::mem::take(&mut chunk)).await?;
                if !sink.accept(items).await {
                    return Ok(());
                }
            }
            if next.is_none() {
                return Ok(());
            }
        }
    }

    /// The export rows of `chunk`: catalog entries from (and into) `catalog`, tags read now.
    async fn complete(&self, catalog: &mut Catalog, chunk: Vec<RawRow>) -> Result<Vec<ExportRow>, RepoError> {
        learn(&self.db, &mut catalog.benchmarks, chunk.iter().map(|r| r.benchmark_id)).await?;
        learn(&self.db, &mut catalog.sites, chunk.iter().map(|r| r.site_id)).await?;
        learn(&self.db, &mut catalog.flavors, chunk.iter().map(|r| r.flavor_id)).await?;
        let mut tags = self.tags_of(chunk.iter().map(|r| r.id).collect()).await?;
        chunk
            .into_iter()
            .map(|r| {
                Ok(ExportRow {
                    id: r.id.into(),
                    upload_datetime: r.upload_datetime,
                    execution_datetime: r.execution_datetime,
                    json: r.json,
                    values: r.values,
                    benchmark: entry(&catalog.benchmarks, r.benchmark_id)?,
                    site: entry(&catalog.sites, r.site_id)?,
                    flavor: entry(&catalog.flavors, r.flavor_id)?,
                    tags: tags.remove(&r.id).unwrap_or_default(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::compact;

    #[test]
    fn documents_are_made_compact_with_their_text_intact() {
        let stored = r#"{"a": [1, 2.5, {"b": "x, y: z"}], "c": null, "d": "é\"q"}"#;
        assert_eq!(compact(stored).unwrap().get(), r#"{"a":[1,2.5,{"b":"x, y: z"}],"c":null,"d":"é\"q"}"#);
    }
}
