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

/// An admin decision on a pending item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Approve it.
    Approve,
    /// Reject (delete) it.
    Reject,
}

/// Carries out a decision on a pending item and queues `mail`: approving marks it approved
/// and removes its submit, rejecting deletes it with its cascades.
///
/// # Errors
/// As [`begin_on_pending`].
pub(crate) async fn decide(
    uow: &dyn UnitOfWork,
    kind: ItemKind,
    id: Uuid,
    decision: Decision,
    mail: OutboundMail,
) -> Result<(), Refusal> {
    let mut tx = begin_on_pending(uow, kind, id).await?;
    match decision {
        Decision::Approve => {
            tx.set_approved(kind, id).await?;
            tx.remove_submit(kind, id).await?;
        }
        Decision::Reject => {
            tx.delete(kind, id).await?;
        }
    }
    tx.queue_mail(&mail).await?;
    Ok(tx.commit().await?)
}
