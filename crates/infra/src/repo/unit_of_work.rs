//! [`UnitOfWork`] on a SeaORM transaction. Each method is one statement; the rules that
//! combine them are the domain's. Cascades are done by the database's foreign keys (contract
//! §5.6), so a delete also removes the item's submit, its dependent rows and their submits.

use domain::{
    ClaimId, RepoError, ResultId, Status,
    claim::NewClaim,
    mail::{ItemKind, OutboundMail},
    submit::NewSubmit,
    unit_of_work::{ModeratedWrites, Transaction, UnitOfWork, Visibility},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect, Set,
    sea_query::{Alias, Expr, ExprTrait, LockType, Query},
};
use uuid::Uuid;

use super::{
    common::{begin_write, status, stored_status},
    kinds::{stored_kind, submit_column, table},
    moderated::{SeaModerated, insert},
};
use crate::{
    entity::{claim, result, submit},
    error::DbResultExt,
    outbox::{self, MailSignal},
};

/// [`UnitOfWork`] on SeaORM; transactions that queued mails wake the deliverer when they
/// commit.
pub struct SeaUnitOfWork {
    db: DatabaseConnection,
    mail: MailSignal,
}

impl SeaUnitOfWork {
    /// Over this pool; wakes the mail deliverer through `mail`.
    pub fn new(db: DatabaseConnection, mail: MailSignal) -> Self {
        Self { db, mail }
    }
}

#[async_trait::async_trait]
impl UnitOfWork for SeaUnitOfWork {
    async fn begin(&self) -> Result<Box<dyn Transaction>, RepoError> {
        let txn = begin_write(&self.db).await?;
        Ok(Box::new(SeaTransaction { txn, mail: self.mail.clone(), queued_mail: false }))
    }
}

/// One write transaction. On SQLite it holds the database's write lock from its start
/// (`BEGIN IMMEDIATE`); on PostgreSQL the reads a rule depends on lock their row
/// (`FOR UPDATE`) until it ends.
struct SeaTransaction {
    txn: DatabaseTransaction,
    mail: MailSignal,
    queued_mail: bool,
}

impl SeaTransaction {
    async fn execute(&self, statement: &impl sea_orm::StatementBuilder) -> Result<u64, RepoError> {
        Ok(self.txn.execute(statement).await.repo()?.rows_affected())
    }
}

#[async_trait::async_trait]
impl<R: SeaModerated> ModeratedWrites<R> for SeaTransaction {
    async fn insert(&mut self, item: &R) -> Result<(), RepoError> {
        insert(&self.txn, item).await
    }
}

#[async_trait::async_trait]
impl Transaction for SeaTransaction {
    async fn status(&mut self, kind: ItemKind, id: Uuid) -> Result<Option<Status>, RepoError> {
        let query = Query::select()
            .column(Alias::new("status"))
            .from(table(kind))
            .and_where(Expr::col(Alias::new("id")).eq(id))
            .lock(LockType::Update)
            .to_owned();
        match self.txn.query_one(&query).await.repo()? {
            Some(row) => Ok(Some(status(&row.try_get::<String>("", "status").repo()?)?)),
            None => Ok(None),
        }
    }

    async fn set_approved(&mut self, kind: ItemKind, id: Uuid) -> Result<(), RepoError> {
        let update = Query::update()
            .table(table(kind))
            .value(Alias::new("status"), stored_status(Status::Approved))
            .and_where(Expr::col(Alias::new("id")).eq(id))
            .to_owned();
        self.execute(&update).await.map(drop)
    }

    async fn delete(&mut self, kind: ItemKind, id: Uuid) -> Result<bool, RepoError> {
        let delete =
            Query::delete().from_table(table(kind)).and_where(Expr::col(Alias::new("id")).eq(id)).to_owned();
        Ok(self.execute(&delete).await? > 0)
    }

    async fn add_submit(&mut self, new: &NewSubmit) -> Result<(), RepoError> {
        let mut row = submit::ActiveModel {
            id: Set(Uuid::new_v4()),
            resource_type: Set(stored_kind(new.kind).to_owned()),
            benchmark_id: Set(None),
            site_id: Set(None),
            flavor_id: Set(None),
            claim_id: Set(None),
            uploader_sub: Set(new.uploader.sub.clone()),
            uploader_iss: Set(new.uploader.iss.clone()),
            upload_datetime: Set(new.upload_datetime),
        };
        row.try_set(submit_column(new.kind), Some(new.id).into()).repo()?;
        row.insert(&self.txn).await.repo().map(drop)
    }

    async fn remove_submit(&mut self, kind: ItemKind, id: Uuid) -> Result<(), RepoError> {
        submit::Entity::delete_many()
            .filter(submit_column(kind).eq(id))
            .exec(&self.txn)
            .await
            .repo()
            .map(drop)
    }

    async fn queue_mail(&mut self, mail: &OutboundMail) -> Result<(), RepoError> {
        outbox::enqueue(&self.txn, mail).await?;
        self.queued_mail = true;
        Ok(())
    }

    async fn insert_claim(&mut self, c: &NewClaim) -> Result<(), RepoError> {
        claim::ActiveModel {
            id: Set(c.id.uuid()),
            message: Set(c.message.clone()),
            result_id: Set(Some(c.result_id.uuid())),
            uploader_sub: Set(c.claimer.sub.clone()),
            uploader_iss: Set(c.claimer.iss.clone()),
            upload_datetime: Set(c.upload_datetime),
            status: Set(stored_status(Status::OnReview).to_owned()),
        }
        .insert(&self.txn)
        .await
        .repo()
        .map(drop)
    }

    async fn claimed_result(&mut self, id: ClaimId) -> Result<Option<ResultId>, RepoError> {
        let row = claim::Entity::find_by_id(id.uuid()).one(&self.txn).await.repo()?;
        Ok(row.and_then(|c| c.result_id).map(Into::into))
    }

    async fn claims_on(&mut self, result: ResultId) -> Result<u64, RepoError> {
        claim::Entity::find().filter(claim::Column::ResultId.eq(result.uuid())).count(&self.txn).await.repo()
    }

    async fn visibility(&mut self, id: ResultId) -> Result<Option<Visibility>, RepoError> {
        let row = result::Entity::find_by_id(id.uuid()).lock_exclusive().one(&self.txn).await.repo()?;
        Ok(row.map(|r| Visibility { hidden: r.deleted, hidden_by_admin: r.deleted_by_admin }))
    }

    async fn set_hidden(&mut self, id: ResultId, hidden: bool) -> Result<bool, RepoError> {
        let updated = result::Entity::update_many()
            .col_expr(result::Column::Deleted, Expr::value(hidden))
            .filter(result::Column::Id.eq(id.uuid()))
            .exec(&self.txn)
            .await
            .repo()?;
        Ok(updated.rows_affected > 0)
    }

    async fn commit(self: Box<Self>) -> Result<(), RepoError> {
        if self.queued_mail { self.mail.commit(self.txn).await } else { self.txn.commit().await.repo() }
    }
}
