//! The hot standby (`DATABASE_READ_URL`) over time: a background check every
//! [`CHECK_INTERVAL`] that routes reads away from it while it is down or too far behind and
//! back once it recovers, and its Prometheus series (registered only when it is configured).

use std::time::Duration;

use infra::ReadPools;
use prometheus::{Gauge, IntGauge, IntGaugeVec, Opts, Registry};

/// How often the standby is checked.
pub const CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// Checks the standby of `reads` every [`CHECK_INTERVAL`] until aborted.
pub async fn monitor(reads: ReadPools) {
    let mut every = tokio::time::interval(CHECK_INTERVAL);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        reads.check_standby().await;
    }
}

/// The standby's series.
pub struct StandbyMetrics {
    up: IntGauge,
    serving: IntGauge,
    lag: Gauge,
    connections: IntGaugeVec,
}

impl StandbyMetrics {
    /// Registered in `registry`.
    ///
    /// # Errors
    /// On a duplicate series name (a bug).
    pub fn registered(registry: &Registry) -> prometheus::Result<Self> {
        let series = Self {
            up: IntGauge::new("eosc_perf_db_standby_up", "1 when the hot standby answered its last check.")?,
            serving: IntGauge::new(
                "eosc_perf_db_standby_serving_reads",
                "1 when list reads go to the hot standby (reachable, within the allowed lag).",
            )?,
            lag: Gauge::new(
                "eosc_perf_db_standby_replay_lag_seconds",
                "How far the hot standby's replay is behind (0: all received WAL replayed).",
            )?,
            connections: IntGaugeVec::new(
                Opts::new(
                    "eosc_perf_db_read_pool_connections",
                    "Open connections to the hot standby by state (idle, busy).",
                ),
                &["state"],
            )?,
        };
        registry.register(Box::new(series.up.clone()))?;
        registry.register(Box::new(series.serving.clone()))?;
        registry.register(Box::new(series.lag.clone()))?;
        registry.register(Box::new(series.connections.clone()))?;
        Ok(series)
    }

    /// Checks the standby now and sets the series.
    pub async fn update(&self, reads: &ReadPools) {
        let Some(status) = reads.check_standby().await else { return };
        self.up.set(i64::from(status.reachable));
        self.serving.set(i64::from(status.serving));
        if let Some(lag) = status.replay_lag {
            self.lag.set(lag.as_secs_f64());
        }
        if let Some(standby) = reads.standby() {
            let pool = infra::pool::status(standby);
            self.connections.with_label_values(&["idle"]).set(i64::from(pool.idle));
            self.connections.with_label_values(&["busy"]).set(i64::from(pool.busy()));
        }
    }
}
