//! [`UnitOfWork`] in memory. A transaction works on its own copy of the tables and replaces
//! the store's tables when it commits; dropping it discards the copy (a rollback). Like a
//! serializable SQL transaction, it fails to commit with `Unavailable` when another write
//! committed since it began; callers may try again.

use uuid::Uuid;

use crate::{
    ClaimId, RepoError, ResultId, Status,
    claim::NewClaim,
    mail::{ItemKind, OutboundMail},
    submit::NewSubmit,
    unit_of_work::{ModeratedWrites, Transaction, UnitOfWork, Visibility},
};

use super::{
    MemoryStore,
    catalog::{MemoryModerated, insert},
    state::{ClaimRow, Tables},
};

/// One transaction on a [`MemoryStore`].
struct MemoryTransaction {
    store: MemoryStore,
    /// The store's write count when the copy was taken.
    began_at: u64,
    tables: Tables,
}

#[async_trait::async_trait]
impl UnitOfWork for MemoryStore {
    async fn begin(&self) -> Result<Box<dyn Transaction>, RepoError> {
        let tables = self.lock().clone();
        Ok(Box::new(MemoryTransaction { store: self.clone(), began_at: tables.writes, tables }))
    }
}

#[async_trait::async_trait]
impl<R: MemoryModerated> ModeratedWrites<R> for MemoryTransaction {
    async fn insert(&mut self, item: &R) -> Result<(), RepoError> {
        insert(&mut self.tables, item)
    }
}

#[async_trait::async_trait]
impl Transaction for MemoryTransaction {
    async fn status(&mut self, kind: ItemKind, id: Uuid) -> Result<Option<Status>, RepoError> {
        Ok(self.tables.status_of(kind, id))
    }

    async fn set_approved(&mut self, kind: ItemKind, id: Uuid) -> Result<(), RepoError> {
        self.tables.mark_approved(kind, id);
        Ok(())
    }

    async fn delete(&mut self, kind: ItemKind, id: Uuid) -> Result<bool, RepoError> {
        Ok(self.tables.delete_item(kind, id))
    }

    async fn add_submit(&mut self, submit: &NewSubmit) -> Result<(), RepoError> {
        self.tables.require_user(&submit.uploader)?;
        if self.tables.status_of(submit.kind, submit.id).is_none() {
            return Err(RepoError::Conflict(format!("no {} {} to submit", submit.kind.as_str(), submit.id)));
        }
        self.tables.add_submit(submit);
        Ok(())
    }

    async fn remove_submit(&mut self, kind: ItemKind, id: Uuid) -> Result<(), RepoError> {
        self.tables.remove_submits_of(kind, id);
        Ok(())
    }

    async fn queue_mail(&mut self, mail: &OutboundMail) -> Result<(), RepoError> {
        self.tables.outbox.push(mail.clone());
        Ok(())
    }

    async fn insert_claim(&mut self, claim: &NewClaim) -> Result<(), RepoError> {
        if !self.tables.results.contains_key(&claim.result_id) {
            return Err(RepoError::NotFound);
        }
        self.tables.require_user(&claim.claimer)?;
        if self.tables.claims.contains_key(&claim.id) {
            return Err(RepoError::Conflict("claim id taken".into()));
        }
        let row = ClaimRow {
            id: claim.id,
            message: claim.message.clone(),
            result_id: Some(claim.result_id),
            upload_datetime: claim.upload_datetime,
            status: Status::OnReview,
            claimer: claim.claimer.clone(),
        };
        self.tables.claims.insert(claim.id, row);
        Ok(())
    }

    async fn claimed_result(&mut self, claim: ClaimId) -> Result<Option<ResultId>, RepoError> {
        Ok(self.tables.claims.get(&claim).and_then(|c| c.result_id))
    }

    async fn claims_on(&mut self, result: ResultId) -> Result<u64, RepoError> {
        Ok(self.tables.claims.values().filter(|c| c.result_id == Some(result)).count() as u64)
    }

    async fn visibility(&mut self, result: ResultId) -> Result<Option<Visibility>, RepoError> {
        Ok(self
            .tables
            .results
            .get(&result)
            .map(|r| Visibility { hidden: r.deleted, hidden_by_admin: r.deleted_by_admin }))
    }

    async fn set_hidden(&mut self, result: ResultId, hidden: bool) -> Result<bool, RepoError> {
        Ok(self.tables.results.get_mut(&result).map(|r| r.deleted = hidden).is_some())
    }

    async fn commit(self: Box<Self>) -> Result<(), RepoError> {
        let MemoryTransaction { store, began_at, mut tables } = *self;
        let mut live = store.lock();
        if live.writes != began_at {
            return Err(RepoError::Unavailable("another write committed during the transaction".into()));
        }
        tables.writes = began_at + 1;
        *live = tables;
        Ok(())
    }
}
