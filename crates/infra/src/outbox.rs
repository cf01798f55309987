//! The mail outbox. Repositories call [`enqueue`] inside the transaction of the change that
//! causes a mail; [`MailDeliverer`] sends due mails in the background and retries failures
//! with exponential backoff, so an SMTP outage or a crash only delays mails.

use std::time::Duration;

use chrono::Utc;
use domain::{RepoError, mail::OutboundMail};
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::header::{ContentType, HeaderName, HeaderValue},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use crate::{entity::mail_outbox, error::DbResultExt};

/// SMTP settings (`MAIL_*`).
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
    /// How often the outbox is polled for due mails.
    pub poll_interval: Duration,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            server: None,
            port: 25,
            from: "eosc-perf@localhost".into(),
            max_backoff: Duration::from_secs(300),
            poll_interval: Duration::from_millis(500),
        }
    }
}

/// Queues a mail in the caller's transaction.
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
    }
    .insert(db)
    .await
    .repo()?;
    Ok(())
}

/// Delivers queued mails.
pub struct MailDeliverer {
    db: DatabaseConnection,
    config: MailConfig,
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
}

impl MailDeliverer {
    /// A deliverer for this database and SMTP server.
    pub fn new(db: DatabaseConnection, config: MailConfig) -> Self {
        let transport = config.server.as_ref().map(|host| {
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                .port(config.port)
                .timeout(Some(Duration::from_secs(10)))
                .build()
        });
        Self { db, config, transport }
    }

    /// Runs until the task is dropped: delivers due mails, sleeps, repeats.
    pub async fn run(self) {
        loop {
            match self.deliver_due().await {
                Ok(0) => tokio::time::sleep(self.config.poll_interval).await,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "mail outbox unavailable: {e}");
                    tokio::time::sleep(self.config.poll_interval * 4).await;
                }
            }
        }
    }

    /// Tries every mail that is due once; returns how many were delivered.
    ///
    /// # Errors
    /// Classified database errors.
    pub async fn deliver_due(&self) -> Result<usize, RepoError> {
        let due = mail_outbox::Entity::find()
            .filter(mail_outbox::Column::NextAttemptAt.lte(Utc::now()))
            .order_by_asc(mail_outbox::Column::CreatedAt)
            .limit(32)
            .all(&self.db)
            .await
            .repo()?;
        let mut delivered = 0;
        for row in due {
            match self.send(&row).await {
                Ok(()) => {
                    mail_outbox::Entity::delete_by_id(row.id).exec(&self.db).await.repo()?;
                    delivered += 1;
                }
                Err(error) => {
                    let attempts = row.attempts.saturating_add(1);
                    let wait = backoff(attempts, self.config.max_backoff);
                    tracing::warn!(mail.id = %row.id, attempts, "mail delivery failed, retry in {}s: {error}", wait.num_seconds());
                    let retry = mail_outbox::ActiveModel {
                        id: Set(row.id),
                        attempts: Set(attempts),
                        next_attempt_at: Set(Utc::now() + wait),
                        last_error: Set(Some(error)),
                        ..Default::default()
                    };
                    retry.update(&self.db).await.repo()?;
                }
            }
        }
        Ok(delivered)
    }

    async fn send(&self, row: &mail_outbox::Model) -> Result<(), String> {
        let Some(transport) = &self.transport else {
            tracing::info!(mail.id = %row.id, "mail (MAIL_SERVER unset, not sent): {}\n{}", row.subject, row.body);
            return Ok(());
        };
        let message = build_message(&self.config.from, row)?;
        transport.send(message).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

/// 1 s, 2 s, 4 s, … capped at `max`.
fn backoff(attempts: i32, max: Duration) -> chrono::Duration {
    let secs = 1u64 << attempts.clamp(0, 20).saturating_sub(1);
    chrono::Duration::from_std(Duration::from_secs(secs).min(max)).unwrap_or(chrono::Duration::seconds(60))
}

fn build_message(from: &str, row: &mail_outbox::Model) -> Result<Message, String> {
    let to: Vec<String> = serde_json::from_str(&row.recipients).map_err(|e| e.to_string())?;
    let cc: Vec<String> = serde_json::from_str(&row.cc).map_err(|e| e.to_string())?;
    let headers: Vec<[String; 2]> = serde_json::from_str(&row.headers).map_err(|e| e.to_string())?;
    let mut builder = Message::builder()
        .from(from.parse().map_err(|e| format!("MAIL_FROM: {e}"))?)
        .subject(row.subject.clone())
        .header(ContentType::TEXT_PLAIN);
    for addr in &to {
        builder = builder.to(addr.parse().map_err(|e| format!("recipient {addr}: {e}"))?);
    }
    for addr in cc.iter().filter(|a| !a.is_empty()) {
        builder = builder.cc(addr.parse().map_err(|e| format!("cc {addr}: {e}"))?);
    }
    let mut message = builder.body(row.body.clone()).map_err(|e| e.to_string())?;
    for [name, value] in headers {
        let name = HeaderName::new_from_ascii(name).map_err(|e| e.to_string())?;
        message.headers_mut().insert_raw(HeaderValue::new(name, value));
    }
    Ok(message)
}

/// Whether `address` is a mailbox lettre accepts (used to check `MAIL_FROM` at start).
pub fn is_valid_address(address: &str) -> bool {
    address.parse::<lettre::message::Mailbox>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let max = Duration::from_secs(5);
        let secs: Vec<i64> = (1..=5).map(|a| backoff(a, max).num_seconds()).collect();
        assert_eq!(secs, vec![1, 2, 4, 5, 5]);
    }
}
