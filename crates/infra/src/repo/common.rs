//! Helpers shared by the repositories: status and uploader conversion, write transactions and
//! the users of a page.

use std::collections::HashMap;

use domain::{RepoError, Status, user::User, user::UserKey};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use crate::{entity::user, error::DbResultExt};

/// The stored spelling of a moderation status.
pub fn stored_status(status: Status) -> &'static str {
    match status {
        Status::OnReview => "on_review",
        Status::Approved => "approved",
    }
}

/// A stored status to the domain's.
///
/// # Errors
/// `Backend` for a value no migration writes: the row is corrupt, not pending.
pub fn status(stored: &str) -> Result<Status, RepoError> {
    match stored {
        "on_review" => Ok(Status::OnReview),
        "approved" => Ok(Status::Approved),
        other => Err(RepoError::Backend(format!("unknown status {other:?} in the database"))),
    }
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

/// The registered users with these keys, in one query; a key whose user is gone (removed
/// meanwhile) is answered with a stand-in without e-mail, registered `at`.
pub(crate) struct Users(HashMap<(String, String), User>);

impl Users {
    /// Loads the users with these keys, in one query.
    ///
    /// # Errors
    /// Classified database errors.
    pub async fn load<C: ConnectionTrait>(
        db: &C,
        keys: impl Iterator<Item = (String, String)>,
    ) -> Result<Self, RepoError> {
        let mut cond = Condition::any();
        let mut any = false;
        for (sub, iss) in keys {
            any = true;
            cond = cond.add(Condition::all().add(user::Column::Sub.eq(sub)).add(user::Column::Iss.eq(iss)));
        }
        if !any {
            return Ok(Self(HashMap::new()));
        }
        let rows = user::Entity::find().filter(cond).all(db).await.repo()?;
        Ok(Self(rows.into_iter().map(|u| ((u.sub.clone(), u.iss.clone()), to_user(u))).collect()))
    }

    /// The user `(sub, iss)`, or its stand-in.
    pub fn get(&self, sub: &str, iss: &str, at: chrono::DateTime<chrono::Utc>) -> User {
        self.0.get(&(sub.to_owned(), iss.to_owned())).cloned().unwrap_or_else(|| User {
            sub: sub.to_owned(),
            iss: iss.to_owned(),
            email: String::new(),
            registration_datetime: at,
        })
    }
}

/// A user row to the domain's user.
pub(crate) fn to_user(u: user::Model) -> User {
    User { sub: u.sub, iss: u.iss, email: u.email, registration_datetime: u.registration_datetime }
}
