//! Errors of the domain layer: what went wrong in terms of the contract, never in terms of
//! HTTP or SQL. The api crate maps each variant to a status and body in one place.
//!
//! What is missing ([`Missing`]) and what clashes ([`Clash`]) are values; their `Display`
//! impls below are the one place that writes the contract's message texts.

use std::fmt;

use uuid::Uuid;

use crate::{
    id::{BenchmarkId, ClaimId, FlavorId, ResultId, SiteId, TagId},
    identity::AuthError,
    mail::ItemKind,
};

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
    /// Something the request names does not exist (404).
    #[error("{0}")]
    NotFound(Missing),
    /// A uniqueness or integrity clash (409).
    #[error("{0}")]
    Conflict(Clash),
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
            DomainError::NotFound(missing) => Self { index, error: missing.to_string(), path: None },
            DomainError::Conflict(clash) => Self { index, error: clash.to_string(), path: None },
            DomainError::Invalid(m) => Self { index, error: m, path: None },
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
        not_found: impl FnOnce() -> Missing,
        conflict: impl FnOnce() -> Clash,
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
            RepoError::NotFound => DomainError::NotFound(Missing::Record),
            // The constraint text is for the log, not the client (the original says just this).
            RepoError::Conflict(m) => {
                tracing::info!("integrity error: {m}");
                DomainError::Conflict(Clash::Integrity)
            }
            RepoError::Unavailable(m) => DomainError::Unavailable(m),
            RepoError::Backend(m) => DomainError::Internal(m),
        }
    }
}

/// What a request named that does not exist. `Display` writes the contract's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// A site: `Record <id> not found in the database`.
    Site(SiteId),
    /// A flavor: `Record <id> not found in the database`.
    Flavor(FlavorId),
    /// A benchmark: `Benchmark <id> not found in the database`.
    Benchmark(BenchmarkId),
    /// A result: `Result <id> not found in the database`.
    Result(ResultId),
    /// A claim: `Claim <id> not found in the database`.
    Claim(ClaimId),
    /// A tag: `Record <id> not found in the database`.
    Tag(TagId),
    /// A benchmark, flavor or tag an upload refers to: `NoneType <id> not in database` (the
    /// original's text, Q16 kept).
    Reference(Uuid),
    /// An API key of the caller: `API key <id> not found`.
    ApiKey(Uuid),
    /// The caller (or the user named) is not registered: `User not registered`.
    User,
    /// A row a repository did not find, of no particular kind:
    /// `Record not found in the database`.
    Record,
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Missing::Site(id) => write!(f, "Record {id} not found in the database"),
            Missing::Flavor(id) => write!(f, "Record {id} not found in the database"),
            Missing::Tag(id) => write!(f, "Record {id} not found in the database"),
            Missing::Benchmark(id) => write!(f, "Benchmark {id} not found in the database"),
            Missing::Result(id) => write!(f, "Result {id} not found in the database"),
            Missing::Claim(id) => write!(f, "Claim {id} not found in the database"),
            Missing::Reference(id) => write!(f, "NoneType {id} not in database"),
            Missing::ApiKey(id) => write!(f, "API key {id} not found"),
            Missing::User => f.write_str("User not registered"),
            Missing::Record => f.write_str("Record not found in the database"),
        }
    }
}

/// What a write clashed with. `Display` writes the contract's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clash {
    /// A new catalog item's unique key is taken: `<Kind> <key> already submitted/exists`.
    Taken {
        /// The item's kind.
        kind: ItemKind,
        /// Its unique key as messages name it (a site's name, a benchmark's `image:tag`).
        key: String,
    },
    /// A new tag's name is taken: `Tag <name> already submitted/exists`.
    TagTaken(String),
    /// The user is registered already: `User already submitted/exists`.
    UserRegistered,
    /// An update would take another item's unique key:
    /// `Changes conflict submitted/existing <kind>`.
    Changes(ItemKind),
    /// An update would take another tag's name: `Changes conflict submitted/existing tag`.
    TagChanges,
    /// Any other integrity clash: `Integrity error`.
    Integrity,
    /// A concurrent request holds the same idempotency key and its results cannot be read yet.
    KeyInProgress,
    /// A clash the contract reports as the absence of the item (a tag deleted meanwhile).
    Vanished(Missing),
    /// A clash the original reports with an empty message (filing a claim, hiding or
    /// retagging a result).
    Unexplained,
}

impl fmt::Display for Clash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Clash::Taken { kind, key } => write!(f, "{} {key} already submitted/exists", kind.title()),
            Clash::TagTaken(name) => write!(f, "Tag {name} already submitted/exists"),
            Clash::UserRegistered => f.write_str("User already submitted/exists"),
            Clash::Changes(kind) => write!(f, "Changes conflict submitted/existing {}", kind.as_str()),
            Clash::TagChanges => f.write_str("Changes conflict submitted/existing tag"),
            Clash::Integrity => f.write_str("Integrity error"),
            Clash::KeyInProgress => f.write_str("A request with this Idempotency-Key is in progress"),
            Clash::Vanished(missing) => missing.fmt(f),
            Clash::Unexplained => Ok(()),
        }
    }
}
