//! The one place that classifies database errors.
//!
//! Classification works on the driver's error types and SQLSTATE codes, never on message
//! text: a connection-level failure (the server shut down or restarted, the connection was
//! reset or broken, the pool timed out, SQLite's lock could not be taken) makes the service
//! unavailable (503 with `Retry-After`), a constraint violation is a conflict (409), a missing
//! row is not found, and anything else is a backend error (500).

use std::future::Future;

use domain::RepoError;
use sea_orm::{DbErr, RuntimeErr, SqlErr, sqlx};

/// Classifies a `DbErr`: constraint violations are conflicts, connection failures make the
/// service unavailable, a missing row is not found, the rest is a backend error.
pub fn classify(err: DbErr) -> RepoError {
    match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(m)) | Some(SqlErr::ForeignKeyConstraintViolation(m)) => {
            return RepoError::Conflict(m);
        }
        _ => {}
    }
    if is_transient(&err) {
        return RepoError::Unavailable(err.to_string());
    }
    match err {
        DbErr::RecordNotFound(_) | DbErr::RecordNotUpdated => RepoError::NotFound,
        other => RepoError::Backend(other.to_string()),
    }
}

/// Whether the error says the database could not be used right now, so the same request may
/// succeed on a fresh connection or a little later.
pub fn is_transient(err: &DbErr) -> bool {
    match err {
        // Taking a connection from the pool failed, including opening a new one (refused,
        // reset, authentication, "not currently accepting connections").
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(runtime) | DbErr::Query(runtime) => match runtime {
            RuntimeErr::SqlxError(e) => is_transient_sqlx(e),
            RuntimeErr::Internal(_) => false,
        },
        _ => false,
    }
}

fn is_transient_sqlx(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| is_transient_code(&code)),
        _ => false,
    }
}

/// PostgreSQL SQLSTATEs of connection exceptions (class 08), operator intervention (57P01
/// admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now), insufficient resources
/// (53300 too many connections), serialization failures and deadlocks (40001, 40P01); SQLite's
/// primary result codes BUSY (5) and LOCKED (6), also as extended codes.
fn is_transient_code(code: &str) -> bool {
    if code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300" | "40001" | "40P01") {
        return true;
    }
    code.parse::<i32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6))
}

/// Runs a read, and once more (the pool hands out a fresh, tested connection) when the first
/// attempt failed for a connection-level reason. Only for statements without side effects.
///
/// # Errors
/// The second attempt's error, or the first one's when it was not transient.
pub async fn read_retrying<T, F, Fut>(mut read: F) -> Result<T, RepoError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, RepoError>>,
{
    match read().await {
        Err(RepoError::Unavailable(cause)) => {
            tracing::info!(error = %cause, "database read failed on its connection; retrying once");
            read().await
        }
        other => other,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_level_sqlstates_are_transient() {
        for code in
            ["08006", "08003", "57P01", "57P02", "57P03", "53300", "40001", "40P01", "5", "6", "261", "517"]
        {
            assert!(is_transient_code(code), "{code}");
        }
        for code in ["23505", "23503", "22003", "42P01", "1", "19", "2067"] {
            assert!(!is_transient_code(code), "{code}");
        }
    }

    #[test]
    fn pool_and_io_failures_are_transient_but_logic_errors_are_not() {
        assert!(is_transient(&DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout)));
        let io = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(is_transient(&DbErr::Query(RuntimeErr::SqlxError(std::sync::Arc::new(io)))));
        assert!(!is_transient(&DbErr::Query(RuntimeErr::SqlxError(std::sync::Arc::new(
            sqlx::Error::RowNotFound
        )))));
        assert!(!is_transient(&DbErr::Custom("boom".into())));
        assert!(matches!(classify(DbErr::RecordNotFound("x".into())), RepoError::NotFound));
    }

    #[tokio::test]
    async fn a_transient_read_failure_is_retried_once() {
        let mut calls = 0;
        let out: Result<u32, RepoError> = read_retrying(|| {
            calls += 1;
            let n = calls;
            async move { if n == 1 { Err(RepoError::Unavailable("reset".into())) } else { Ok(7) } }
        })
        .await;
        assert_eq!(out.ok(), Some(7));
        assert_eq!(calls, 2);
        let mut calls = 0;
        let out: Result<u32, RepoError> = read_retrying(|| {
            calls += 1;
            async { Err(RepoError::Backend("syntax".into())) }
        })
        .await;
        assert!(out.is_err());
        assert_eq!(calls, 1);
    }
}
