//! Approve, reject and delete for every moderated table, and the submit list. Cascades are
//! done by the database's foreign keys (contract §5.6), so a delete by any path also removes
//! the item's submit, its dependent rows and their submits.

use std::collections::HashMap;

use domain::{
    Page, PageRequest, RepoError, SortKey, Status,
    mail::{ItemKind, OutboundMail},
    submit::{Moderated, ModerationRepository, Submit, SubmitFilter},
    user::User,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, TransactionTrait,
    sea_query::{Alias, Expr, ExprTrait, Query},
};
use uuid::Uuid;

use super::common::begin_write;
use crate::{
    entity::{submit, user},
    error::DbResultExt,
    outbox::{self, MailSignal},
    sql::{date_condition, fetch_page, filter_if, sort_by_columns},
};

/// [`ModerationRepository`] on SeaORM.
pub struct SeaModerationRepository {
    db: DatabaseConnection,
    mail: MailSignal,
}

impl SeaModerationRepository {
    /// Over this pool; wakes the mail deliverer through `mail` after committing mails.
    pub fn new(db: DatabaseConnection, mail: MailSignal) -> Self {
        Self { db, mail }
    }
}

fn table(kind: ItemKind) -> Alias {
    Alias::new(kind.as_str())
}

fn submit_column(kind: ItemKind) -> submit::Column {
    match kind {
        ItemKind::Benchmark => submit::Column::BenchmarkId,
        ItemKind::Site => submit::Column::SiteId,
        ItemKind::Flavor => submit::Column::FlavorId,
        ItemKind::Claim => submit::Column::ClaimId,
    }
}

/// The status of an item, read inside the transaction.
pub(crate) async fn current_status(
    txn: &DatabaseTransaction,
    kind: ItemKind,
    id: Uuid,
) -> Result<Option<Status>, RepoError> {
    let query = Query::select()
        .column(Alias::new("status"))
        .from(table(kind))
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    let row = txn.query_one(&query).await.repo()?;
    match row {
        Some(r) => {
            let s: String = r.try_get("", "status").repo()?;
            Ok(Some(Status::parse(&s).unwrap_or(Status::OnReview)))
        }
        None => Ok(None),
    }
}

async fn delete_row(txn: &DatabaseTransaction, kind: ItemKind, id: Uuid) -> Result<u64, RepoError> {
    let query =
        Query::delete().from_table(table(kind)).and_where(Expr::col(Alias::new("id")).eq(id)).to_owned();
    Ok(txn.execute(&query).await.repo()?.rows_affected())
}

/// Marks a pending item approved and removes its submit (in the caller's transaction).
pub(crate) async fn approve_in(
    txn: &DatabaseTransaction,
    kind: ItemKind,
    id: Uuid,
) -> Result<Moderated, RepoError> {
    match current_status(txn, kind, id).await? {
        None => return Ok(Moderated::Missing),
        Some(Status::Approved) => return Ok(Moderated::AlreadyApproved),
        Some(Status::OnReview) => {}
    }
    let update = Query::update()
        .table(table(kind))
        .value(Alias::new("status"), Status::Approved.as_str())
        .and_where(Expr::col(Alias::new("id")).eq(id))
        .to_owned();
    txn.execute(&update).await.repo()?;
    submit::Entity::delete_many().filter(submit_column(kind).eq(id)).exec(txn).await.repo()?;
    Ok(Moderated::Done)
}

/// Hard-deletes a pending item (in the caller's transaction).
pub(crate) async fn reject_in(
    txn: &DatabaseTransaction,
    kind: ItemKind,
    id: Uuid,
) -> Result<Moderated, RepoError> {
    match current_status(txn, kind, id).await? {
        None => Ok(Moderated::Missing),
        Some(Status::Approved) => Ok(Moderated::AlreadyApproved),
        Some(Status::OnReview) => {
            delete_row(txn, kind, id).await?;
            Ok(Moderated::Done)
        }
    }
}

#[async_trait::async_trait]
impl ModerationRepository for SeaModerationRepository {
    async fn approve(&self, kind: ItemKind, id: Uuid, mail: OutboundMail) -> Result<Moderated, RepoError> {
        let txn = begin_write(&self.db).await?;
        let outcome = approve_in(&txn, kind, id).await?;
        if outcome == Moderated::Done {
            outbox::enqueue(&txn, &mail).await?;
            self.mail.commit(txn).await?;
        }
        Ok(outcome)
    }

    async fn reject(&self, kind: ItemKind, id: Uuid, mail: OutboundMail) -> Result<Moderated, RepoError> {
        let txn = begin_write(&self.db).await?;
        let outcome = reject_in(&txn, kind, id).await?;
        if outcome == Moderated::Done {
            outbox::enqueue(&txn, &mail).await?;
            self.mail.commit(txn).await?;
        }
        Ok(outcome)
    }

    async fn delete(&self, kind: ItemKind, id: Uuid) -> Result<Moderated, RepoError> {
        let txn = self.db.begin().await.repo()?;
        let deleted = delete_row(&txn, kind, id).await?;
        txn.commit().await.repo()?;
        Ok(if deleted == 0 { Moderated::Missing } else { Moderated::Done })
    }

    async fn submits(
        &self,
        f: &SubmitFilter,
        sort: &[SortKey],
        page: PageRequest,
    ) -> Result<Page<Submit>, RepoError> {
        let mut cond = date_condition(submit::Column::UploadDatetime, &f.uploaded);
        if let Some(kind) = f.resource_type {
            cond = cond.add(submit::Column::ResourceType.eq(kind.as_str()));
        }
        let select = sort_by_columns(filter_if(submit::Entity::find(), cond), sort, submit::Column::Id);
        let rows = fetch_page(&self.db, select, page).await?;
        let users =
            load_users(&self.db, rows.items.iter().map(|s| (s.uploader_sub.clone(), s.uploader_iss.clone())))
                .await?;
        Ok(rows.map(|s| {
            let key = (s.uploader_sub.clone(), s.uploader_iss.clone());
            Submit {
                id: s.id,
                resource_type: ItemKind::parse(&s.resource_type).unwrap_or(ItemKind::Claim),
                resource_id: s.benchmark_id.or(s.site_id).or(s.flavor_id).or(s.claim_id).unwrap_or_default(),
                upload_datetime: s.upload_datetime,
                uploader: users.get(&key).cloned().unwrap_or_else(|| User {
                    sub: key.0,
                    iss: key.1,
                    email: String::new(),
                    registration_datetime: s.upload_datetime,
                }),
            }
        }))
    }
}

/// Loads the users with these keys, in one query.
pub(crate) async fn load_users<C: ConnectionTrait>(
    db: &C,
    keys: impl Iterator<Item = (String, String)>,
) -> Result<HashMap<(String, String), User>, RepoError> {
    let mut cond = Condition::any();
    let mut any = false;
    for (sub, iss) in keys {
        any = true;
        cond = cond.add(Condition::all().add(user::Column::Sub.eq(sub)).add(user::Column::Iss.eq(iss)));
    }
    if !any {
        return Ok(HashMap::new());
    }
    let rows = user::Entity::find().filter(cond).all(db).await.repo()?;
    Ok(rows
        .into_iter()
        .map(|u| {
            (
                (u.sub.clone(), u.iss.clone()),
                User {
                    sub: u.sub,
                    iss: u.iss,
                    email: u.email,
                    registration_datetime: u.registration_datetime,
                },
            )
        })
        .collect())
}
