//! The claim workflow of [`ResultService`] (contract §5.5): a claim hides its result until an
//! admin decides; approving it keeps the result hidden; rejecting the last claim of a result
//! that no admin deleted shows the result again and mails its owner (Q1).

use super::{
    ResultService,
    moderation::{self, Decision, Refusal},
};
use crate::{
    ClaimId, Clash, DomainError, Missing, Page, PageRequest, RepoError, ResultId, SortKey, Status,
    access::{Admin, Registered},
    claim::{Claim, ClaimFilter, ClaimSort, NewClaim},
    mail::{ItemKind, OutboundMail},
    submit::NewSubmit,
    unit_of_work::UnitOfWork,
};

fn claim_not_found(id: ClaimId) -> DomainError {
    DomainError::NotFound(Missing::Claim(id))
}

impl ResultService {
    /// `POST /results/{id}:claim`: hides the result, files a pending claim and its submit,
    /// mails the result's uploader; one transaction.
    ///
    /// # Errors
    /// 404.
    pub async fn claim(&self, by: &Registered, id: ResultId, message: String) -> Result<Claim, DomainError> {
        let result = self.get(id).await?;
        let owner = self.ports.users.find(&result.uploader.sub, &result.uploader.iss).await?;
        let claim = NewClaim {
            id: ClaimId::new_v4(),
            message,
            result_id: id,
            upload_datetime: self.ports.clock.now(),
            claimer: by.key(),
        };
        let mail = self.mails.claimed(&owner.map(|o| o.email).unwrap_or_default(), id, claim.id);
        let stored = async {
            let mut tx = self.ports.unit_of_work.begin().await?;
            if !tx.set_hidden(id, true).await? {
                return Err(RepoError::NotFound);
            }
            tx.insert_claim(&claim).await?;
            let submit = NewSubmit {
                kind: ItemKind::Claim,
                id: claim.id.uuid(),
                uploader: claim.claimer.clone(),
                upload_datetime: claim.upload_datetime,
            };
            tx.add_submit(&submit).await?;
            tx.queue_mail(&mail).await?;
            tx.commit().await
        };
        stored.await.map_err(|e| e.into_domain(|| Missing::Result(id), || Clash::Unexplained))?;
        tracing::info!(claim.id = %claim.id, result.id = %id, "result {id} claimed");
        self.find_claim(claim.id).await
    }

    /// `GET /results/{id}/claims` (owner or admin).
    ///
    /// # Errors
    /// 404, 403.
    pub async fn claims_of(
        &self,
        by: &Registered,
        id: ResultId,
        mut filter: ClaimFilter,
        sort: &[SortKey<ClaimSort>],
        page: PageRequest,
    ) -> Result<Page<Claim>, DomainError> {
        self.owned(by, id).await?;
        filter.result_id = Some(id);
        self.ports.claims.list(&filter, sort, page).await?.ensure_in_range()
    }

    /// `GET /reports/claims`.
    ///
    /// # Errors
    /// 404 for a page out of range.
    pub async fn list_claims(
        &self,
        _admin: &Admin,
        filter: &ClaimFilter,
        sort: &[SortKey<ClaimSort>],
        page: PageRequest,
    ) -> Result<Page<Claim>, DomainError> {
        self.ports.claims.list(filter, sort, page).await?.ensure_in_range()
    }

    /// `GET /users/self/claims`: the claims the caller made.
    ///
    /// # Errors
    /// 404 for a page out of range.
    pub async fn own_claims(
        &self,
        by: &Registered,
        mut filter: ClaimFilter,
        sort: &[SortKey<ClaimSort>],
        page: PageRequest,
    ) -> Result<Page<Claim>, DomainError> {
        filter.claimer = Some(by.key());
        self.ports.claims.list(&filter, sort, page).await?.ensure_in_range()
    }

    /// `GET /reports/claims/{id}` (admin).
    ///
    /// # Errors
    /// 404.
    pub async fn claim_by_id(&self, _admin: &Admin, id: ClaimId) -> Result<Claim, DomainError> {
        self.find_claim(id).await
    }

    async fn find_claim(&self, id: ClaimId) -> Result<Claim, DomainError> {
        self.ports.claims.find(id).await?.ok_or_else(|| claim_not_found(id))
    }

    /// `POST /reports/claims/{id}:approve|:reject` (admin). Approving keeps the result hidden;
    /// rejecting deletes the claim and, when it was the result's last, shows the result again.
    ///
    /// # Errors
    /// 404, 422 already approved.
    pub async fn decide_claim(&self, _admin: &Admin, id: ClaimId, approve: bool) -> Result<(), DomainError> {
        let claim = self.find_claim(id).await?;
        let already = || DomainError::Invalid(format!("Resource {id} was already approved"));
        if claim.status == Status::Approved {
            return Err(already());
        }
        let uow = self.ports.unit_of_work.as_ref();
        let decided = if approve {
            let mail = self.mails.approved(&claim.uploader.email, ItemKind::Claim, id.uuid());
            moderation::decide(uow, ItemKind::Claim, id.uuid(), Decision::Approve, mail).await
        } else {
            let restored = match claim.result_id {
                Some(rid) => self
                    .ports
                    .results
                    .uploader(rid)
                    .await?
                    .map(|owner| self.mails.restored(&owner.email, rid)),
                None => None,
            };
            let mail = self.mails.rejected(&claim.uploader.email, ItemKind::Claim, id.uuid());
            reject(uow, id, mail, restored).await
        };
        match decided {
            Ok(()) => Ok(()),
            Err(Refusal::AlreadyApproved) => Err(already()),
            Err(Refusal::Missing) => Err(claim_not_found(id)),
            Err(Refusal::Failed(e)) => Err(e.into()),
        }
    }
}

/// Rejects the pending claim `id`: deletes it and queues `mail`; then, when its result has no
/// other claim (a pending one awaits review, an approved one confirmed the result is wrong)
/// and is hidden by claims only, shows the result and queues `restored`. One transaction.
async fn reject(
    uow: &dyn UnitOfWork,
    id: ClaimId,
    mail: OutboundMail,
    restored: Option<OutboundMail>,
) -> Result<(), Refusal> {
    let mut tx = moderation::begin_on_pending(uow, ItemKind::Claim, id.uuid()).await?;
    let result = tx.claimed_result(id).await?;
    tx.delete(ItemKind::Claim, id.uuid()).await?;
    tx.queue_mail(&mail).await?;
    // The result is locked first: a claim filed on it meanwhile is counted or waits.
    if let Some(result) = result
        && tx.visibility(result).await?.is_some_and(|v| v.hidden && !v.hidden_by_admin)
        && tx.claims_on(result).await? == 0
    {
        tx.set_hidden(result, false).await?;
        if let Some(restored) = &restored {
            tx.queue_mail(restored).await?;
        }
    }
    Ok(tx.commit().await?)
}
