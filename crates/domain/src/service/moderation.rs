//! The moderation decisions every moderated kind shares (catalog items and claims): only a
//! pending item is approved or rejected. Approving marks it approved and removes its submit;
//! rejecting deletes it with its cascades (its submit included). The uploader's mail is
//! queued in the same transaction.

use uuid::Uuid;

use crate::{
    RepoError, Status,
    mail::{ItemKind, OutboundMail},
    unit_of_work::{Transaction, UnitOfWork},
};

/// Why a decision was not carried out.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// The item does not exist (any more).
    Missing,
    /// The item was already approved.
    AlreadyApproved,
    /// The database failed.
    Failed(RepoError),
}

impl From<RepoError> for Refusal {
    fn from(e: RepoError) -> Self {
        Refusal::Failed(e)
    }
}

/// Begins a transaction on a pending item: the guard of every approve and reject. The status
/// is read inside the transaction, so it still holds when the decision commits.
///
/// # Errors
/// [`Refusal::Missing`], [`Refusal::AlreadyApproved`], or the database's failure.
pub(crate) async fn begin_on_pending(
    uow: &dyn UnitOfWork,
    kind: ItemKind,
    id: Uuid,
) -> Result<Box<dyn Transaction>, Refusal> {
    let mut tx = uow.begin().await?;
    match tx.status(kind, id).await? {
        None => Err(Refusal::Missing),
        Some(Status::Approved) => Err(Refusal::AlreadyApproved),
        Some(Status::OnReview) => Ok(tx),
    }
}

/// Approves a pending item: approved, its submit removed, `mail` queued.
///
/// # Errors
/// As [`begin_on_pending`].
pub(crate) async fn approve(
    uow: &dyn UnitOfWork,
    kind: ItemKind,
    id: Uuid,
    mail: OutboundMail,
) -> Result<(), Refusal> {
    let mut tx = begin_on_pending(uow, kind, id).await?;
    tx.set_approved(kind, id).await?;
    tx.remove_submit(kind, id).await?;
    tx.queue_mail(&mail).await?;
    Ok(tx.commit().await?)
}

/// Rejects a pending item: deleted with its cascades, `mail` queued.
///
/// # Errors
/// As [`begin_on_pending`].
pub(crate) async fn reject(
    uow: &dyn UnitOfWork,
    kind: ItemKind,
    id: Uuid,
    mail: OutboundMail,
) -> Result<(), Refusal> {
    let mut tx = begin_on_pending(uow, kind, id).await?;
    tx.delete(kind, id).await?;
    tx.queue_mail(&mail).await?;
    Ok(tx.commit().await?)
}
