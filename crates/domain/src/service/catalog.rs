//! The moderated catalog's use cases, written once for every kind ([`Moderated`]): registered
//! users submit items, which start on review with a submit and a mail; admins approve, reject,
//! edit and delete them.

use std::sync::Arc;

use crate::{
    DomainError, FlavorId, Id, Page, PageRequest, SortKey, Status,
    access::{Admin, Registered},
    benchmark::Benchmark,
    flavor::Flavor,
    mail::MailTemplates,
    moderated::{Moderated, ModeratedRepository},
    ports::{Clock, ImageRegistry},
    query::ListParams,
    site::Site,
    submit::{NewSubmit, Submit, SubmitFilter, SubmitRepository, SubmitSort},
    unit_of_work::UnitOfWork,
    user::{UserKey, UserRepository},
};

use super::moderation::{self, Decision, Refusal};

/// The ports the catalog needs.
#[derive(Clone)]
pub struct CatalogPorts {
    /// Benchmarks.
    pub benchmarks: Arc<dyn ModeratedRepository<Benchmark>>,
    /// Sites.
    pub sites: Arc<dyn ModeratedRepository<Site>>,
    /// Flavors.
    pub flavors: Arc<dyn ModeratedRepository<Flavor>>,
    /// The submit list.
    pub submits: Arc<dyn SubmitRepository>,
    /// Submissions, approvals, rejections and deletes.
    pub unit_of_work: Arc<dyn UnitOfWork>,
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

impl CatalogService {
    /// Wires the service.
    pub fn new(ports: CatalogPorts, mails: MailTemplates) -> Self {
        Self { ports, mails }
    }

    fn repository<R: Moderated>(&self) -> &dyn ModeratedRepository<R> {
        R::repository(&self.ports)
    }

    /// The container image check of benchmark submissions.
    ///
    /// # Errors
    /// 422 `Could not validate container image: <reason>`.
    pub async fn check_image(&self, image: &str, tag: &str) -> Result<(), DomainError> {
        self.ports
            .registry
            .check(image, tag)
            .await
            .map_err(|reason| DomainError::Invalid(format!("Could not validate container image: {reason}")))
    }

    async fn email_of(&self, key: &UserKey) -> Result<String, DomainError> {
        Ok(self.ports.users.find(&key.sub, &key.iss).await?.map(|u| u.email).unwrap_or_default())
    }

    /// `GET /benchmarks`, `GET /sites:search`, `GET /sites/{id}/flavors`, …
    ///
    /// # Errors
    /// The kind's list check (404 for the flavors of a missing site), 404 for a page out of
    /// range.
    pub async fn list<R: Moderated>(
        &self,
        filter: &R::Filter,
        params: &ListParams<R::Sort>,
    ) -> Result<Page<R>, DomainError> {
        R::check_list(filter, self).await?;
        self.repository::<R>().list(filter, params).await?.ensure_in_range()
    }

    /// `GET /benchmarks/{id}`, `GET /sites/{id}`, `GET /flavors/{id}`: in any status.
    ///
    /// # Errors
    /// 404.
    pub async fn get<R: Moderated>(&self, id: Id<R>) -> Result<R, DomainError> {
        self.repository::<R>().find(id).await?.ok_or_else(|| DomainError::NotFound(R::missing(id)))
    }

    /// `GET /flavors/{id}/site`.
    ///
    /// # Errors
    /// 404 flavor.
    pub async fn flavor_site(&self, id: FlavorId) -> Result<Site, DomainError> {
        let flavor = self.get::<Flavor>(id).await?;
        self.get::<Site>(flavor.site_id).await
    }

    /// `POST /benchmarks`, `POST /sites`, `POST /sites/{id}/flavors`: the kind's checks, then
    /// a pending item with its submit and the submitter's mail, in one transaction.
    ///
    /// # Errors
    /// The kind's checks (422, 404), 409 when its unique key is taken in any status.
    pub async fn create<R: Moderated>(&self, by: &Registered, new: R::New) -> Result<R, DomainError> {
        R::check_new(&new, self).await?;
        let id = Id::<R>::new_v4();
        let submit = NewSubmit {
            kind: R::KIND,
            id: id.uuid(),
            uploader: by.key(),
            upload_datetime: self.ports.clock.now(),
        };
        let item = R::pending(id, new, submit.uploader.clone(), submit.upload_datetime);
        let mail = self.mails.submitted(&by.user().email, R::KIND, id.uuid());
        let stored = async {
            let mut tx = self.ports.unit_of_work.begin().await?;
            R::writes(tx.as_mut()).insert(&item).await?;
            tx.add_submit(&submit).await?;
            tx.queue_mail(&mail).await?;
            tx.commit().await
        };
        stored.await.map_err(|e| e.into_domain(|| item.vanished(), || item.taken()))?;
        tracing::info!(item.id = %id, "{} submitted: {id}", R::KIND.as_str());
        Ok(item)
    }

    /// `PUT /benchmarks/{id}`, `PUT /sites/{id}`, `PUT /flavors/{id}`: the kind's checks, then
    /// the new fields (a missing description keeps the old one).
    ///
    /// # Errors
    /// The kind's checks (422), 404, 409 when the new unique key is taken.
    pub async fn update<R: Moderated>(
        &self,
        _admin: &Admin,
        id: Id<R>,
        draft: R::Draft,
    ) -> Result<(), DomainError> {
        R::check_draft(&draft, self).await?;
        let mut item = self.get::<R>(id).await?;
        R::validate(&draft)?;
        item.apply(draft);
        self.repository::<R>()
            .update(&item)
            .await
            .map_err(|e| e.into_domain(|| R::missing(id), R::update_conflict))
    }

    /// `POST /{benchmarks|sites|flavors}/{id}:approve|:reject`: only a pending item is decided
    /// on; approving lists it, rejecting deletes it, and its uploader is mailed either way.
    ///
    /// # Errors
    /// 404, 422 already approved.
    pub async fn decide<R: Moderated>(
        &self,
        _admin: &Admin,
        id: Id<R>,
        decision: Decision,
    ) -> Result<(), DomainError> {
        let item = self.get::<R>(id).await?;
        let already = || DomainError::Invalid(format!("{} {id} was already approved", R::KIND.title()));
        if item.moderation().status == Status::Approved {
            return Err(already());
        }
        let email = self.email_of(item.moderation().uploader).await?;
        let mail = match decision {
            Decision::Approve => self.mails.approved(&email, R::KIND, id.uuid()),
            Decision::Reject => self.mails.rejected(&email, R::KIND, id.uuid()),
        };
        match moderation::decide(self.ports.unit_of_work.as_ref(), R::KIND, id.uuid(), decision, mail).await {
            Ok(()) => {
                tracing::info!(item.id = %id, "{} {id}: {decision:?}", R::KIND.as_str());
                Ok(())
            }
            Err(Refusal::AlreadyApproved) => Err(already()),
            Err(Refusal::Missing) => Err(DomainError::NotFound(R::missing(id))),
            Err(Refusal::Failed(e)) => Err(e.into()),
        }
    }

    /// `DELETE /{benchmarks|sites|flavors}/{id}`: in any status, with the cascades of the data
    /// model, without mail.
    ///
    /// # Errors
    /// 404.
    pub async fn delete<R: Moderated>(&self, _admin: &Admin, id: Id<R>) -> Result<(), DomainError> {
        let mut tx = self.ports.unit_of_work.begin().await?;
        if !tx.delete(R::KIND, id.uuid()).await? {
            return Err(DomainError::NotFound(R::missing(id)));
        }
        Ok(tx.commit().await?)
    }

    /// `GET /reports/submits` (admin).
    ///
    /// # Errors
    /// 404 for a page out of range.
    pub async fn list_submits(
        &self,
        _admin: &Admin,
        filter: &SubmitFilter,
        sort: &[SortKey<SubmitSort>],
        page: PageRequest,
    ) -> Result<Page<Submit>, DomainError> {
        self.ports.submits.list(filter, sort, page).await?.ensure_in_range()
    }
}
