//! The background task that empties the outbox: it claims due mails under a lease, keeps up to
//! `concurrency` of them in flight over kept-alive SMTP connections, deletes each delivered mail
//! and reschedules each failed one. It wakes when this process commits a mail, when a retry
//! it scheduled is due, and every poll interval (mails of other replicas, ended leases).

use std::{
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tokio::{task::JoinSet, time::Instant};
use uuid::Uuid;

use super::{
    MailConfig, MailSignal,
    lease::{self, FailedAttempt},
    message::{backoff, build_message},
    smtp::SmtpConnections,
};
use crate::entity::mail_outbox;

/// How soon to try again after the database failed.
const DATABASE_RETRY: Duration = Duration::from_secs(2);
/// How long a stopping deliverer waits for the mails it is sending.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// Delivers queued mails; see the module documentation.
pub struct MailDeliverer {
    sender: Arc<Sender>,
    signal: MailSignal,
    /// Names this deliverer in `claimed_by`; a counter makes each claim's lease id unique.
    instance: Uuid,
    claims: u64,
}

/// What a send task needs.
struct Sender {
    db: DatabaseConnection,
    config: MailConfig,
    /// `None` when `MAIL_SERVER` is unset: mails are logged.
    smtp: Option<SmtpConnections>,
    counters: Arc<DeliveryCounters>,
}

/// Delivery attempts of this process since start, read by metrics.
#[derive(Debug, Default)]
pub struct DeliveryCounters {
    delivered: AtomicU64,
    failed: AtomicU64,
}

impl DeliveryCounters {
    /// Mails handed to the SMTP server (or logged, without `MAIL_SERVER`).
    pub fn delivered(&self) -> u64 {
        self.delivered.load(Ordering::Relaxed)
    }

    /// Attempts that failed (each is retried later).
    pub fn failed(&self) -> u64 {
        self.failed.load(Ordering::Relaxed)
    }
}

/// How one attempt ended; settled in the database by the run loop.
enum Outcome {
    Delivered { holder: Arc<str>, id: Uuid },
    Failed { holder: Arc<str>, attempt: FailedAttempt, retry_in: Duration },
}

impl Outcome {
    fn holder(&self) -> &Arc<str> {
        match self {
            Self::Delivered { holder, .. } | Self::Failed { holder, .. } => holder,
        }
    }
}

impl MailDeliverer {
    /// A deliverer for this database and SMTP server, woken by `signal`.
    pub fn new(db: DatabaseConnection, mut config: MailConfig, signal: MailSignal) -> Self {
        config.concurrency = config.concurrency.max(1);
        let smtp =
            config.server.clone().map(|host| SmtpConnections::new(host, config.port, config.concurrency));
        let sender = Arc::new(Sender { db, config, smtp, counters: Arc::default() });
        Self { sender, signal, instance: Uuid::new_v4(), claims: 0 }
    }

    /// Delivered and failed attempts of this deliverer, for metrics.
    pub fn counters(&self) -> Arc<DeliveryCounters> {
        Arc::clone(&self.sender.counters)
    }

    /// Runs until the task is dropped.
    pub async fn run(self) {
        self.run_until(std::future::pending()).await;
    }

    /// Runs until `stop` resolves, then waits a little for the mails being sent and records
    /// them, so that a restart neither repeats nor delays them.
    pub async fn run_until(mut self, stop: impl Future<Output = ()>) {
        tracing::info!(mail.deliverer = %self.instance, "mail deliverer {} started", self.instance);
        let poll = self.sender.config.poll_interval;
        let concurrency = self.sender.config.concurrency;
        // Claiming for a single free slot would cost a statement per mail.
        let refill = concurrency.div_ceil(4);
        let mut in_flight: JoinSet<Outcome> = JoinSet::new();
        let mut finished: Vec<Outcome> = Vec::new();
        let mut look_for_due = true;
        let mut wake_at = Instant::now() + poll;
        tokio::pin!(stop);
        loop {
            while let Some(done) = in_flight.try_join_next() {
                finished.extend(done.ok());
            }
            if let Err(e) = self.settle(&mut finished, &mut wake_at).await {
                tracing::warn!(error = %e, "mail outbox unavailable, delivered mails not yet recorded: {e}");
                wake_at = wake_at.min(Instant::now() + DATABASE_RETRY);
            }
            let free = concurrency.saturating_sub(in_flight.len());
            if look_for_due && (free >= refill || in_flight.is_empty()) {
                match self.claim(free).await {
                    Ok((holder, rows)) => {
                        look_for_due = rows.len() == free;
                        for row in rows {
                            in_flight.spawn(Arc::clone(&self.sender).deliver(Arc::clone(&holder), row));
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "mail outbox unavailable: {e}");
                        look_for_due = false;
                        wake_at = wake_at.min(Instant::now() + DATABASE_RETRY);
                    }
                }
                if look_for_due {
                    continue;
                }
            }
            tokio::select! {
                () = &mut stop => break,
                Some(done) = in_flight.join_next(), if !in_flight.is_empty() => finished.extend(done.ok()),
                () = self.signal.committed() => look_for_due = true,
                () = tokio::time::sleep_until(wake_at) => {
                    look_for_due = true;
                    wake_at = Instant::now() + poll;
                    let sender = Arc::clone(&self.sender);
                    tokio::spawn(async move {
                        if let Some(smtp) = &sender.smtp {
                            smtp.close_idle().await;
                        }
                    });
                }
            }
        }
        let _ = tokio::time::timeout(STOP_GRACE, async {
            while let Some(done) = in_flight.join_next().await {
                finished.extend(done.ok());
            }
        })
        .await;
        if let Err(e) = self.settle(&mut finished, &mut wake_at).await {
            tracing::warn!(error = %e, "stopping: {} mails sent but not recorded: {e}", finished.len());
        }
        tracing::info!(mail.deliverer = %self.instance, "mail deliverer {} stopped", self.instance);
    }

    /// Claims up to `limit` due mails under a new lease.
    async fn claim(
        &mut self,
        limit: usize,
    ) -> Result<(Arc<str>, Vec<mail_outbox::Model>), domain::RepoError> {
        self.claims += 1;
        let holder: Arc<str> = format!("{}/{}", self.instance, self.claims).into();
        let limit = u64::try_from(limit).unwrap_or(u64::MAX);
        let rows = lease::claim_due(&self.sender.db, &holder, self.sender.config.lease, limit).await?;
        Ok((holder, rows))
    }

    /// Records finished attempts, a lease at a time; what could not be recorded stays in
    /// `finished` for the next try. Brings `wake_at` forward to the earliest retry.
    async fn settle(
        &self,
        finished: &mut Vec<Outcome>,
        wake_at: &mut Instant,
    ) -> Result<(), domain::RepoError> {
        let db = &self.sender.db;
        while let Some(holder) = finished.first().map(|o| Arc::clone(o.holder())) {
            let batch: Vec<Outcome> = finished.extract_if(.., |o| *o.holder() == holder).collect();
            let delivered: Vec<Uuid> = batch
                .iter()
                .filter_map(|o| match o {
                    Outcome::Delivered { id, .. } => Some(*id),
                    Outcome::Failed { .. } => None,
                })
                .collect();
            let recorded = async {
                let deleted = lease::delete_delivered(db, &holder, &delivered).await?;
                if deleted < delivered.len() as u64 {
                    tracing::warn!(
                        "{} delivered mails were claimed again after their lease ended: they may arrive twice",
                        delivered.len() as u64 - deleted
                    );
                }
                for outcome in &batch {
                    if let Outcome::Failed { attempt, retry_in, .. } = outcome
                        && lease::reschedule(db, &holder, attempt).await?
                    {
                        *wake_at = (*wake_at).min(Instant::now() + *retry_in);
                    }
                }
                Ok::<(), domain::RepoError>(())
            }
            .await;
            if let Err(e) = recorded {
                finished.extend(batch);
                return Err(e);
            }
        }
        Ok(())
    }
}

impl Sender {
    /// One attempt at one mail.
    async fn deliver(self: Arc<Self>, holder: Arc<str>, row: mail_outbox::Model) -> Outcome {
        match self.send(&row).await {
            Ok(()) => {
                self.counters.delivered.fetch_add(1, Ordering::Relaxed);
                Outcome::Delivered { holder, id: row.id }
            }
            Err(error) => {
                self.counters.failed.fetch_add(1, Ordering::Relaxed);
                let attempts = row.attempts.saturating_add(1);
                let retry_in = backoff(attempts, self.config.max_backoff);
                tracing::warn!(
                    mail.id = %row.id,
                    attempts,
                    "mail delivery failed, retry in {}s: {error}",
                    retry_in.as_secs()
                );
                let next_attempt_at = Utc::now()
                    + chrono::Duration::from_std(retry_in).unwrap_or(chrono::Duration::seconds(60));
                let attempt = FailedAttempt { id: row.id, attempts, next_attempt_at, error };
                Outcome::Failed { holder, attempt, retry_in }
            }
        }
    }

    async fn send(&self, row: &mail_outbox::Model) -> Result<(), String> {
        let Some(smtp) = &self.smtp else {
            tracing::info!(mail.id = %row.id, "mail (MAIL_SERVER unset, not sent): {}\n{}", row.subject, row.body);
            return Ok(());
        };
        let message = build_message(&self.config.from, row)?;
        smtp.send(&message).await
    }
}
