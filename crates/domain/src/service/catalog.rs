//! The moderated catalog: benchmarks, sites and flavors. Registered users submit items, which
//! start on review with a submit and a mail; admins approve, reject, edit and delete them.

use std::sync::Arc;

use uuid::Uuid;

use crate::{
    DomainError, Page, PageRequest, SortKey, Status,
    access::{Admin, Registered},
    benchmark::{Benchmark, BenchmarkDraft, BenchmarkFilter, BenchmarkRepository},
    flavor::{Flavor, FlavorDraft, FlavorFilter, FlavorRepository},
    mail::{ItemKind, MailTemplates},
    ports::{Clock, ImageRegistry},
    query::ListParams,
    schema::check_benchmark_schema,
    site::{Site, SiteDraft, SiteFilter, SiteRepository},
    submit::{Moderated, ModerationRepository, Submit, SubmitFilter},
    user::{UserKey, UserRepository},
};

/// The ports the catalog needs.
#[derive(Clone)]
pub struct CatalogPorts {
    /// Benchmarks.
    pub benchmarks: Arc<dyn BenchmarkRepository>,
    /// Sites.
    pub sites: Arc<dyn SiteRepository>,
    /// Flavors.
    pub flavors: Arc<dyn FlavorRepository>,
    /// Approve / reject / delete / submits.
    pub moderation: Arc<dyn ModerationRepository>,
    /// Users (uploader e-mails).
    pub users: Arc<dyn UserRepository>,
    /// Container image check.
    pub registry: Arc<dyn ImageRegistry>,
    /// Time.
    pub clock: Arc<dyn Clock>,
}

/// Catalog use cases.
#[derive(Clone)]
pub struct CatalogService {
    ports: CatalogPorts,
    mails: MailTemplates,
}

/// An admin decision on a pending item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Approve it.
    Approve,
    /// Reject (delete) it.
    Reject,
}

fn record_not_found(id: Uuid) -> String {
    format!("Record {id} not found in the database")
}

fn benchmark_not_found(id: Uuid) -> String {
    format!("Benchmark {id} not found in the database")
}

fn kind_title(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Benchmark => "Benchmark",
        ItemKind::Site => "Site",
        ItemKind::Flavor => "Flavor",
        ItemKind::Claim => "Resource",
    }
}

impl CatalogService {
    /// Wires the service.
    pub fn new(ports: CatalogPorts, mails: MailTemplates) -> Self {
        Self { ports, mails }
    }

    async fn check_image(&self, image: &str, tag: &str) -> Result<(), DomainError> {
        self.ports
            .registry
            .check(image, tag)
            .await
            .map_err(|reason| DomainError::Invalid(format!("Could not validate container image: {reason}")))
    }

    async fn email_of(&self, key: &UserKey) -> Result<String, DomainError> {
        Ok(self.ports.users.find(&key.sub, &key.iss).await?.map(|u| u.email).unwrap_or_default())
    }

    // ---- benchmarks ----

    /// `GET /benchmarks`, `GET /benchmarks:search`.
    ///
    /// # Errors
    /// 404 for a page out of range.
    pub async fn list_benchmarks(
        &self,
        f: &BenchmarkFilter,
        p: &ListParams,
    ) -> Result<Page<Benchmark>, DomainError> {
        self.ports.benchmarks.list(f, p).await?.ensure_in_range()
    }

    /// `GET /benchmarks/{id}`.
    ///
    /// # Errors
    /// 404.
    pub async fn benchmark(&self, id: Uuid) -> Result<Benchmark, DomainError> {
        self.ports.benchmarks.find(id).await?.ok_or_else(|| DomainError::NotFound(benchmark_not_found(id)))
    }

    /// `POST /benchmarks`: image check, schema check, then a pending benchmark.
    ///
    /// # Errors
    /// 422 image or schema, 409 image:tag taken.
    pub async fn create_benchmark(
        &self,
        by: &Registered,
        draft: BenchmarkDraft,
    ) -> Result<Benchmark, DomainError> {
        self.check_image(&draft.docker_image, &draft.docker_tag).await?;
        check_benchmark_schema(&draft.json_schema)?;
        let benchmark = Benchmark {
            id: Uuid::new_v4(),
            upload_datetime: self.ports.clock.now(),
            status: Status::OnReview,
            uploader: by.key(),
            docker_image: draft.docker_image,
            docker_tag: draft.docker_tag,
            url: draft.url,
            json_schema: draft.json_schema,
            description: draft.description,
        };
        let mail = self.mails.submitted(&by.user().email, ItemKind::Benchmark, benchmark.id);
        let name = format!("{}:{}", benchmark.docker_image, benchmark.docker_tag);
        self.ports.benchmarks.insert(&benchmark, mail).await.map_err(|e| {
            e.into_domain(
                || benchmark_not_found(benchmark.id),
                || format!("Benchmark {name} already submitted/exists"),
            )
        })?;
        tracing::info!(benchmark.id = %benchmark.id, "benchmark submitted: {}", benchmark.id);
        Ok(benchmark)
    }

    /// `PUT /benchmarks/{id}`: image check, existence, schema check (Q9 fixed), update.
    ///
    /// # Errors
    /// 422, 404, 409.
    pub async fn update_benchmark(
        &self,
        _admin: &Admin,
        id: Uuid,
        draft: BenchmarkDraft,
    ) -> Result<(), DomainError> {
        self.check_image(&draft.docker_image, &draft.docker_tag).await?;
        self.benchmark(id).await?;
        check_benchmark_schema(&draft.json_schema)?;
        self.ports.benchmarks.update(id, &draft).await.map_err(|e| {
            e.into_domain(
                || benchmark_not_found(id),
                || "Changes conflict submitted/existing benchmark".into(),
            )
        })
    }

    // ---- sites ----

    /// `GET /sites`, `GET /sites:search`.
    ///
    /// # Errors
    /// 404 for a page out of range.
    pub async fn list_sites(&self, f: &SiteFilter, p: &ListParams) -> Result<Page<Site>, DomainError> {
        self.ports.sites.list(f, p).await?.ensure_in_range()
    }

    /// `GET /sites/{id}`.
    ///
    /// # Errors
    /// 404.
    pub async fn site(&self, id: Uuid) -> Result<Site, DomainError> {
        self.ports.sites.find(id).await?.ok_or_else(|| DomainError::NotFound(record_not_found(id)))
    }

    /// `POST /sites`.
    ///
    /// # Errors
    /// 409 name taken.
    pub async fn create_site(&self, by: &Registered, draft: SiteDraft) -> Result<Site, DomainError> {
        let site = Site {
            id: Uuid::new_v4(),
            upload_datetime: self.ports.clock.now(),
            status: Status::OnReview,
            uploader: by.key(),
            name: draft.name,
            address: draft.address,
            description: draft.description,
        };
        let mail = self.mails.submitted(&by.user().email, ItemKind::Site, site.id);
        let name = site.name.clone();
        self.ports.sites.insert(&site, mail).await.map_err(|e| {
            e.into_domain(|| record_not_found(site.id), || format!("Site {name} already submitted/exists"))
        })?;
        Ok(site)
    }

    /// `PUT /sites/{id}`.
    ///
    /// # Errors
    /// 404, 409.
    pub async fn update_site(&self, _admin: &Admin, id: Uuid, draft: SiteDraft) -> Result<(), DomainError> {
        self.ports.sites.update(id, &draft).await.map_err(|e| {
            e.into_domain(|| record_not_found(id), || "Changes conflict submitted/existing site".into())
        })
    }

    // ---- flavors ----

    /// `GET /sites/{id}/flavors`, `…/flavors:search`: the site must exist in any status.
    ///
    /// # Errors
    /// 404 site, 404 page out of range.
    pub async fn list_flavors(&self, f: &FlavorFilter, p: &ListParams) -> Result<Page<Flavor>, DomainError> {
        self.site(f.site_id).await?;
        self.ports.flavors.list(f, p).await?.ensure_in_range()
    }

    /// `GET /flavors/{id}`.
    ///
    /// # Errors
    /// 404.
    pub async fn flavor(&self, id: Uuid) -> Result<Flavor, DomainError> {
        self.ports.flavors.find(id).await?.ok_or_else(|| DomainError::NotFound(record_not_found(id)))
    }

    /// `GET /flavors/{id}/site`.
    ///
    /// # Errors
    /// 404 flavor.
    pub async fn flavor_site(&self, id: Uuid) -> Result<Site, DomainError> {
        let flavor = self.flavor(id).await?;
        self.site(flavor.site_id).await
    }

    /// `POST /sites/{id}/flavors`: allowed on pending sites (Q20).
    ///
    /// # Errors
    /// 404 site, 409 name taken within the site.
    pub async fn create_flavor(
        &self,
        by: &Registered,
        site_id: Uuid,
        draft: FlavorDraft,
    ) -> Result<Flavor, DomainError> {
        self.site(site_id).await?;
        let flavor = Flavor {
            id: Uuid::new_v4(),
            upload_datetime: self.ports.clock.now(),
            status: Status::OnReview,
            uploader: by.key(),
            site_id,
            name: draft.name,
            description: draft.description,
        };
        let mail = self.mails.submitted(&by.user().email, ItemKind::Flavor, flavor.id);
        let name = flavor.name.clone();
        self.ports.flavors.insert(&flavor, mail).await.map_err(|e| {
            e.into_domain(|| record_not_found(site_id), || format!("Flavor {name} already submitted/exists"))
        })?;
        Ok(flavor)
    }

    /// `PUT /flavors/{id}`.
    ///
    /// # Errors
    /// 404, 409.
    pub async fn update_flavor(
        &self,
        _admin: &Admin,
        id: Uuid,
        draft: FlavorDraft,
    ) -> Result<(), DomainError> {
        self.ports.flavors.update(id, &draft).await.map_err(|e| {
            e.into_domain(|| record_not_found(id), || "Changes conflict submitted/existing flavor".into())
        })
    }

    // ---- moderation ----

    async fn pending_owner(&self, kind: ItemKind, id: Uuid) -> Result<(Status, UserKey), DomainError> {
        match kind {
            ItemKind::Benchmark => self.benchmark(id).await.map(|b| (b.status, b.uploader)),
            ItemKind::Site => self.site(id).await.map(|s| (s.status, s.uploader)),
            ItemKind::Flavor => self.flavor(id).await.map(|f| (f.status, f.uploader)),
            ItemKind::Claim => Err(DomainError::Internal("claims are moderated by the claim service".into())),
        }
    }

    /// `POST /{benchmarks|sites|flavors}/{id}:approve|:reject`.
    ///
    /// # Errors
    /// 404, 422 already approved.
    pub async fn decide(
        &self,
        _admin: &Admin,
        kind: ItemKind,
        id: Uuid,
        decision: Decision,
    ) -> Result<(), DomainError> {
        let (status, uploader) = self.pending_owner(kind, id).await?;
        let already = || DomainError::Invalid(format!("{} {id} was already approved", kind_title(kind)));
        if status == Status::Approved {
            return Err(already());
        }
        let email = self.email_of(&uploader).await?;
        let outcome = match decision {
            Decision::Approve => {
                self.ports.moderation.approve(kind, id, self.mails.approved(&email, kind, id)).await?
            }
            Decision::Reject => {
                self.ports.moderation.reject(kind, id, self.mails.rejected(&email, kind, id)).await?
            }
        };
        match outcome {
            Moderated::Done => {
                tracing::info!(item.id = %id, "{} {id}: {decision:?}", kind.as_str());
                Ok(())
            }
            Moderated::AlreadyApproved => Err(already()),
            Moderated::Missing => Err(self.pending_owner(kind, id).await.err().unwrap_or_else(already)),
        }
    }

    /// `GET /reports/submits` (admin).
    ///
    /// # Errors
    /// 404 for a page out of range.
    pub async fn list_submits(
        &self,
        _admin: &Admin,
        filter: &SubmitFilter,
        sort: &[SortKey],
        page: PageRequest,
    ) -> Result<Page<Submit>, DomainError> {
        self.ports.moderation.submits(filter, sort, page).await?.ensure_in_range()
    }

    /// `DELETE /{benchmarks|sites|flavors}/{id}` (any status, with cascades).
    ///
    /// # Errors
    /// 404.
    pub async fn delete(&self, _admin: &Admin, kind: ItemKind, id: Uuid) -> Result<(), DomainError> {
        match self.ports.moderation.delete(kind, id).await? {
            Moderated::Missing => Err(DomainError::NotFound(match kind {
                ItemKind::Benchmark => benchmark_not_found(id),
                _ => record_not_found(id),
            })),
            _ => Ok(()),
        }
    }
}
