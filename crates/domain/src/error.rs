//! Errors of the domain layer: what went wrong in terms of the contract, never in terms of
//! HTTP or SQL. The api crate maps each variant to a status and body in one place.

use crate::identity::AuthError;

/// Why a use case failed.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The caller could not be authenticated (no, malformed or unusable token).
    #[error("unauthenticated: {0}")]
    Unauthenticated(#[from] AuthError),
    /// The caller is authenticated but does not meet an access level (flaat-shaped 403).
    #[error("user {who} does not meet requirements: {requirement}")]
    AccessDenied {
        /// `<sub>@<iss>` of the caller.
        who: String,
        /// `is_registered` or `is_admin`.
        requirement: &'static str,
    },
    /// The caller is neither the owner of the resource nor an admin (bare 403).
    #[error("forbidden")]
    Forbidden,
    /// A referenced item does not exist; the text is the contract's message.
    #[error("{0}")]
    NotFound(String),
    /// A uniqueness clash; the text is the contract's message.
    #[error("{0}")]
    Conflict(String),
    /// A business rule refused the request (422); the text is the contract's message.
    #[error("{0}")]
    Invalid(String),
    /// A JSON document failed a JSON Schema (422 with `error` and `path`).
    #[error("{error} at {path}")]
    SchemaViolation {
        /// The validator's message.
        error: String,
        /// Python `deque([...])` rendering of the location.
        path: String,
    },
    /// Items of a batch refused (422): nothing was stored.
    #[error("{} of {total} items refused", errors.len())]
    ItemsRefused {
        /// How many items the batch had.
        total: usize,
        /// Every refused item, by index.
        errors: Vec<ItemError>,
    },
    /// A page beyond the last one was requested (bare 404).
    #[error("page out of range")]
    PageOutOfRange,
    /// The database cannot be reached right now (503).
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// Anything else: a bug or an unexpected backend failure (500).
    #[error("internal error: {0}")]
    Internal(String),
}

/// Why one item of a batch was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemError {
    /// Its position in the batch, from 0.
    pub index: usize,
    /// The message the same item would get alone (the contract's text).
    pub error: String,
    /// Where in the item: the field (`benchmark_id`, ...) for a malformed field, or the
    /// `deque([...])` location in the document for a JSON Schema violation.
    pub path: Option<String>,
}

impl ItemError {
    /// The error of item `index` from what the same upload alone would have answered.
    pub fn from_domain(index: usize, error: DomainError) -> Self {
        match error {
            DomainError::SchemaViolation { error, path } => Self { index, error, path: Some(path) },
            DomainError::NotFound(m) | DomainError::Conflict(m) | DomainError::Invalid(m) => {
                Self { index, error: m, path: None }
            }
            other => Self { index, error: other.to_string(), path: None },
        }
    }
}

/// Why a repository call failed.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    /// The row to change does not exist.
    #[error("not found")]
    NotFound,
    /// A unique or foreign key constraint refused the change.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database could not be reached (connection refused, pool timeout).
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Any other backend error.
    #[error("backend error: {0}")]
    Backend(String),
}

impl RepoError {
    /// Maps a repository error to a domain error, giving conflicts and misses their contract
    /// message.
    pub fn into_domain(
        self,
        not_found: impl FnOnce() -> String,
        conflict: impl FnOnce() -> String,
    ) -> DomainError {
        match self {
            RepoError::NotFound => DomainError::NotFound(not_found()),
            RepoError::Conflict(_) => DomainError::Conflict(conflict()),
            other => other.into(),
        }
    }
}

impl From<RepoError> for DomainError {
    fn from(e: RepoError) -> Self {
        match e {
            RepoError::NotFound => DomainError::NotFound("Record not found in the database".into()),
            // The constraint text is for the log, not the client (the original says just this).
            RepoError::Conflict(m) => {
                tracing::info!("integrity error: {m}");
                DomainError::Conflict("Integrity error".into())
            }
            RepoError::Unavailable(m) => DomainError::Unavailable(m),
            RepoError::Backend(m) => DomainError::Internal(m),
        }
    }
}
