//! Leases on queued mails: the statements that let several deliverers (replicas) share one
//! outbox without sending a mail twice.
//!
//! A deliverer claims due mails in one statement that writes its lease id (`claimed_by`) and
//! the lease's end (`claimed_until`) and returns the rows. On PostgreSQL the rows are chosen
//! `FOR UPDATE SKIP LOCKED`, so concurrent claims take disjoint rows without waiting on each
//! other; SQLite runs one write statement at a time, which makes the same statement atomic.
//! Only the lease holder can delete a delivered mail or reschedule a failed one. A mail whose
//! lease ended without either (its replica crashed) is due again.
//!
//! Timestamps are the application's clock, as everywhere in the outbox: replicas are assumed
//! to agree within a small fraction of the lease.

use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::RepoError;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, LockBehavior, LockType, Order, Query},
};
use uuid::Uuid;

use crate::{
    entity::mail_outbox::{self, Column},
    error::DbResultExt,
};

/// Claims up to `limit` due mails, oldest due first, for `holder` during `lease`; returns the
/// claimed rows. A mail is due when its next attempt has come and it has no lease, or its
/// lease has ended.
///
/// # Errors
/// Classified database errors.
pub async fn claim_due<C: ConnectionTrait>(
    db: &C,
    holder: &str,
    lease: Duration,
    limit: u64,
) -> Result<Vec<mail_outbox::Model>, RepoError> {
    let now = Utc::now();
    let until = now + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
    let due = Query::select()
        .column(Column::Id)
        .from(mail_outbox::Entity)
        .and_where(Column::NextAttemptAt.lte(now))
        .cond_where(Condition::any().add(Column::ClaimedUntil.is_null()).add(Column::ClaimedUntil.lte(now)))
        .order_by(Column::NextAttemptAt, Order::Asc)
        .limit(limit)
        // Ignored by the SQLite query builder (SQLite has no row locks).
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .to_owned();
    let claim = Query::update()
        .table(mail_outbox::Entity)
        .value(Column::ClaimedBy, holder)
        .value(Column::ClaimedUntil, until)
        .and_where(Column::Id.in_subquery(due))
        .returning_all()
        .to_owned();
    let statement = db.get_database_backend().build(&claim);
    mail_outbox::Entity::find().from_raw_sql(statement).all(db).await.repo()
}

/// Deletes delivered mails still leased by `holder`; returns how many it deleted (fewer than
/// `ids` when a lease ended and another deliverer claimed the mail).
///
/// # Errors
/// Classified database errors.
pub async fn delete_delivered<C: ConnectionTrait>(
    db: &C,
    holder: &str,
    ids: &[Uuid],
) -> Result<u64, RepoError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let deleted = mail_outbox::Entity::delete_many()
        .filter(Column::ClaimedBy.eq(holder))
        .filter(Column::Id.is_in(ids.iter().copied()))
        .exec(db)
        .await
        .repo()?;
    Ok(deleted.rows_affected)
}

/// A failed attempt: what to write back to the row.
#[derive(Debug, Clone)]
pub struct FailedAttempt {
    /// The mail.
    pub id: Uuid,
    /// Attempts so far, this one included.
    pub attempts: i32,
    /// When to try again.
    pub next_attempt_at: DateTime<Utc>,
    /// Why it failed.
    pub error: String,
}

/// Records a failed attempt and gives the mail up to any deliverer at `next_attempt_at`, if
/// `holder` still leases it; returns whether it did.
///
/// # Errors
/// Classified database errors.
pub async fn reschedule<C: ConnectionTrait>(
    db: &C,
    holder: &str,
    failed: &FailedAttempt,
) -> Result<bool, RepoError> {
    let updated = mail_outbox::Entity::update_many()
        .col_expr(Column::Attempts, Expr::value(failed.attempts))
        .col_expr(Column::NextAttemptAt, Expr::value(failed.next_attempt_at))
        .col_expr(Column::LastError, Expr::value(failed.error.clone()))
        .col_expr(Column::ClaimedBy, Expr::value(Option::<String>::None))
        .col_expr(Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(Column::Id.eq(failed.id))
        .filter(Column::ClaimedBy.eq(holder))
        .exec(db)
        .await
        .repo()?;
    Ok(updated.rows_affected > 0)
}
