//! [`ClaimRepository`] in memory. Filing a claim hides its result; rejecting the last claim of
//! a result that no admin deleted shows it again (Q1), with the mails, in one locked step.

use uuid::Uuid;

use crate::{
    Page, PageRequest, RepoError, SortKey, Status,
    claim::{Claim, ClaimFilter, ClaimRepository, NewClaim},
    mail::{ItemKind, OutboundMail},
    submit::Moderated,
};

use super::{
    MemoryStore,
    listing::{SortValue, by, column_name, in_range, page_of, sort_rows},
    moderation::approve_in,
    state::{ClaimRow, Tables},
};

fn to_claim(tables: &Tables, row: ClaimRow) -> Claim {
    Claim {
        uploader: tables.user_or_stand_in(&row.claimer, row.upload_datetime),
        id: row.id,
        message: row.message,
        result_id: row.result_id,
        upload_datetime: row.upload_datetime,
        status: row.status,
    }
}

#[async_trait::async_trait]
impl ClaimRepository for MemoryStore {
    async fn find(&self, id: Uuid) -> Result<Option<Claim>, RepoError> {
        let tables = self.lock();
        Ok(tables.claims.get(&id).cloned().map(|row| to_claim(&tables, row)))
    }

    async fn insert(&self, claim: &NewClaim, mail: OutboundMail) -> Result<(), RepoError> {
        let mut tables = self.lock();
        if !tables.results.contains_key(&claim.result_id) {
            return Err(RepoError::NotFound);
        }
        tables.require_user(&claim.claimer)?;
        if tables.claims.contains_key(&claim.id) {
            return Err(RepoError::Conflict("claim id taken".into()));
        }
        if let Some(result) = tables.results.get_mut(&claim.result_id) {
            result.deleted = true;
        }
        tables.claims.insert(
            claim.id,
            ClaimRow {
                id: claim.id,
                message: claim.message.clone(),
                result_id: Some(claim.result_id),
                upload_datetime: claim.upload_datetime,
                status: Status::OnReview,
                claimer: claim.claimer.clone(),
            },
        );
        tables.add_submit(ItemKind::Claim, claim.id, &claim.claimer, claim.upload_datetime);
        tables.outbox.push(mail);
        Ok(())
    }

    async fn list(
        &self,
        filter: &ClaimFilter,
        sort: &[SortKey],
        page: PageRequest,
    ) -> Result<Page<Claim>, RepoError> {
        let tables = self.lock();
        let mut rows: Vec<ClaimRow> = tables
            .claims
            .values()
            .filter(|c| filter.status.is_none_or(|s| s == c.status))
            .filter(|c| in_range(&filter.uploaded, c.upload_datetime))
            .filter(|c| filter.result_id.is_none_or(|r| c.result_id == Some(r)))
            .filter(|c| filter.claimer.as_ref().is_none_or(|k| *k == c.claimer))
            .cloned()
            .collect();
        sort_rows(
            &mut rows,
            sort,
            // `resource_type` is always `result`: sorting on it is sorting on a constant.
            |field| match column_name(field)? {
                "id" => by(|c: &ClaimRow| vec![SortValue::Id(c.id)]),
                "status" => by(|c: &ClaimRow| vec![SortValue::Text(c.status.as_str().to_owned())]),
                "upload_datetime" => by(|c: &ClaimRow| vec![SortValue::Time(c.upload_datetime)]),
                "message" => by(|c: &ClaimRow| vec![SortValue::Text(c.message.clone())]),
                "uploader_sub" => by(|c: &ClaimRow| vec![SortValue::Text(c.claimer.sub.clone())]),
                "uploader_iss" => by(|c: &ClaimRow| vec![SortValue::Text(c.claimer.iss.clone())]),
                _ => None,
            },
            |a, b| a.id.cmp(&b.id),
        );
        Ok(page_of(rows, page).map(|row| to_claim(&tables, row)))
    }

    async fn approve(&self, id: Uuid, mail: OutboundMail) -> Result<Moderated, RepoError> {
        let mut tables = self.lock();
        let outcome = approve_in(&mut tables, ItemKind::Claim, id);
        if outcome == Moderated::Done {
            tables.outbox.push(mail);
        }
        Ok(outcome)
    }

    async fn reject(
        &self,
        id: Uuid,
        mail: OutboundMail,
        restored: Option<OutboundMail>,
    ) -> Result<Moderated, RepoError> {
        let mut tables = self.lock();
        let Some(claim) = tables.claims.get(&id).cloned() else { return Ok(Moderated::Missing) };
        if claim.status == Status::Approved {
            return Ok(Moderated::AlreadyApproved);
        }
        tables.delete_item(ItemKind::Claim, id);
        tables.outbox.push(mail);
        if let Some(result_id) = claim.result_id {
            // Any remaining claim keeps the result hidden: a pending one awaits review, an
            // approved one confirmed the result is wrong (contract §5.5).
            let remaining = tables.claims.values().any(|c| c.result_id == Some(result_id));
            let shown = match tables.results.get_mut(&result_id) {
                Some(result) if !remaining && result.deleted && !result.deleted_by_admin => {
                    result.deleted = false;
                    true
                }
                _ => false,
            };
            if shown && let Some(mail) = restored {
                tables.outbox.push(mail);
            }
        }
        Ok(Moderated::Done)
    }
}
