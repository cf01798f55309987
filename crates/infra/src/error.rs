//! The one place that classifies database errors.

use domain::RepoError;
use sea_orm::{DbErr, SqlErr};

/// Classifies a `DbErr`: constraint violations are conflicts, connection failures make the
/// service unavailable, a missing row is not found, the rest is a backend error.
pub fn classify(err: DbErr) -> RepoError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(m)) | Some(SqlErr::ForeignKeyConstraintViolation(m)) => {
            return RepoError::Conflict(m);
        }
        _ => {}
    }
    match err {
        DbErr::RecordNotFound(_) | DbErr::RecordNotUpdated => RepoError::NotFound,
        DbErr::ConnectionAcquire(e) => RepoError::Unavailable(e.to_string()),
        DbErr::Conn(e) => RepoError::Unavailable(e.to_string()),
        other => {
            let text = other.to_string();
            if is_connection_failure(&text) { RepoError::Unavailable(text) } else { RepoError::Backend(text) }
        }
    }
}

fn is_connection_failure(text: &str) -> bool {
    [
        "Connection refused",
        "connection closed",
        "PoolTimedOut",
        "pool timed out",
        "broken pipe",
        "database is locked",
    ]
    .iter()
    .any(|needle| text.contains(needle))
}

/// Shorthand for `map_err(classify)`.
pub trait DbResultExt<T> {
    /// Classifies the error, if any.
    ///
    /// # Errors
    /// The classified [`RepoError`].
    fn repo(self) -> Result<T, RepoError>;
}

impl<T> DbResultExt<T> for Result<T, DbErr> {
    fn repo(self) -> Result<T, RepoError> {
        self.map_err(classify)
    }
}
