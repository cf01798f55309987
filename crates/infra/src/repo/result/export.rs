//! Exports: one streamed statement over the selected result rows (rows are read off the
//! connection as they are consumed, with no buffering of the whole answer on either backend),
//! read in chunks of [`EXPORT_CHUNK`] rows. The statement left-joins the tag links, so a
//! result comes as one row per tag (adjacent, merged as read) and no statement per chunk asks
//! for tags; each chunk gets the benchmarks, sites, flavors and tags not seen before in the
//! export with one statement per table, and rows share them. Only what the sink writes is
//! read: the document, as JSON text made compact without parsing it, and the values at JSON
//! paths, extracted by the database.
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
    tag::Tag,
};
use futures_util::StreamExt;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, IdenStatic, JoinType, QueryFilter, QueryResult, StreamTrait,
    sea_query::{Alias, Expr, ExprTrait},
};
use serde_json::Value;
use uuid::Uuid;

use super::{
    SeaResultRepository,
    load::related,
    query::{Scope, apply_sort, base_query, joins_for},
};
use crate::{
    entity::{
        result::{self, Column as R},
        result_tag, tag,
    },
    error::DbResultExt,
    repo::{moderated::SeaModerated, tag as tag_repo},
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
    json: Option<String>,
    values: Vec<Option<Value>>,
    tag_ids: Vec<Uuid>,
}

/// The alias of the tag links joined to the results.
const LINKS: &str = "export_link";

/// The column of a row's tag id.
const TAG_ID: &str = "tag_id";

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
            tag_ids: row.try_get::<Option<Uuid>>("", TAG_ID).repo()?.into_iter().collect(),
        })
    }
}

/// `text`, valid JSON, without whitespace between its tokens (PostgreSQL writes `jsonb` with a
/// space after each `:` and `,`); strings are copied as they are. One pass over the bytes, no
/// parsing: the database wrote valid JSON.
fn compact(text: &str) -> Result<String, RepoError> {
    let not_space = |b: &&u8| !matches!(**b, b' ' | b'\n' | b'\r' | b'\t');
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some(quote) = memchr::memchr(b'"', rest) {
        out.extend(rest[..quote].iter().filter(not_space));
        rest = &rest[quote..];
        // The string from its opening quote to its closing one, escapes included.
        let mut end = 1;
        while let Some(i) = rest.get(end..).and_then(|tail| memchr::memchr2(b'"', b'\\', tail)) {
            end += i + 1;
            match rest[end - 1] {
                b'\\' => end += 1,
                _ => break,
            }
        }
        let end = end.min(rest.len());
        out.extend_from_slice(&rest[..end]);
        rest = &rest[end..];
    }
    out.extend(rest.iter().filter(not_space));
    String::from_utf8(out).map_err(|e| RepoError::Backend(format!("a stored document: {e}")))
}

/// The benchmarks, sites and flavors an export has met, shared by its rows.
#[derive(Default)]
struct Catalog {
    benchmarks: HashMap<Uuid, Arc<Benchmark>>,
    sites: HashMap<Uuid, Arc<Site>>,
    flavors: HashMap<Uuid, Arc<Flavor>>,
    tags: HashMap<Uuid, Tag>,
}

/// The distinct ids among `ids` that `known` lacks.
fn unknown<V>(known: &HashMap<Uuid, V>, ids: impl Iterator<Item = Uuid>) -> Vec<Uuid> {
    let mut missing: Vec<Uuid> = ids.filter(|id| !known.contains_key(id)).collect();
    missing.sort_unstable();
    missing.dedup();
    missing
}

/// Loads the entries of `known`'s kind that the rows name and it lacks.
async fn learn<T: SeaModerated>(
    db: &impl ConnectionTrait,
    known: &mut HashMap<Uuid, Arc<T>>,
    ids: impl Iterator<Item = Uuid>,
) -> Result<(), RepoError> {
    for (id, item) in related::<T>(db, unknown(known, ids)).await? {
        known.insert(id, Arc::new(item));
    }
    Ok(())
}

/// Loads the tags the rows name and `known` lacks.
async fn learn_tags(
    db: &impl ConnectionTrait,
    known: &mut HashMap<Uuid, Tag>,
    ids: impl Iterator<Item = Uuid>,
) -> Result<(), RepoError> {
    let missing = unknown(known, ids);
    if missing.is_empty() {
        return Ok(());
    }
    for t in tag::Entity::find().filter(tag::Column::Id.is_in(missing)).all(db).await.repo()? {
        known.insert(t.id, tag_repo::to_domain(t));
    }
    Ok(())
}

/// The tags of `ids`, by name (a tag deleted since the rows were read is left out).
fn tags_by_name(known: &HashMap<Uuid, Tag>, ids: &[Uuid]) -> Vec<Tag> {
    let mut tags: Vec<Tag> = ids.iter().filter_map(|id| known.get(id).cloned()).collect();
    tags.sort_by(|a, b| a.name.cmp(&b.name));
    tags
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
        // One row per tag link (or one without): a result's rows are adjacent, `id` ending
        // every sort, and are merged as they are read.
        let links = Alias::new(LINKS);
        q.join_as(
            JoinType::LeftJoin,
            result_tag::Entity,
            links.clone(),
            Expr::col((links.clone(), result_tag::Column::ResultId)).equals((result::Entity, R::Id)),
        );
        q.expr_as(Expr::col((links, result_tag::Column::TagId)), Alias::new(TAG_ID));
        let mut rows = self.db.stream(&q).await.repo()?;
        let mut catalog = Catalog::default();
        let mut chunk = Vec::with_capacity(EXPORT_CHUNK);
        // The last result read, complete once a row of another result (or none) follows.
        let mut pending: Option<RawRow> = None;
        loop {
            let next = rows.next().await.transpose().repo()?;
            if let (Some(row), Some(last)) = (&next, &mut pending)
                && row.try_get::<Uuid>("", R::Id.as_str()).repo()? == last.id
            {
                last.tag_ids.extend(row.try_get::<Option<Uuid>>("", TAG_ID).repo()?);
                continue;
            }
            let read = next.as_ref().map(|row| RawRow::read(row, &shape)).transpose()?;
            chunk.extend(std::mem::replace(&mut pending, read));
            if chunk.len() == EXPORT_CHUNK || (pending.is_none() && !chunk.is_empty()) {
                let items = self.complete(&mut catalog, std::mem::take(&mut chunk)).await?;
                if !sink.accept(items).await {
                    return Ok(());
                }
            }
            if pending.is_none() {
                return Ok(());
            }
        }
    }

    /// The export rows of `chunk`: catalog entries and tags from (and into) `catalog`.
    async fn complete(&self, catalog: &mut Catalog, chunk: Vec<RawRow>) -> Result<Vec<ExportRow>, RepoError> {
        learn(&self.db, &mut catalog.benchmarks, chunk.iter().map(|r| r.benchmark_id)).await?;
        learn(&self.db, &mut catalog.sites, chunk.iter().map(|r| r.site_id)).await?;
        learn(&self.db, &mut catalog.flavors, chunk.iter().map(|r| r.flavor_id)).await?;
        learn_tags(&self.db, &mut catalog.tags, chunk.iter().flat_map(|r| r.tag_ids.iter().copied())).await?;
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
                    tags: tags_by_name(&catalog.tags, &r.tag_ids),
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
        assert_eq!(compact(stored).unwrap(), r#"{"a":[1,2.5,{"b":"x, y: z"}],"c":null,"d":"é\"q"}"#);
        let escapes = r#"{"k": "a\\", "m": [ "\\\" , " ], "n" : { } }"#;
        assert_eq!(compact(escapes).unwrap(), r#"{"k":"a\\","m":["\\\" , "],"n":{}}"#);
        assert_eq!(compact("[]").unwrap(), "[]");
        assert_eq!(compact(r#""unterminated \"#).unwrap(), r#""unterminated \"#);
    }
}
