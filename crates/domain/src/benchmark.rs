//! Benchmarks: a container image and tag with the JSON Schema their results follow.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::{Page, RepoError, Status, mail::OutboundMail, query::ListParams, user::UserKey};

/// A benchmark.
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    /// Id.
    pub id: Uuid,
    /// Image name, e.g. `deephdc/deep-oc-benchmarks_cnn`.
    pub docker_image: String,
    /// Image tag.
    pub docker_tag: String,
    /// Documentation link.
    pub url: String,
    /// JSON Schema of the results, returned verbatim.
    pub json_schema: Value,
    /// Optional description.
    pub description: Option<String>,
    /// When it was submitted.
    pub upload_datetime: DateTime<Utc>,
    /// Moderation status.
    pub status: Status,
    /// Who submitted it.
    pub uploader: UserKey,
}

/// Fields of a benchmark on create or full update (`description: None` keeps it on update).
#[derive(Debug, Clone, PartialEq)]
pub struct BenchmarkDraft {
    /// Image name.
    pub docker_image: String,
    /// Image tag.
    pub docker_tag: String,
    /// Documentation link.
    pub url: String,
    /// JSON Schema.
    pub json_schema: Value,
    /// Description.
    pub description: Option<String>,
}

/// Exact filters of benchmark lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BenchmarkFilter {
    /// Exact image.
    pub docker_image: Option<String>,
    /// Exact tag.
    pub docker_tag: Option<String>,
}

/// Sortable benchmark fields (documented and extra names the original accepts).
pub const BENCHMARK_SORT_FIELDS: &[&str] = &[
    "id",
    "upload_datetime",
    "docker_image",
    "docker_tag",
    "name",
    "description",
    "url",
    "status",
    "uploader_sub",
    "uploader_iss",
];

/// Port: benchmark storage.
#[async_trait::async_trait]
pub trait BenchmarkRepository: Send + Sync {
    /// One benchmark in any status.
    ///
    /// # Errors
    /// Backend failures.
    async fn find(&self, id: Uuid) -> Result<Option<Benchmark>, RepoError>;
    /// Stores a new pending benchmark with its submit and notification mail.
    ///
    /// # Errors
    /// `Conflict` when image:tag exists in any status.
    async fn insert(&self, benchmark: &Benchmark, mail: OutboundMail) -> Result<(), RepoError>;
    /// Replaces the fields of a benchmark.
    ///
    /// # Errors
    /// `NotFound`, or `Conflict` on an image:tag clash.
    async fn update(&self, id: Uuid, draft: &BenchmarkDraft) -> Result<(), RepoError>;
    /// A filtered page.
    ///
    /// # Errors
    /// Backend failures.
    async fn list(&self, filter: &BenchmarkFilter, params: &ListParams)
    -> Result<Page<Benchmark>, RepoError>;
}
