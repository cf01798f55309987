//! Helpers shared by the catalog repositories: status and uploader conversion, submit rows,
//! and the standard list pipeline.

use chrono::{DateTime, Utc};
use domain::{RepoError, Status, mail::ItemKind, query::ListParams, user::UserKey};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, Set,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use uuid::Uuid;

use crate::{entity::submit, error::DbResultExt, sql::date_condition};

/// Database spelling to domain status (unknown values read as pending).
pub fn status(s: &str) -> Status {
    Status::parse(s).unwrap_or(Status::OnReview)
}

/// Uploader key from its two columns.
pub fn uploader(sub: &str, iss: &str) -> UserKey {
    UserKey { sub: sub.to_owned(), iss: iss.to_owned() }
}

/// Begins a transaction that reads and then writes. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a deferred transaction whose snapshot is older than another
/// connection's commit (the mail deliverer writes all the time) cannot upgrade to a writer and
/// fails at once with "database is locked", whereas `IMMEDIATE` waits for the lock. PostgreSQL
/// ignores the option.
///
/// # Errors
/// Classified database errors.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, RepoError> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
    .repo()
}

/// Inserts the submit of a new pending item in the caller's transaction.
///
/// # Errors
/// Classified database errors.
pub async fn insert_submit<C: ConnectionTrait>(
    db: &C,
    kind: ItemKind,
    id: Uuid,
    by: &UserKey,
    at: DateTime<Utc>,
) -> Result<(), RepoError> {
    let mut row = submit::ActiveModel {
        id: Set(Uuid::new_v4()),
        resource_type: Set(kind.as_str().to_owned()),
        benchmark_id: Set(None),
        site_id: Set(None),
        flavor_id: Set(None),
        claim_id: Set(None),
        uploader_sub: Set(by.sub.clone()),
        uploader_iss: Set(by.iss.clone()),
        upload_datetime: Set(at),
    };
    match kind {
        ItemKind::Benchmark => row.benchmark_id = Set(Some(id)),
        ItemKind::Site => row.site_id = Set(Some(id)),
        ItemKind::Flavor => row.flavor_id = Set(Some(id)),
        ItemKind::Claim => row.claim_id = Set(Some(id)),
    }
    row.insert(db).await.repo()?;
    Ok(())
}

/// Status and upload-date conditions of a list.
pub fn moderated_condition<S: ColumnTrait, U: ColumnTrait>(
    status_col: S,
    upload_col: U,
    p: &ListParams,
) -> Condition {
    let mut cond = date_condition(upload_col, &p.uploaded);
    if let Some(s) = p.status {
        cond = cond.add(status_col.eq(s.as_str()));
    }
    cond
}
