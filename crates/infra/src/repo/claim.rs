//! Claims on SeaORM. Creating a claim hides its result; rejecting the last claim of a result
//! (no other pending or approved claim) that no admin deleted shows it again (Q1), all in one
//! transaction with the mails.

use domain::{
    Page, PageRequest, RepoError, SortKey, Status,
    claim::{Claim, ClaimFilter, ClaimRepository, NewClaim},
    mail::{ItemKind, OutboundMail},
    submit::Moderated,
    user::User,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set,
    sea_query::Expr,
};
use uuid::Uuid;

use super::{
    common::{begin_write, insert_submit, status},
    moderation::{approve_in, current_status, load_users},
};
use crate::{
    entity::{claim, result},
    error::{DbResultExt, read_retrying},
    outbox,
    sql::{date_condition, fetch_page, filter_if, sort_by_columns},
};

/// [`ClaimRepository`] on SeaORM.
pub struct SeaClaimRepository {
    db: DatabaseConnection,
}

impl SeaClaimRepository {
    /// Over this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

/// `resource_type` is always `result`: sorting on it is sorting on a constant.
fn without_resource_type(sort: &[SortKey]) -> Vec<SortKey> {
    sort.iter()
        .filter(|k| !matches!(&k.field, domain::query::SortField::Column(c) if c == "resource_type"))
        .cloned()
        .collect()
}

#[async_trait::async_trait]
impl ClaimRepository for SeaClaimRepository {
    async fn find(&self, id: Uuid) -> Result<Option<Claim>, RepoError> {
        read_retrying(|| async move {
            let Some(row) = claim::Entity::find_by_id(id).one(&self.db).await.repo()? else {
                return Ok(None);
            };
            let page = Page { items: vec![row], total: 1, request: PageRequest::default() };
            Ok(with_users(&self.db, page).await?.items.pop())
        })
        .await
    }

    async fn insert(&self, c: &NewClaim, mail: OutboundMail) -> Result<(), RepoError> {
        let txn = begin_write(&self.db).await?;
        let hidden = result::Entity::update_many()
            .col_expr(result::Column::Deleted, Expr::value(true))
            .filter(result::Column::Id.eq(c.result_id))
            .exec(&txn)
            .await
            .repo()?;
        if hidden.rows_affected == 0 {
            return Err(RepoError::NotFound);
        }
        claim::ActiveModel {
            id: Set(c.id),
            message: Set(c.message.clone()),
            result_id: Set(Some(c.result_id)),
            uploader_sub: Set(c.claimer.sub.clone()),
            uploader_iss: Set(c.claimer.iss.clone()),
            upload_datetime: Set(c.upload_datetime),
            status: Set(Status::OnReview.as_str().to_owned()),
        }
        .insert(&txn)
        .await
        .repo()?;
        insert_submit(&txn, ItemKind::Claim, c.id, &c.claimer, c.upload_datetime).await?;
        outbox::enqueue(&txn, &mail).await?;
        txn.commit().await.repo()
    }

    async fn list(
        &self,
        f: &ClaimFilter,
        sort: &[SortKey],
        page: PageRequest,
    ) -> Result<Page<Claim>, RepoError> {
        use claim::Column as C;
        let mut cond = date_condition(C::UploadDatetime, &f.uploaded);
        if let Some(s) = f.status {
            cond = cond.add(C::Status.eq(s.as_str()));
        }
        if let Some(r) = f.result_id {
            cond = cond.add(C::ResultId.eq(r));
        }
        if let Some(k) = &f.claimer {
            cond = cond.add(C::UploaderSub.eq(k.sub.as_str())).add(C::UploaderIss.eq(k.iss.as_str()));
        }
        let select =
            sort_by_columns(filter_if(claim::Entity::find(), cond), &without_resource_type(sort), C::Id);
        let rows = fetch_page(&self.db, select, page).await?;
        with_users(&self.db, rows).await
    }

    async fn approve(&self, id: Uuid, mail: OutboundMail) -> Result<Moderated, RepoError> {
        let txn = begin_write(&self.db).await?;
        let outcome = approve_in(&txn, ItemKind::Claim, id).await?;
        if outcome == Moderated::Done {
            outbox::enqueue(&txn, &mail).await?;
            txn.commit().await.repo()?;
        }
        Ok(outcome)
    }

    async fn reject(
        &self,
        id: Uuid,
        mail: OutboundMail,
        restored: Option<OutboundMail>,
    ) -> Result<Moderated, RepoError> {
        let txn = begin_write(&self.db).await?;
        match current_status(&txn, ItemKind::Claim, id).await? {
            None => return Ok(Moderated::Missing),
            Some(Status::Approved) => return Ok(Moderated::AlreadyApproved),
            Some(Status::OnReview) => {}
        }
        let row = claim::Entity::find_by_id(id).one(&txn).await.repo()?.ok_or(RepoError::NotFound)?;
        claim::Entity::delete_by_id(id).exec(&txn).await.repo()?;
        outbox::enqueue(&txn, &mail).await?;
        if let Some(result_id) = row.result_id {
            // Any remaining claim keeps the result hidden: a pending one awaits review, an
            // approved one confirmed the result is wrong (contract §5.5).
            let remaining = claim::Entity::find()
                .filter(claim::Column::ResultId.eq(result_id))
                .count(&txn)
                .await
                .repo()?;
            if remaining == 0 {
                let shown = result::Entity::update_many()
                    .col_expr(result::Column::Deleted, Expr::value(false))
                    .filter(result::Column::Id.eq(result_id))
                    .filter(result::Column::Deleted.eq(true))
                    .filter(result::Column::DeletedByAdmin.eq(false))
                    .exec(&txn)
                    .await
                    .repo()?;
                if shown.rows_affected > 0
                    && let Some(mail) = &restored
                {
                    outbox::enqueue(&txn, mail).await?;
                }
            }
        }
        txn.commit().await.repo()?;
        Ok(Moderated::Done)
    }
}

async fn with_users(db: &DatabaseConnection, rows: Page<claim::Model>) -> Result<Page<Claim>, RepoError> {
    let users =
        load_users(db, rows.items.iter().map(|c| (c.uploader_sub.clone(), c.uploader_iss.clone()))).await?;
    Ok(rows.map(|c| {
        let key = (c.uploader_sub.clone(), c.uploader_iss.clone());
        Claim {
            id: c.id,
            message: c.message,
            result_id: c.result_id,
            upload_datetime: c.upload_datetime,
            status: status(&c.status),
            uploader: users.get(&key).cloned().unwrap_or_else(|| User {
                sub: key.0,
                iss: key.1,
                email: String::new(),
                registration_datetime: c.upload_datetime,
            }),
        }
    }))
}
