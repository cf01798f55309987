//! Exports: the rows a result export streams. Each row shares its benchmark, site and flavor
//! with the other rows of the export and keeps its document as compact JSON text, so a
//! million rows cost no per-row copy of a benchmark's schema and no document tree.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::{
    RepoError, ResultId, benchmark::Benchmark, flavor::Flavor, result::BenchmarkResult, site::Site, tag::Tag,
};

/// What an export reads of each result's document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportShape {
    /// The whole document (NDJSON lines, the CSV `json` column).
    pub document: bool,
    /// The values at these paths (CSV `json.<path>` columns), in order.
    pub paths: Vec<Vec<String>>,
}

/// The value at a dotted path of a document: object members by key, array items by index.
pub fn value_at<'a>(document: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(document, |value, key| match value {
        Value::Object(map) => map.get(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// One exported result.
#[derive(Debug, Clone)]
pub struct ExportRow {
    /// Id.
    pub id: ResultId,
    /// When it was uploaded.
    pub upload_datetime: DateTime<Utc>,
    /// When the benchmark ran (UTC).
    pub execution_datetime: DateTime<Utc>,
    /// The uploaded document, when the shape asks for it: compact JSON text, valid JSON
    /// because a JSON serialiser or the database's JSON type wrote it (writers copy it as is).
    pub json: Option<String>,
    /// The values at the shape's paths, in order (`None` for a missing path).
    pub values: Vec<Option<Value>>,
    /// Its benchmark.
    pub benchmark: Arc<Benchmark>,
    /// The flavor's site.
    pub site: Arc<Site>,
    /// Its flavor.
    pub flavor: Arc<Flavor>,
    /// Its tags, by name.
    pub tags: Vec<Tag>,
}

impl ExportRow {
    /// The export row of a loaded result in `shape` (stores that hold whole results).
    ///
    /// # Errors
    /// `Backend` if the document cannot be written as JSON text (it always can).
    pub fn from_result(r: BenchmarkResult, shape: &ExportShape) -> Result<Self, RepoError> {
        let json = match shape.document {
            true => Some(serde_json::to_string(&r.json).map_err(|e| RepoError::Backend(e.to_string()))?),
            false => None,
        };
        let values = shape.paths.iter().map(|path| value_at(&r.json, path).cloned()).collect();
        Ok(Self {
            id: r.id,
            upload_datetime: r.upload_datetime,
            execution_datetime: r.execution_datetime,
            json,
            values,
            benchmark: Arc::new(r.benchmark),
            site: Arc::new(r.site),
            flavor: Arc::new(r.flavor),
            tags: r.tags,
        })
    }
}

/// How many results an export hands over at once.
pub const EXPORT_CHUNK: usize = 1000;

/// Where an export sends its results.
#[async_trait::async_trait]
pub trait ResultSink: Send {
    /// What the sink writes of each document: the store reads no more than that.
    fn shape(&self) -> &ExportShape;
    /// Takes the next results, in order; `false` when it wants no more (the client left).
    async fn accept(&mut self, rows: Vec<ExportRow>) -> bool;
}
