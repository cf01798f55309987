//! Exports: the rows a result export streams. Each row shares its benchmark, site and flavor
//! with the other rows of the export and keeps its document as compact JSON text, so a
//! million rows cost no per-row copy of a benchmark's schema and no document tree.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::value::RawValue;

use crate::{
    RepoError, ResultId, benchmark::Benchmark, flavor::Flavor, result::BenchmarkResult, site::Site, tag::Tag,
};

/// One exported result.
#[derive(Debug, Clone)]
pub struct ExportRow {
    /// Id.
    pub id: ResultId,
    /// When it was uploaded.
    pub upload_datetime: DateTime<Utc>,
    /// When the benchmark ran (UTC).
    pub execution_datetime: DateTime<Utc>,
    /// The uploaded document, as compact JSON text.
    pub json: Box<RawValue>,
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
    /// The export row of a loaded result (stores that hold whole results).
    ///
    /// # Errors
    /// `Backend` if the document cannot be written as JSON text (it always can).
    pub fn from_result(r: BenchmarkResult) -> Result<Self, RepoError> {
        let json = serde_json::value::to_raw_value(&r.json).map_err(|e| RepoError::Backend(e.to_string()))?;
        Ok(Self {
            id: r.id,
            upload_datetime: r.upload_datetime,
            execution_datetime: r.execution_datetime,
            json,
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
    /// Takes the next results, in order; `false` when it wants no more (the client left).
    async fn accept(&mut self, rows: Vec<ExportRow>) -> bool;
}
