//! `/health/live` and `/health/ready`: probes for orchestrators and load balancers. Neither
//! needs a token. Liveness says the process serves requests; readiness asks the server's
//! [`ReadinessProbe`] whether it can do useful work (database reachable in time, schema
//! current) and reports the mail backlog, which informs but never fails the check (an SMTP
//! outage must not take every replica out of service).

use std::{sync::Arc, time::Duration};

use actix_web::http::StatusCode;
use paperclip::actix::{api_v2_operation, web};
use serde::Serialize;

use crate::reply::Reply;

/// What the readiness check found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Readiness {
    /// How long the database took to answer a ping; `None` when it did not within the limit.
    pub database_latency: Option<Duration>,
    /// Migrations this build has that the database lacks; `None` when that could not be read.
    pub pending_migrations: Option<u64>,
    /// The queued mails; `None` when the outbox could not be read.
    pub mail_backlog: Option<MailBacklog>,
    /// The hot standby of list reads; `None` when none is configured. It informs but never
    /// fails the check: without it, reads go to the primary.
    pub standby: Option<StandbyHealth>,
}

/// What the check found about the hot standby.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StandbyHealth {
    /// How far its replay is behind; `None` when it did not answer in time.
    pub replay_lag: Option<Duration>,
    /// Whether list reads go to it now (reachable and within the allowed lag).
    pub serving_reads: bool,
}

/// The mails waiting to be sent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MailBacklog {
    /// How many.
    pub queued: u64,
    /// The age of the oldest; `None` when there is none.
    pub oldest_age: Option<Duration>,
}

impl Readiness {
    /// Ready: the database answered and its schema is current.
    pub fn is_ready(&self) -> bool {
        self.database_latency.is_some() && self.pending_migrations == Some(0)
    }
}

/// Runs the readiness checks (implemented by the server over its adapters).
#[async_trait::async_trait]
pub trait ReadinessProbe: Send + Sync {
    /// Checks now; every check is bounded in time.
    async fn check(&self) -> Readiness;
}

/// The probe the readiness route asks, registered as app data by the server.
#[derive(Clone)]
pub struct ReadinessCheck(pub Arc<dyn ReadinessProbe>);

/// `GET /health/live` body.
#[derive(Serialize)]
struct LivenessOut {
    status: &'static str,
}

/// `GET /health/ready` body, fields in alphabetical order.
#[derive(Serialize)]
struct ReadinessOut {
    database: DatabaseOut,
    mail_outbox: MailOutboxOut,
    migrations: MigrationsOut,
    #[serde(skip_serializing_if = "Option::is_none")]
    standby: Option<StandbyOut>,
    status: &'static str,
}

#[derive(Serialize)]
struct StandbyOut {
    replay_lag_seconds: Option<f64>,
    serving_reads: bool,
    status: &'static str,
}

impl From<&StandbyHealth> for StandbyOut {
    fn from(s: &StandbyHealth) -> Self {
        let status = match (s.replay_lag, s.serving_reads) {
            (None, _) => "unavailable",
            (Some(_), true) => "ok",
            (Some(_), false) => "lagging",
        };
        StandbyOut {
            replay_lag_seconds: s.replay_lag.map(|d| d.as_secs_f64()),
            serving_reads: s.serving_reads,
            status,
        }
    }
}

#[derive(Serialize)]
struct DatabaseOut {
    latency_seconds: Option<f64>,
    status: &'static str,
}

#[derive(Serialize)]
struct MailOutboxOut {
    oldest_age_seconds: Option<f64>,
    queued: Option<u64>,
    status: &'static str,
}

#[derive(Serialize)]
struct MigrationsOut {
    pending: Option<u64>,
    status: &'static str,
}

impl From<&Readiness> for ReadinessOut {
    fn from(r: &Readiness) -> Self {
        let migrations_status = match r.pending_migrations {
            Some(0) => "ok",
            Some(_) => "pending",
            None => "unknown",
        };
        ReadinessOut {
            database: DatabaseOut {
                latency_seconds: r.database_latency.map(|d| d.as_secs_f64()),
                status: if r.database_latency.is_some() { "ok" } else { "unavailable" },
            },
            mail_outbox: MailOutboxOut {
                oldest_age_seconds: r.mail_backlog.and_then(|b| b.oldest_age).map(|d| d.as_secs_f64()),
                queued: r.mail_backlog.map(|b| b.queued),
                status: if r.mail_backlog.is_some() { "ok" } else { "unknown" },
            },
            migrations: MigrationsOut { pending: r.pending_migrations, status: migrations_status },
            standby: r.standby.as_ref().map(StandbyOut::from),
            status: if r.is_ready() { "ready" } else { "unavailable" },
        }
    }
}

/// (Public) Whether the process serves requests.
#[api_v2_operation(
    operation_id = "GetLiveness",
    summary = "(Public) Liveness of the process.",
    description = "Answers 200 while the process serves requests. Needs no token.",
    tags(health)
)]
pub async fn get_liveness() -> Reply {
    Reply::ok(&LivenessOut { status: "alive" })
}

/// (Public) Whether the service can do useful work.
#[api_v2_operation(
    operation_id = "GetReadiness",
    summary = "(Public) Readiness of the service.",
    description = "Answers 200 when the database answers within 1 s and its migrations are current, 503 otherwise; reports the mail outbox backlog and, when configured, the hot standby (which never fails the check). Needs no token.",
    tags(health)
)]
pub async fn get_readiness(probe: web::Data<ReadinessCheck>) -> Reply {
    let readiness = probe.0.check().await;
    let status = if readiness.is_ready() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    Reply::json(status, &ReadinessOut::from(&readiness))
}

/// Registers the `/health` routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/health/live").route(web::get().to(get_liveness)));
    cfg.service(web::resource("/health/ready").route(web::get().to(get_readiness)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_needs_the_database_and_a_current_schema_but_not_an_empty_outbox() {
        let backlog = Some(MailBacklog { queued: 3, oldest_age: Some(Duration::from_secs(900)) });
        let ready = Readiness {
            database_latency: Some(Duration::from_millis(2)),
            pending_migrations: Some(0),
            mail_backlog: backlog,
            standby: None,
        };
        assert!(ready.is_ready());
        assert!(!Readiness { pending_migrations: Some(1), ..ready.clone() }.is_ready());
        assert!(!Readiness { database_latency: None, ..ready.clone() }.is_ready());
        let out =
            serde_json::to_value(ReadinessOut::from(&Readiness { mail_backlog: None, ..ready })).unwrap();
        assert_eq!(
            out["mail_outbox"],
            serde_json::json!({"oldest_age_seconds": null, "queued": null, "status": "unknown"})
        );
        assert_eq!(out["status"], "ready");
        assert!(out.get("standby").is_none(), "absent without a standby");
    }

    #[test]
    fn a_standby_that_is_down_is_reported_without_failing_readiness() {
        let down = StandbyHealth { replay_lag: None, serving_reads: false };
        let ready = Readiness {
            database_latency: Some(Duration::from_millis(2)),
            pending_migrations: Some(0),
            mail_backlog: None,
            standby: Some(down),
        };
        assert!(ready.is_ready());
        let out = serde_json::to_value(ReadinessOut::from(&ready)).unwrap();
        assert_eq!(
            out["standby"],
            serde_json::json!({"replay_lag_seconds": null, "serving_reads": false, "status": "unavailable"})
        );
    }
}
