//! The unit-of-work port: writes of several steps that commit together or not at all.
//!
//! A service that changes several rows under one rule (approve an item and drop its submit;
//! reject a claim and show its result again when no claim is left) begins a [`Transaction`],
//! reads what the rule depends on inside it, writes, and commits. The adapters only persist:
//! each method is one read or one write, and the decisions stay in the services. Dropping a
//! transaction without committing it rolls it back.

use uuid::Uuid;

use crate::{
    ClaimId, RepoError, ResultId, Status,
    benchmark::Benchmark,
    claim::NewClaim,
    flavor::Flavor,
    mail::{ItemKind, OutboundMail},
    site::Site,
    submit::NewSubmit,
};

/// Port: begins transactions.
#[async_trait::async_trait]
pub trait UnitOfWork: Send + Sync {
    /// A new transaction that may read and write (it takes the write lock where the backend
    /// has one, so its reads stay valid until it commits).
    ///
    /// # Errors
    /// `Unavailable` or `Backend` when the database fails.
    async fn begin(&self) -> Result<Box<dyn Transaction>, RepoError>;
}

/// Inserts items of one moderated kind inside a transaction. [`Transaction`] has one of these
/// per kind; `Moderated::writes` picks the one of its kind.
#[async_trait::async_trait]
pub trait ModeratedWrites<R>: Send {
    /// Stores a new item.
    ///
    /// # Errors
    /// `Conflict` when its unique key is taken (in any status) or its uploader is not
    /// registered; `NotFound` when an item it belongs to vanished.
    async fn insert(&mut self, item: &R) -> Result<(), RepoError>;
}

/// Whether a result is hidden, and by whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visibility {
    /// Hidden by a claim or an admin delete.
    pub hidden: bool,
    /// Hidden by an admin delete.
    pub hidden_by_admin: bool,
}

/// One open transaction. Every write that causes a mail queues it here, so the mail is sent
/// if and only if the change commits.
#[async_trait::async_trait]
pub trait Transaction: ModeratedWrites<Benchmark> + ModeratedWrites<Site> + ModeratedWrites<Flavor> {
    /// The moderation status of an item, `None` when it does not exist. The item stays
    /// locked until the transaction ends, so another decision on it waits for this one.
    ///
    /// # Errors
    /// `Backend` when the stored status is not one the domain knows.
    async fn status(&mut self, kind: ItemKind, id: Uuid) -> Result<Option<Status>, RepoError>;
    /// Marks an existing item approved.
    ///
    /// # Errors
    /// Backend failures.
    async fn set_approved(&mut self, kind: ItemKind, id: Uuid) -> Result<(), RepoError>;
    /// Deletes an item in any status with the cascades of the data model (its submit, its
    /// flavors and results, the tag links of those results; claims of deleted results stay,
    /// without their result). False when it did not exist.
    ///
    /// # Errors
    /// Backend failures.
    async fn delete(&mut self, kind: ItemKind, id: Uuid) -> Result<bool, RepoError>;
    /// Files the submit of a new pending item.
    ///
    /// # Errors
    /// `Conflict` when the item or the uploader does not exist.
    async fn add_submit(&mut self, submit: &NewSubmit) -> Result<(), RepoError>;
    /// Removes the submit of an item.
    ///
    /// # Errors
    /// Backend failures.
    async fn remove_submit(&mut self, kind: ItemKind, id: Uuid) -> Result<(), RepoError>;
    /// Queues a mail, sent once the transaction commits.
    ///
    /// # Errors
    /// Backend failures.
    async fn queue_mail(&mut self, mail: &OutboundMail) -> Result<(), RepoError>;
    /// Stores a new pending claim.
    ///
    /// # Errors
    /// `Conflict` when its id is taken or the claimer is not registered, `NotFound` when the
    /// result vanished.
    async fn insert_claim(&mut self, claim: &NewClaim) -> Result<(), RepoError>;
    /// The result a claim is about: `None` when the claim does not exist or its result was
    /// deleted.
    ///
    /// # Errors
    /// Backend failures.
    async fn claimed_result(&mut self, claim: ClaimId) -> Result<Option<ResultId>, RepoError>;
    /// How many claims, pending or approved, a result has.
    ///
    /// # Errors
    /// Backend failures.
    async fn claims_on(&mut self, result: ResultId) -> Result<u64, RepoError>;
    /// Whether a result is hidden, `None` when it does not exist. The result stays locked
    /// until the transaction ends, so a claim filed on it meanwhile waits for this one.
    ///
    /// # Errors
    /// Backend failures.
    async fn visibility(&mut self, result: ResultId) -> Result<Option<Visibility>, RepoError>;
    /// Hides or shows a result (as a claim does; an admin delete is `ResultRepository`'s).
    /// False when it does not exist.
    ///
    /// # Errors
    /// Backend failures.
    async fn set_hidden(&mut self, result: ResultId, hidden: bool) -> Result<bool, RepoError>;
    /// Makes every write of the transaction visible, and sends its mails.
    ///
    /// # Errors
    /// `Unavailable` when the database could not commit; nothing was written then.
    async fn commit(self: Box<Self>) -> Result<(), RepoError>;
}
