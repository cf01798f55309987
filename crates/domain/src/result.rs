//! Results: JSON documents of one benchmark run on one flavor, tagged freely. Not moderated;
//! a claim or an admin delete hides them (soft delete).

use chrono::{DateTime, Utc};
use serde_json::Value;

pub use crate::export::{EXPORT_CHUNK, ExportRow, ExportShape, ResultSink};
use crate::{
    BenchmarkId, FlavorId, Page, PageRequest, RepoError, ResultId, SiteId, SortKey, TagId,
    benchmark::Benchmark,
    filter::JsonFilter,
    flavor::Flavor,
    idempotency::{IdempotencyRecord, Stored},
    query::{DateRange, SortField},
    site::Site,
    tag::Tag,
    user::{User, UserKey},
};

/// A result with its context.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchmarkResult {
    /// Id.
    pub id: ResultId,
    /// When it was uploaded.
    pub upload_datetime: DateTime<Utc>,
    /// When the benchmark ran (UTC).
    pub execution_datetime: DateTime<Utc>,
    /// The uploaded document.
    pub json: Value,
    /// Its benchmark.
    pub benchmark: Benchmark,
    /// The flavor's site, fixed at upload.
    pub site: Site,
    /// Its flavor.
    pub flavor: Flavor,
    /// Its tags.
    pub tags: Vec<Tag>,
    /// Who uploaded it.
    pub uploader: UserKey,
    /// Hidden by a claim or an admin delete.
    pub hidden: bool,
}

/// A result to store (already checked by the service).
#[derive(Debug, Clone, PartialEq)]
pub struct NewResult {
    /// Id.
    pub id: ResultId,
    /// Upload time.
    pub upload_datetime: DateTime<Utc>,
    /// Execution time (UTC).
    pub execution_datetime: DateTime<Utc>,
    /// The document.
    pub json: Value,
    /// Benchmark.
    pub benchmark_id: BenchmarkId,
    /// Flavor.
    pub flavor_id: FlavorId,
    /// The flavor's site.
    pub site_id: SiteId,
    /// Tags, in the order given.
    pub tags_ids: Vec<TagId>,
    /// Uploader.
    pub uploader: UserKey,
}

/// Filters of result lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResultFilter {
    /// Only results of this uploader (`/users/self/results`), hidden ones included.
    pub owner: Option<UserKey>,
    /// Equality filters.
    pub benchmark_id: Option<BenchmarkId>,
    /// Site.
    pub site_id: Option<SiteId>,
    /// Flavor.
    pub flavor_id: Option<FlavorId>,
    /// Every one of these tags must be attached.
    pub tags_ids: Vec<TagId>,
    /// Upload dates.
    pub uploaded: DateRange,
    /// Execution dates.
    pub executed: DateRange,
    /// JSON filters, all required.
    pub filters: Vec<JsonFilter>,
    /// Search terms (benchmark name, site name and address, flavor name by substring, tag
    /// names exactly).
    pub terms: Vec<String>,
}

/// What result lists sort on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResultSort {
    /// `id`
    Id,
    /// `execution_datetime`
    ExecutionDatetime,
    /// `upload_datetime`
    UploadDatetime,
    /// `benchmark_id`
    BenchmarkId,
    /// `benchmark_name`: the benchmark's `image:tag`.
    BenchmarkName,
    /// `site_id`
    SiteId,
    /// `site_name`
    SiteName,
    /// `site_address`
    SiteAddress,
    /// `flavor_id`
    FlavorId,
    /// `flavor_name`
    FlavorName,
    /// `deleted`: hidden results last ascending.
    Deleted,
    /// `uploader_sub`
    UploaderSub,
    /// `uploader_iss`
    UploaderIss,
    /// `json` (empty path: the whole document) or `json.<path>`: the value in the document.
    Json(Vec<String>),
}

impl SortField for ResultSort {
    fn named(name: &str) -> Option<Vec<Self>> {
        let field = match name {
            "id" => Self::Id,
            "execution_datetime" => Self::ExecutionDatetime,
            "upload_datetime" => Self::UploadDatetime,
            "benchmark_id" => Self::BenchmarkId,
            "benchmark_name" => Self::BenchmarkName,
            "site_id" => Self::SiteId,
            "site_name" => Self::SiteName,
            "site_address" => Self::SiteAddress,
            "flavor_id" => Self::FlavorId,
            "flavor_name" => Self::FlavorName,
            "deleted" => Self::Deleted,
            "uploader_sub" => Self::UploaderSub,
            "uploader_iss" => Self::UploaderIss,
            _ => return None,
        };
        Some(vec![field])
    }

    fn json(path: Vec<String>) -> Option<Self> {
        Some(Self::Json(path))
    }
}

/// Port: result storage.
#[async_trait::async_trait]
pub trait ResultRepository: Send + Sync {
    /// One result, hidden or not.
    ///
    /// # Errors
    /// Backend failures.
    async fn find(&self, id: ResultId) -> Result<Option<BenchmarkResult>, RepoError>;
    /// Stores a result and its tag links in one transaction.
    ///
    /// # Errors
    /// `Conflict` for a duplicate tag id, `NotFound` when a referenced row vanished.
    async fn insert(&self, new: &NewResult) -> Result<(), RepoError>;
    /// Stores results and their tag links in one transaction, in few statements (multi-row
    /// inserts). With `remember`, first claims the record's (user, key), dropping records
    /// older than [`crate::idempotency::IDEMPOTENCY_WINDOW`] before it: when another request
    /// holds the key, nothing is stored and the answer is [`Stored::KeyTaken`] (on PostgreSQL
    /// after that request ended).
    ///
    /// # Errors
    /// `Conflict` for a duplicate tag id, `NotFound` when a referenced row vanished.
    async fn insert_batch(
        &self,
        new: &[NewResult],
        remember: Option<&IdempotencyRecord>,
    ) -> Result<Stored, RepoError>;
    /// The record of `user`'s `key` if it was stored at `since` or later.
    ///
    /// # Errors
    /// Backend failures.
    async fn remembered(
        &self,
        user: &UserKey,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<IdempotencyRecord>, RepoError>;
    /// The results with these ids, hidden or not, in the order given (missing ones left out).
    ///
    /// # Errors
    /// Backend failures.
    async fn find_many(&self, ids: &[ResultId]) -> Result<Vec<BenchmarkResult>, RepoError>;
    /// A filtered, sorted page.
    ///
    /// # Errors
    /// Backend failures.
    async fn list(
        &self,
        filter: &ResultFilter,
        sort: &[SortKey<ResultSort>],
        page: PageRequest,
    ) -> Result<Page<BenchmarkResult>, RepoError>;
    /// Hides a result as an admin delete (Q5).
    ///
    /// # Errors
    /// `NotFound`.
    async fn hide_by_admin(&self, id: ResultId) -> Result<(), RepoError>;
    /// Replaces the tags of a result.
    ///
    /// # Errors
    /// `NotFound`.
    async fn set_tags(&self, id: ResultId, tags_ids: &[TagId]) -> Result<(), RepoError>;
    /// The registered user who uploaded the result.
    ///
    /// # Errors
    /// Backend failures.
    async fn uploader(&self, id: ResultId) -> Result<Option<User>, RepoError>;
    /// The committed value of the store's change counter, which every write to results, their
    /// tags, benchmarks, sites, flavors or tags increases when it commits: two equal readings
    /// prove that no such write committed in between, so a list answer computed between them
    /// is the answer for that value, on every server sharing the store. `None` when the store
    /// keeps no such counter (then nothing may be cached by it).
    ///
    /// # Errors
    /// Backend failures.
    async fn generation(&self) -> Result<Option<i64>, RepoError>;
    /// Every result `filter` selects (the scope of `list`), in `sort` order, handed to `sink`
    /// in chunks of at most [`EXPORT_CHUNK`], holding no more than a chunk at a time. Stops
    /// early, without error, when the sink declines more.
    ///
    /// This default pages through [`ResultRepository::list`], which suits stores whose pages
    /// cost no query (in memory); database adapters stream one statement instead.
    ///
    /// # Errors
    /// Backend failures.
    async fn export(
        &self,
        filter: &ResultFilter,
        sort: &[SortKey<ResultSort>],
        sink: &mut dyn ResultSink,
    ) -> Result<(), RepoError> {
        let shape = sink.shape().clone();
        let mut request = PageRequest { page: 1, per_page: 100 };
        loop {
            let page = self.list(filter, sort, request).await?;
            let last = !page.has_next();
            let rows = page
                .items
                .into_iter()
                .map(|r| ExportRow::from_result(r, &shape))
                .collect::<Result<Vec<_>, _>>()?;
            if rows.is_empty() || !sink.accept(rows).await || last {
                return Ok(());
            }
            request.page += 1;
        }
    }
}
