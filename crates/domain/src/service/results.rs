//! Results: upload with schema validation, queries, tags, admin hide. The claim workflow of
//! the same service is in `service::claims`.

use std::sync::Arc;

use chrono::{FixedOffset, NaiveDateTime};
use serde_json::Value;

use crate::{
    BenchmarkId, Clash, DomainError, FlavorId, Missing, Page, PageRequest, ResultId, SortKey, TagId,
    access::{Admin, Registered},
    benchmark::Benchmark,
    claim::ClaimRepository,
    flavor::Flavor,
    mail::MailTemplates,
    moderated::ModeratedRepository,
    ports::{BlockingPool, Clock},
    result::{BenchmarkResult, ResultFilter, ResultRepository, ResultSink, ResultSort},
    schema::{SchemaCache, check_document},
    site::Site,
    tag::TagRepository,
    unit_of_work::UnitOfWork,
    user::{User, UserRepository},
};

/// The ports results and claims need.
#[derive(Clone)]
pub struct ResultPorts {
    /// Results.
    pub results: Arc<dyn ResultRepository>,
    /// Claims.
    pub claims: Arc<dyn ClaimRepository>,
    /// Claims filed and decided, with the results they hide and show.
    pub unit_of_work: Arc<dyn UnitOfWork>,
    /// Benchmarks (upload checks).
    pub benchmarks: Arc<dyn ModeratedRepository<Benchmark>>,
    /// Flavors (upload checks).
    pub flavors: Arc<dyn ModeratedRepository<Flavor>>,
    /// Sites (the site of an uploaded result's flavor).
    pub sites: Arc<dyn ModeratedRepository<Site>>,
    /// Tags (existence).
    pub tags: Arc<dyn TagRepository>,
    /// Users (mail recipients).
    pub users: Arc<dyn UserRepository>,
    /// Time.
    pub clock: Arc<dyn Clock>,
    /// Where large result documents are checked against their schema.
    pub blocking: Arc<dyn BlockingPool>,
}

/// What an upload carries (context from the query, document from the body).
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    /// Execution time as given, with its zone if any.
    pub execution: (NaiveDateTime, Option<FixedOffset>),
    /// Benchmark.
    pub benchmark_id: BenchmarkId,
    /// Flavor.
    pub flavor_id: FlavorId,
    /// Tags.
    pub tags_ids: Vec<TagId>,
    /// The document.
    pub json: Value,
    /// The document's size in bytes as sent (large ones are checked on the blocking pool).
    pub document_bytes: usize,
}

/// Documents of this many bytes or more are checked against their schema on the
/// [`BlockingPool`]; smaller ones take microseconds and are checked in place.
pub const OFFLOAD_ABOVE_BYTES: usize = 64 * 1024;

/// Result and claim use cases (the claim workflow is in `service::claims`).
#[derive(Clone)]
pub struct ResultService {
    pub(super) ports: ResultPorts,
    pub(super) mails: MailTemplates,
    pub(super) schemas: Arc<SchemaCache>,
}

pub(super) fn result_not_found(id: ResultId) -> DomainError {
    DomainError::NotFound(Missing::Result(id))
}

/// The original's message for a missing benchmark, flavor or tag on upload (Q16 kept).
pub(super) fn reference_missing(id: impl Into<uuid::Uuid>) -> DomainError {
    DomainError::NotFound(Missing::Reference(id.into()))
}

impl ResultService {
    /// Wires the service.
    pub fn new(ports: ResultPorts, mails: MailTemplates) -> Self {
        Self { ports, mails, schemas: Arc::new(SchemaCache::default()) }
    }

    /// Lookups and bytes of the compiled-schema cache, for metrics.
    pub fn schema_cache_stats(&self) -> Arc<crate::stats::CacheStats> {
        self.schemas.stats()
    }

    /// `POST /results`, checks in the contract's order (§4.3); see
    /// [`Self::upload_with_key`].
    ///
    /// # Errors
    /// 422 zone / future / not approved / schema, 404 references, 409 duplicate tags.
    pub async fn upload(&self, by: &Registered, upload: Upload) -> Result<BenchmarkResult, DomainError> {
        self.upload_with_key(by, upload, None).await
    }

    /// `GET /results:export`: every visible result the filter selects, in `sort` order, handed
    /// to `sink` chunk by chunk (constant memory).
    ///
    /// # Errors
    /// Backend failures (after the sink got some chunks, the export is cut short).
    pub async fn export(
        &self,
        filter: &ResultFilter,
        sort: &[SortKey<ResultSort>],
        sink: &mut dyn ResultSink,
    ) -> Result<(), DomainError> {
        let visible = ResultFilter { owner: None, ..filter.clone() };
        Ok(self.ports.results.export(&visible, sort, sink).await?)
    }

    /// `POST /benchmarks/{id}:validate`: a dry run of the upload's schema check (same compiled
    /// schemas, same offloading of large documents). Public, and for a benchmark in any
    /// status, so that its author can test a harness before the benchmark is approved.
    ///
    /// # Errors
    /// 404 for an unknown benchmark; the upload's 422 schema violation.
    pub async fn validate(
        &self,
        benchmark_id: BenchmarkId,
        document: Value,
        size: usize,
    ) -> Result<(), DomainError> {
        let benchmark = self
            .ports
            .benchmarks
            .find(benchmark_id)
            .await?
            .ok_or(DomainError::NotFound(Missing::Benchmark(benchmark_id)))?;
        self.checked_document(&benchmark, document, size).await.map(drop)
    }

    /// Checks `document` against the benchmark's schema, compiled once per schema; documents
    /// of [`OFFLOAD_ABOVE_BYTES`] or more are checked on the blocking pool.
    pub(super) async fn checked_document(
        &self,
        benchmark: &Benchmark,
        document: Value,
        size: usize,
    ) -> Result<Value, DomainError> {
        let validator = self.schemas.validator(benchmark.id, &benchmark.json_schema)?;
        if size < OFFLOAD_ABOVE_BYTES {
            check_document(&validator, &document)?;
            return Ok(document);
        }
        let document = Arc::new(document);
        let shared = document.clone();
        self.ports.blocking.run(Box::new(move || check_document(&validator, &shared))).await?;
        // The job, and with it its reference, is gone once `run` returned.
        Ok(Arc::try_unwrap(document).unwrap_or_else(|still_shared| (*still_shared).clone()))
    }

    async fn check_tags(&self, ids: &[TagId]) -> Result<(), DomainError> {
        let existing: Vec<TagId> = self.ports.tags.find_many(ids).await?.into_iter().map(|t| t.id).collect();
        match ids.iter().find(|id| !existing.contains(id)) {
            Some(missing) => Err(reference_missing(*missing)),
            None => Ok(()),
        }
    }

    /// `GET /results`, `GET /results:search`, `GET /users/self/results`.
    ///
    /// # Errors
    /// 404 for a page out of range.
    pub async fn list(
        &self,
        filter: &ResultFilter,
        sort: &[SortKey<ResultSort>],
        page: PageRequest,
    ) -> Result<Page<BenchmarkResult>, DomainError> {
        self.ports.results.list(filter, sort, page).await?.ensure_in_range()
    }

    /// `GET /users/self/results`: [`Self::list`] of the caller's own results, hidden ones
    /// included.
    ///
    /// # Errors
    /// 404 for a page out of range.
    pub async fn own_results(
        &self,
        by: &Registered,
        mut filter: ResultFilter,
        sort: &[SortKey<ResultSort>],
        page: PageRequest,
    ) -> Result<Page<BenchmarkResult>, DomainError> {
        filter.owner = Some(by.key());
        self.list(&filter, sort, page).await
    }

    /// The change counter value result lists are exact for right now (see
    /// [`ResultRepository::generation`]); `None` when the store keeps none.
    ///
    /// # Errors
    /// Backend failures.
    pub async fn generation(&self) -> Result<Option<i64>, DomainError> {
        Ok(self.ports.results.generation().await?)
    }

    /// `GET /results/{id}` (hidden results too).
    ///
    /// # Errors
    /// 404.
    pub async fn get(&self, id: ResultId) -> Result<BenchmarkResult, DomainError> {
        self.ports.results.find(id).await?.ok_or_else(|| result_not_found(id))
    }

    /// `DELETE /results/{id}` (admin): soft delete (Q5).
    ///
    /// # Errors
    /// 404.
    pub async fn hide(&self, _admin: &Admin, id: ResultId) -> Result<(), DomainError> {
        self.ports
            .results
            .hide_by_admin(id)
            .await
            .map_err(|e| e.into_domain(|| Missing::Result(id), || Clash::Unexplained))
    }

    /// Owner-or-admin check (bare 403).
    pub(super) async fn owned(&self, by: &Registered, id: ResultId) -> Result<BenchmarkResult, DomainError> {
        let result = self.get(id).await?;
        if by.owns_or_administers(&result.uploader) { Ok(result) } else { Err(DomainError::Forbidden) }
    }

    /// `PUT /results/{id}/tags`: 404 result, then ownership, then 404 tags (Q17 fixed).
    /// `None` changes nothing; duplicates are tolerated.
    ///
    /// # Errors
    /// 404, 403.
    pub async fn set_tags(
        &self,
        by: &Registered,
        id: ResultId,
        tags_ids: Option<Vec<TagId>>,
    ) -> Result<(), DomainError> {
        self.owned(by, id).await?;
        let Some(mut ids) = tags_ids else { return Ok(()) };
        ids.sort();
        ids.dedup();
        self.check_tags(&ids).await?;
        self.ports
            .results
            .set_tags(id, &ids)
            .await
            .map_err(|e| e.into_domain(|| Missing::Result(id), || Clash::Unexplained))
    }

    /// `GET /results/{id}/uploader` (admin).
    ///
    /// # Errors
    /// 404.
    pub async fn uploader(&self, _admin: &Admin, id: ResultId) -> Result<User, DomainError> {
        self.get(id).await?;
        self.ports.results.uploader(id).await?.ok_or_else(|| result_not_found(id))
    }
}
