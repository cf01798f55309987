//! The readiness checks behind `GET /health/ready`, over the database: a ping within
//! [`PING_TIMEOUT`], then the pending migrations and the outbox backlog side by side, each
//! within [`QUERY_TIMEOUT`], so a check answers in about two seconds at worst. The hot standby,
//! when configured, is checked beside the ping and reported, never failing the check.

use std::time::{Duration, Instant};

use api::routes::health::{MailBacklog, Readiness, ReadinessProbe, StandbyHealth};
use infra::ReadPools;
use sea_orm::DatabaseConnection;

/// How long the database may take to answer a ping.
pub const PING_TIMEOUT: Duration = Duration::from_secs(1);
/// How long each of the other checks may take.
pub const QUERY_TIMEOUT: Duration = Duration::from_secs(1);

/// [`ReadinessProbe`] over this application's pool.
pub struct DatabaseReadiness {
    db: DatabaseConnection,
    reads: ReadPools,
}

impl DatabaseReadiness {
    /// Checks the primary of `reads` and, when configured, its standby (reported only).
    pub fn new(reads: ReadPools) -> Self {
        Self { db: reads.primary().clone(), reads }
    }

    async fn standby(&self) -> Option<StandbyHealth> {
        let status = self.reads.check_standby().await?;
        Some(StandbyHealth { replay_lag: status.replay_lag, serving_reads: status.serving })
    }

    async fn ping(&self) -> Option<Duration> {
        let started = Instant::now();
        match tokio::time::timeout(PING_TIMEOUT, self.db.ping()).await {
            Ok(Ok(())) => Some(started.elapsed()),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "readiness: the database is unreachable: {e}");
                None
            }
            Err(_) => {
                tracing::warn!("readiness: the database did not answer within {PING_TIMEOUT:?}");
                None
            }
        }
    }

    async fn pending_migrations(&self) -> Option<u64> {
        match tokio::time::timeout(QUERY_TIMEOUT, infra::pool::pending_migrations(&self.db)).await {
            Ok(Ok(pending)) => Some(u64::try_from(pending).unwrap_or(u64::MAX)),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "readiness: the migration table is unreadable: {e}");
                None
            }
            Err(_) => None,
        }
    }

    async fn mail_backlog(&self) -> Option<MailBacklog> {
        let backlog =
            tokio::time::timeout(QUERY_TIMEOUT, infra::outbox::backlog(&self.db)).await.ok()?.ok()?;
        let now = chrono::Utc::now();
        Some(MailBacklog {
            queued: backlog.queued,
            oldest_age: backlog.oldest.map(|oldest| (now - oldest).to_std().unwrap_or_default()),
        })
    }
}

#[async_trait::async_trait]
impl ReadinessProbe for DatabaseReadiness {
    async fn check(&self) -> Readiness {
        let (latency, standby) = tokio::join!(self.ping(), self.standby());
        let Some(latency) = latency else { return Readiness { standby, ..Readiness::default() } };
        let (pending_migrations, mail_backlog) = tokio::join!(self.pending_migrations(), self.mail_backlog());
        Readiness { database_latency: Some(latency), pending_migrations, mail_backlog, standby }
    }
}
