//! The mail outbox. Repositories call [`enqueue`] inside the transaction of the change that
//! causes a mail and commit it with [`MailSignal::commit`], which wakes the deliverer once the
//! mail is visible. [`MailDeliverer`] claims due mails under a lease ([`lease`]), sends several
//! at a time over kept-alive SMTP connections and retries failures with exponential backoff,
//! so an SMTP outage or a crash only delays mails, and replicas sharing one database do not
//! send the same mail twice.

mod deliverer;
pub mod lease;
mod message;
mod smtp;

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use domain::{RepoError, mail::OutboundMail};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryOrder,
    QuerySelect, Set,
};
use tokio::sync::Notify;
use uuid::Uuid;

pub use deliverer::{DeliveryCounters, MailDeliverer};

use crate::{entity::mail_outbox, error::DbResultExt};

/// SMTP and delivery settings (`MAIL_*`).
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// SMTP host; `None` logs mails instead of sending them.
    pub server: Option<String>,
    /// SMTP port.
    pub port: u16,
    /// From address.
    pub from: String,
    /// Longest wait between two delivery attempts of one mail.
    pub max_backoff: Duration,
    /// How often the outbox is checked without a wake-up: for mails queued by other replicas
    /// and rows whose lease ended.
    pub poll_interval: Duration,
    /// Mails sent at the same time; also the most SMTP connections kept open.
    pub concurrency: usize,
    /// How long a claimed mail stays reserved for its deliverer; after that (a crashed
    /// replica) any deliverer may claim it again.
    pub lease: Duration,
}

impl MailConfig {
    /// Default of [`MailConfig::poll_interval`].
    pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(5);
    /// Default of [`MailConfig::concurrency`].
    pub const DEFAULT_CONCURRENCY: usize = 8;
    /// Default of [`MailConfig::lease`].
    pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);
    /// The shortest lease accepted from the environment: a send may take several SMTP
    /// round trips of up to 10 s each before it fails.
    pub const MIN_LEASE: Duration = Duration::from_secs(30);
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            server: None,
            port: 25,
            from: "eosc-perf@localhost".into(),
            max_backoff: Duration::from_secs(300),
            poll_interval: Self::DEFAULT_POLL_INTERVAL,
            concurrency: Self::DEFAULT_CONCURRENCY,
            lease: Self::DEFAULT_LEASE,
        }
    }
}

/// Queues a mail in the caller's transaction. Commit that transaction with
/// [`MailSignal::commit`] so that the mail is sent at once.
///
/// # Errors
/// Classified database errors.
pub async fn enqueue<C: ConnectionTrait>(db: &C, mail: &OutboundMail) -> Result<(), RepoError> {
    let now = Utc::now();
    let headers: Vec<[&str; 2]> = mail.headers.iter().map(|(k, v)| [k.as_str(), v.as_str()]).collect();
    mail_outbox::ActiveModel {
        id: Set(Uuid::new_v4()),
        recipients: Set(serde_json::to_string(&mail.to).unwrap_or_default()),
        cc: Set(serde_json::to_string(&mail.cc).unwrap_or_default()),
        subject: Set(mail.subject.clone()),
        headers: Set(serde_json::to_string(&headers).unwrap_or_default()),
        body: Set(mail.body.clone()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        created_at: Set(now),
        last_error: Set(None),
        claimed_by: Set(None),
        claimed_until: Set(None),
    }
    .insert(db)
    .await
    .repo()?;
    Ok(())
}

/// Wakes this process's [`MailDeliverer`] when a transaction that queued mails has committed.
///
/// Clones share one signal. A signal given while the deliverer is busy is kept until it next
/// waits, so none is lost. Mails queued by other replicas are found by the slower poll.
#[derive(Debug, Clone, Default)]
pub struct MailSignal {
    notify: Arc<Notify>,
}

impl MailSignal {
    /// A signal nobody listens to yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Commits `txn`, which queued mails, then wakes the deliverer. Waking it before the
    /// commit would let it look for the mails before they are visible.
    ///
    /// # Errors
    /// Classified database errors of the commit; the deliverer is then not woken.
    pub async fn commit(&self, txn: DatabaseTransaction) -> Result<(), RepoError> {
        txn.commit().await.repo()?;
        self.mail_committed();
        Ok(())
    }

    /// Wakes the deliverer: mails were committed by other means than [`MailSignal::commit`].
    pub fn mail_committed(&self) {
        self.notify.notify_one();
    }

    /// Resolves at the next wake-up (at once when one is pending).
    pub(crate) async fn committed(&self) {
        self.notify.notified().await;
    }
}

/// The mails waiting in the outbox (queued, or failed and waiting for their retry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backlog {
    /// How many.
    pub queued: u64,
    /// When the oldest of them was queued.
    pub oldest: Option<DateTime<Utc>>,
}

/// The outbox's backlog, shared by every replica.
///
/// # Errors
/// Classified database errors.
pub async fn backlog<C: ConnectionTrait>(db: &C) -> Result<Backlog, RepoError> {
    let queued = mail_outbox::Entity::find().count(db).await.repo()?;
    let oldest = mail_outbox::Entity::find()
        .select_only()
        .column(mail_outbox::Column::CreatedAt)
        .order_by_asc(mail_outbox::Column::CreatedAt)
        .limit(1)
        .into_tuple::<DateTime<Utc>>()
        .one(db)
        .await
        .repo()?;
    Ok(Backlog { queued, oldest })
}

/// Whether `address` is a mailbox lettre accepts (used to check `MAIL_FROM` at start).
pub fn is_valid_address(address: &str) -> bool {
    address.parse::<lettre::message::Mailbox>().is_ok()
}
