//! Benchmarks: a container image and tag with the JSON Schema their results follow.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::{
    BenchmarkId, DomainError, Missing, Status,
    mail::ItemKind,
    moderated::{Moderated, moderated_accessors},
    query::{ModeratedSort, SortField},
    schema::check_benchmark_schema,
    service::CatalogService,
    user::UserKey,
};

/// A benchmark.
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    /// Id.
    pub id: BenchmarkId,
    /// Image name, e.g. `deephdc/deep-oc-benchmarks_cnn`.
    pub docker_image: String,
    /// Image tag.
    pub docker_tag: String,
    /// Documentation link.
    pub url: String,
    /// JSON Schema of the results, returned verbatim. Shared: every result of a page embeds its
    /// benchmark, and a decoded schema takes about 20 KB (c-ray's 1.6 KB of JSON).
    pub json_schema: Arc<Value>,
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

/// What benchmark lists sort on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BenchmarkSort {
    /// A field every moderated item has.
    Moderation(ModeratedSort),
    /// `docker_image`
    DockerImage,
    /// `docker_tag`
    DockerTag,
    /// `description`
    Description,
    /// `url`
    Url,
}

impl SortField for BenchmarkSort {
    /// `name` (image:tag) sorts by image, then tag.
    fn named(name: &str) -> Option<Vec<Self>> {
        let field = match name {
            "name" => return Some(vec![Self::DockerImage, Self::DockerTag]),
            "docker_image" => Self::DockerImage,
            "docker_tag" => Self::DockerTag,
            "description" => Self::Description,
            "url" => Self::Url,
            other => Self::Moderation(ModeratedSort::named(other)?),
        };
        Some(vec![field])
    }
}

#[async_trait::async_trait]
impl Moderated for Benchmark {
    type New = BenchmarkDraft;
    type Draft = BenchmarkDraft;
    type Filter = BenchmarkFilter;
    type Sort = BenchmarkSort;
    const KIND: ItemKind = ItemKind::Benchmark;

    fn pending(id: BenchmarkId, new: BenchmarkDraft, uploader: UserKey, at: DateTime<Utc>) -> Self {
        let BenchmarkDraft { docker_image, docker_tag, url, json_schema, description } = new;
        let status = Status::OnReview;
        Benchmark {
            id,
            docker_image,
            docker_tag,
            url,
            json_schema: Arc::new(json_schema),
            description,
            upload_datetime: at,
            status,
            uploader,
        }
    }

    moderated_accessors!(benchmarks);

    fn apply(&mut self, draft: BenchmarkDraft) {
        self.docker_image = draft.docker_image;
        self.docker_tag = draft.docker_tag;
        self.url = draft.url;
        self.json_schema = Arc::new(draft.json_schema);
        self.description = draft.description.or(self.description.take());
    }

    fn unique_key(&self) -> String {
        format!("{}:{}", self.docker_image, self.docker_tag)
    }

    fn missing(id: BenchmarkId) -> Missing {
        Missing::Benchmark(id)
    }

    /// The image must exist in its registry (checked first), the schema must be a JSON Schema.
    async fn check_new(new: &BenchmarkDraft, catalog: &CatalogService) -> Result<(), DomainError> {
        Self::check_draft(new, catalog).await?;
        Self::validate(new)
    }

    async fn check_draft(draft: &BenchmarkDraft, catalog: &CatalogService) -> Result<(), DomainError> {
        catalog.check_image(&draft.docker_image, &draft.docker_tag).await
    }

    /// Updates check the schema too (Q9 fixed).
    fn validate(draft: &BenchmarkDraft) -> Result<(), DomainError> {
        check_benchmark_schema(&draft.json_schema)
    }
}
