//! Uploads of results: one (`POST /results`) or a batch (`POST /results:batch`), optionally
//! under an idempotency key. Every item gets the checks of the contract's order (§4.3): zone,
//! future, benchmark, flavor, tags, then the benchmark's JSON Schema. A batch is stored all or
//! nothing; when items fail, every failing item is reported with its index.

use std::{
    collections::{HashMap, HashSet, hash_map::Entry},
    sync::{Arc, Mutex, PoisonError},
};

use super::results::{OFFLOAD_ABOVE_BYTES, ResultService, Upload, reference_missing};
use crate::{
    BenchmarkId, Clash, DomainError, FlavorId, ItemError, Missing, ResultId, SiteId, Status, TagId,
    access::Registered,
    benchmark::Benchmark,
    flavor::Flavor,
    idempotency::{
        IDEMPOTENCY_WINDOW, IdempotencyKey, IdempotencyRecord, Stored, UploadOperation, fingerprint,
    },
    result::{BenchmarkResult, NewResult},
    schema::check_document,
    site::Site,
    tag::Tag,
};
use chrono::{DateTime, Utc};

/// Most results one batch may carry.
pub const MAX_BATCH_ITEMS: usize = 1000;

/// The benchmarks, flavors, sites and tags the items of one upload refer to, each read once.
#[derive(Default)]
struct Lookups {
    benchmarks: HashMap<BenchmarkId, Option<Benchmark>>,
    flavors: HashMap<FlavorId, Option<Flavor>>,
    sites: HashMap<SiteId, Option<Site>>,
    tags: HashMap<TagId, Tag>,
}

/// An item that passed the context checks: its time in UTC and its benchmark, flavor and site.
struct Context {
    execution: DateTime<Utc>,
    benchmark: Benchmark,
    flavor: Flavor,
    site: Site,
}

/// An item of a batch that passed the context checks, with its index.
type Checked = (usize, Upload, Context);

impl ResultService {
    /// `POST /results` with an optional `Idempotency-Key`: a retry of the same request with the
    /// same key within [`IDEMPOTENCY_WINDOW`] answers the first result and stores nothing.
    ///
    /// # Errors
    /// 422 zone / future / not approved / schema / key reused for another request, 404
    /// references, 409 duplicate tags.
    pub async fn upload_with_key(
        &self,
        by: &Registered,
        upload: Upload,
        key: Option<IdempotencyKey>,
    ) -> Result<BenchmarkResult, DomainError> {
        let items = vec![upload];
        let print = key.as_ref().map(|_| fingerprint(UploadOperation::Single, &items));
        if let (Some(key), Some(print)) = (&key, &print)
            && let Some(mut first) = self.replay(by, key, print).await?
        {
            return first.pop().ok_or(DomainError::NotFound(Missing::Record));
        }
        let now = self.ports.clock.now();
        let mut lookups = self.lookups(&items).await?;
        let mut item = items.into_iter().next().ok_or_else(|| DomainError::Internal("no item".into()))?;
        let context = self.check_context(&item, now, &mut lookups).await?;
        let document = std::mem::take(&mut item.json);
        item.json = self.checked_document(&context.benchmark, document, item.document_bytes).await?;
        let new = new_result(by, now, item, context, &lookups.tags);
        let mut stored = self.store(by, vec![new], key.zip(print), now).await?;
        stored.pop().ok_or_else(|| DomainError::Internal("upload stored no result".into()))
    }

    /// `POST /results:batch`: up to [`MAX_BATCH_ITEMS`] uploads in one transaction, answered
    /// in order.
    ///
    /// # Errors
    /// [`DomainError::ItemsRefused`] with every failing item when any fails (nothing stored),
    /// 422 for an empty or oversized batch or a key reused for another request.
    pub async fn upload_batch(
        &self,
        by: &Registered,
        items: Vec<Upload>,
        key: Option<IdempotencyKey>,
    ) -> Result<Vec<BenchmarkResult>, DomainError> {
        if items.is_empty() || items.len() > MAX_BATCH_ITEMS {
            return Err(DomainError::Invalid(format!("A batch holds 1 to {MAX_BATCH_ITEMS} results")));
        }
        let print = key.as_ref().map(|_| fingerprint(UploadOperation::Batch, &items));
        if let (Some(key), Some(print)) = (&key, &print)
            && let Some(first) = self.replay(by, key, print).await?
        {
            return Ok(first);
        }
        let now = self.ports.clock.now();
        let total = items.len();
        let mut lookups = self.lookups(&items).await?;
        let mut errors = Vec::new();
        let mut passed = Vec::with_capacity(total);
        for (index, item) in items.into_iter().enumerate() {
            match self.check_context(&item, now, &mut lookups).await {
                Ok(context) => match duplicate_tag(&item.tags_ids) {
                    Some(tag) => errors.push(ItemError {
                        index,
                        error: format!("Integrity error: tag {tag} is given twice"),
                        path: None,
                    }),
                    None => passed.push((index, item, context)),
                },
                Err(e) => errors.push(ItemError::from_domain(index, e)),
            }
        }
        let (failed, passed) = self.check_documents(passed).await?;
        errors.extend(failed);
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.index);
            return Err(DomainError::ItemsRefused { total, errors });
        }
        let news = passed
            .into_iter()
            .map(|(_, item, context)| new_result(by, now, item, context, &lookups.tags))
            .collect();
        self.store(by, news, key.zip(print), now).await
    }

    /// The first answer to `key` if it was used within the window: the same request gets its
    /// results again, another request 422.
    async fn replay(
        &self,
        by: &Registered,
        key: &IdempotencyKey,
        print: &str,
    ) -> Result<Option<Vec<BenchmarkResult>>, DomainError> {
        let since = self.ports.clock.now() - IDEMPOTENCY_WINDOW;
        let Some(record) = self.ports.results.remembered(&by.key(), key.as_str(), since).await? else {
            return Ok(None);
        };
        if record.fingerprint != print {
            return Err(DomainError::Invalid("Idempotency-Key was already used with another request".into()));
        }
        tracing::info!(key = key.as_str(), "idempotent upload replayed");
        Ok(Some(self.ports.results.find_many(&record.result_ids).await?))
    }

    /// Stores checked results (under the key, if any) and answers them in order, as stored;
    /// when a concurrent request took the key first, answers that request's results.
    async fn store(
        &self,
        by: &Registered,
        results: Vec<(NewResult, Stub)>,
        key: Option<(IdempotencyKey, String)>,
        now: DateTime<Utc>,
    ) -> Result<Vec<BenchmarkResult>, DomainError> {
        let (news, stubs): (Vec<NewResult>, Vec<Stub>) = results.into_iter().unzip();
        let record = key.as_ref().map(|(key, print)| IdempotencyRecord {
            user: by.key(),
            key: key.as_str().to_owned(),
            fingerprint: print.clone(),
            result_ids: news.iter().map(|n| n.id).collect(),
            created_at: now,
        });
        let stored = self.ports.results.insert_batch(&news, record.as_ref()).await.map_err(|e| {
            e.into_domain(
                || news.first().map_or(Missing::Record, |n| Missing::Reference(n.flavor_id.uuid())),
                || Clash::Integrity,
            )
        })?;
        if let (Stored::KeyTaken, Some((key, print))) = (stored, &key) {
            return self.replay(by, key, print).await?.ok_or(DomainError::Conflict(Clash::KeyInProgress));
        }
        tracing::info!(results = news.len(), "results uploaded");
        Ok(news.into_iter().zip(stubs).map(|(new, stub)| stub.with(new)).collect())
    }

    /// Reads every tag the items name, in one query.
    async fn lookups(&self, items: &[Upload]) -> Result<Lookups, DomainError> {
        let mut wanted: Vec<TagId> = items.iter().flat_map(|i| i.tags_ids.iter().copied()).collect();
        wanted.sort();
        wanted.dedup();
        let tags = self.ports.tags.find_many(&wanted).await?.into_iter().map(|t| (t.id, t)).collect();
        Ok(Lookups { tags, ..Lookups::default() })
    }

    /// The checks before the document's, in the contract's order.
    async fn check_context(
        &self,
        item: &Upload,
        now: DateTime<Utc>,
        lookups: &mut Lookups,
    ) -> Result<Context, DomainError> {
        let (naive, zone) = item.execution;
        let zone = zone.ok_or_else(|| DomainError::Invalid("Execution date must include timezone".into()))?;
        let execution: DateTime<Utc> = naive
            .and_local_timezone(zone)
            .single()
            .map(|d| d.with_timezone(&Utc))
            .ok_or_else(|| DomainError::Invalid("Execution date must include timezone".into()))?;
        if execution > now {
            return Err(DomainError::Invalid("Execution date cannot be in future".into()));
        }
        if let Entry::Vacant(slot) = lookups.benchmarks.entry(item.benchmark_id) {
            slot.insert(self.ports.benchmarks.find(item.benchmark_id).await?);
        }
        let benchmark = lookups.benchmarks[&item.benchmark_id]
            .clone()
            .ok_or_else(|| reference_missing(item.benchmark_id))?;
        if benchmark.status != Status::Approved {
            return Err(DomainError::Invalid(format!("Benchmark {} not approved", benchmark.id)));
        }
        if let Entry::Vacant(slot) = lookups.flavors.entry(item.flavor_id) {
            slot.insert(self.ports.flavors.find(item.flavor_id).await?);
        }
        let flavor =
            lookups.flavors[&item.flavor_id].clone().ok_or_else(|| reference_missing(item.flavor_id))?;
        if flavor.status != Status::Approved {
            return Err(DomainError::Invalid(format!("Flavor {} not approved", flavor.id)));
        }
        if let Some(missing) = item.tags_ids.iter().find(|id| !lookups.tags.contains_key(id)) {
            return Err(reference_missing(*missing));
        }
        if let Entry::Vacant(slot) = lookups.sites.entry(flavor.site_id) {
            slot.insert(self.ports.sites.find(flavor.site_id).await?);
        }
        // A flavor's site is removed with it: a flavor found without one was just removed.
        let site = lookups.sites[&flavor.site_id].clone().ok_or_else(|| reference_missing(item.flavor_id))?;
        Ok(Context { execution, benchmark, flavor, site })
    }

    /// Checks the documents of a batch against their schemas: in place when they are small
    /// together, else all at once on the blocking pool (the items travel there and back).
    /// Returns the failing items, and the items.
    async fn check_documents(
        &self,
        items: Vec<Checked>,
    ) -> Result<(Vec<ItemError>, Vec<Checked>), DomainError> {
        let mut validators = Vec::with_capacity(items.len());
        for (_, _, context) in &items {
            validators.push(self.schemas.validator(context.benchmark.id, &context.benchmark.json_schema)?);
        }
        let bytes: usize = items.iter().map(|(_, item, _)| item.document_bytes).sum();
        let check = move || -> (Vec<ItemError>, Vec<Checked>) {
            let failed = items
                .iter()
                .zip(&validators)
                .filter_map(|((index, item, _), validator)| {
                    check_document(validator, &item.json).err().map(|e| ItemError::from_domain(*index, e))
                })
                .collect();
            (failed, items)
        };
        if bytes < OFFLOAD_ABOVE_BYTES {
            return Ok(check());
        }
        let found = Arc::new(Mutex::new(None));
        let out = found.clone();
        self.ports
            .blocking
            .run(Box::new(move || {
                *out.lock().unwrap_or_else(PoisonError::into_inner) = Some(check());
                Ok(())
            }))
            .await?;
        let checked = found.lock().unwrap_or_else(PoisonError::into_inner).take();
        checked.ok_or_else(|| DomainError::Internal("the schema checks did not run".into()))
    }
}

/// The first tag id given twice, if any.
fn duplicate_tag(tags: &[TagId]) -> Option<TagId> {
    let mut seen = HashSet::new();
    tags.iter().find(|t| !seen.insert(**t)).copied()
}

/// What a stored result carries besides its row: its benchmark, site, flavor and tags as read
/// by the upload's checks, in the transaction's snapshot order (every write to them after the
/// checks either waits for the upload or comes after it).
struct Stub {
    benchmark: Benchmark,
    site: Site,
    flavor: Flavor,
    tags: Vec<Tag>,
}

impl Stub {
    /// The stored result: the document as sent, tags by name as every read answers them.
    fn with(self, new: NewResult) -> BenchmarkResult {
        BenchmarkResult {
            id: new.id,
            upload_datetime: new.upload_datetime,
            execution_datetime: new.execution_datetime,
            json: new.json,
            benchmark: self.benchmark,
            site: self.site,
            flavor: self.flavor,
            tags: self.tags,
            uploader: new.uploader,
            hidden: false,
        }
    }
}

fn new_result(
    by: &Registered,
    now: DateTime<Utc>,
    item: Upload,
    context: Context,
    tags: &HashMap<TagId, Tag>,
) -> (NewResult, Stub) {
    let mut result_tags: Vec<Tag> = item.tags_ids.iter().filter_map(|id| tags.get(id).cloned()).collect();
    result_tags.sort_by(|a, b| a.name.cmp(&b.name));
    let new = NewResult {
        id: ResultId::new_time_ordered(),
        upload_datetime: now,
        execution_datetime: context.execution,
        json: item.json,
        benchmark_id: context.benchmark.id,
        flavor_id: context.flavor.id,
        site_id: context.flavor.site_id,
        tags_ids: item.tags_ids,
        uploader: by.key(),
    };
    let stub =
        Stub { benchmark: context.benchmark, site: context.site, flavor: context.flavor, tags: result_tags };
    (new, stub)
}
