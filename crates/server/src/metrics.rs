//! The Prometheus registry of one application and `GET /metrics`.
//!
//! Series updated as things happen: the HTTP series (api's middleware), the OIDC calls (auth
//! adapter) and the pool's acquire time (sampled, see [`ACQUIRE_SAMPLE_INTERVAL`]). Series
//! read at scrape time from their owners ([`Sources`]): the pool's connections, the outbox
//! backlog (one bounded query), the delivery counters and every cache's [`CacheStats`].
//!
//! Neither SeaORM nor sqlx reports how long a request waited for a connection, so
//! `eosc_perf_db_pool_acquire_seconds` times a real `acquire()` from the same pool every
//! [`ACQUIRE_SAMPLE_INTERVAL`] and at each scrape: the sample waits in the same queue as the
//! requests, so under contention it shows their wait.

use std::{
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use actix_web::{HttpResponse, http::StatusCode, web};
use domain::stats::CacheStats;
use infra::outbox::DeliveryCounters;
use prometheus::{
    Encoder, Gauge, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};
use sea_orm::DatabaseConnection;

/// How often the pool's acquire time is sampled between scrapes.
pub const ACQUIRE_SAMPLE_INTERVAL: Duration = Duration::from_secs(5);

/// The longest a scrape waits for the outbox backlog query.
const BACKLOG_TIMEOUT: Duration = Duration::from_secs(1);

/// The source revision in `eosc_perf_build_info`: `EOSC_PERF_REVISION` at compile time.
pub const REVISION: &str = match option_env!("EOSC_PERF_REVISION") {
    Some(revision) => revision,
    None => "unknown",
};

/// Where the scrape-time series are read.
pub struct Sources {
    /// The pool (connections, acquire samples, outbox backlog).
    pub db: DatabaseConnection,
    /// The mail deliverer's counters.
    pub mail: Arc<DeliveryCounters>,
    /// Every cache, by its `cache` label.
    pub caches: Vec<(&'static str, Arc<CacheStats>)>,
    /// The pools, when a hot standby is configured (its series).
    pub standby: Option<infra::ReadPools>,
}

/// Every series of one application.
pub struct Metrics {
    registry: Registry,
    /// HTTP requests (recorded by `api::observe`).
    pub http: api::observe::HttpMetrics,
    /// Calls to OIDC providers (recorded by the auth adapter).
    pub oidc: auth::OidcMetrics,
    pool_connections: IntGaugeVec,
    pool_max: IntGauge,
    pool_acquire: Histogram,
    outbox_queued: IntGauge,
    outbox_oldest_age: Gauge,
    mail_delivered: IntCounter,
    mail_failed: IntCounter,
    cache_hits: IntCounterVec,
    cache_misses: IntCounterVec,
    cache_bytes: IntGaugeVec,
    /// The hot standby's series, once [`Metrics::track_standby`] registered them.
    standby: Option<crate::standby::StandbyMetrics>,
    /// Serialises the copying of counters read from outside (two scrapes must not both add).
    copying: Mutex<()>,
}

fn register<T: prometheus::core::Collector + Clone + 'static>(
    registry: &Registry,
    series: T,
) -> prometheus::Result<T> {
    registry.register(Box::new(series.clone()))?;
    Ok(series)
}

/// Brings a counter kept elsewhere up to `value` (both only grow).
fn copy_counter(counter: &IntCounter, value: u64) {
    counter.inc_by(value.saturating_sub(counter.get()));
}

fn gauge_value(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

impl Metrics {
    /// A fresh registry with every series; `eosc_perf_build_info` is set at once.
    ///
    /// # Errors
    /// Only on a duplicate series name (a bug).
    pub fn new() -> prometheus::Result<Self> {
        let r = Registry::new();
        let build_info = register(
            &r,
            IntGaugeVec::new(
                Opts::new(
                    "eosc_perf_build_info",
                    "Version and source revision of the running build (always 1).",
                ),
                &["version", "revision"],
            )?,
        )?;
        build_info.with_label_values(&[env!("CARGO_PKG_VERSION"), REVISION]).set(1);
        let pool_connections = IntGaugeVec::new(
            Opts::new("eosc_perf_db_pool_connections", "Open database connections by state (idle, busy)."),
            &["state"],
        )?;
        let pool_acquire = HistogramOpts::new(
            "eosc_perf_db_pool_acquire_seconds",
            "Time to get a connection from the pool (sampled acquire).",
        )
        .buckets(vec![0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0]);
        let cache = |name: &str, help: &str| Opts::new(name, help);
        Ok(Self {
            http: api::observe::HttpMetrics::registered(&r)?,
            oidc: auth::OidcMetrics::registered(&r)?,
            pool_connections: register(&r, pool_connections)?,
            pool_max: register(
                &r,
                IntGauge::new("eosc_perf_db_pool_max_connections", "The most connections the pool opens.")?,
            )?,
            pool_acquire: register(&r, Histogram::with_opts(pool_acquire)?)?,
            outbox_queued: register(
                &r,
                IntGauge::new("eosc_perf_mail_outbox_queued", "Mails waiting in the outbox (all replicas).")?,
            )?,
            outbox_oldest_age: register(
                &r,
                Gauge::new(
                    "eosc_perf_mail_outbox_oldest_age_seconds",
                    "Age of the oldest queued mail (0: none).",
                )?,
            )?,
            mail_delivered: register(
                &r,
                IntCounter::new("eosc_perf_mail_delivered_total", "Mails delivered by this process.")?,
            )?,
            mail_failed: register(
                &r,
                IntCounter::new("eosc_perf_mail_failed_total", "Failed delivery attempts of this process.")?,
            )?,
            cache_hits: register(
                &r,
                IntCounterVec::new(
                    cache("eosc_perf_cache_hits_total", "Lookups answered by a cache."),
                    &["cache"],
                )?,
            )?,
            cache_misses: register(
                &r,
                IntCounterVec::new(
                    cache("eosc_perf_cache_misses_total", "Lookups a cache had to compute."),
                    &["cache"],
                )?,
            )?,
            cache_bytes: register(
                &r,
                IntGaugeVec::new(
                    cache("eosc_perf_cache_bytes", "Estimated memory held by a cache."),
                    &["cache"],
                )?,
            )?,
            registry: r,
            standby: None,
            copying: Mutex::new(()),
        })
    }

    /// Registers the hot standby's series (when `DATABASE_READ_URL` is set).
    ///
    /// # Errors
    /// When they are registered twice.
    pub fn track_standby(&mut self) -> prometheus::Result<()> {
        self.standby = Some(crate::standby::StandbyMetrics::registered(&self.registry)?);
        Ok(())
    }

    /// Records how long getting a connection took.
    pub fn observe_acquire(&self, waited: Duration) {
        self.pool_acquire.observe(waited.as_secs_f64());
    }

    /// Samples the acquire time once.
    pub async fn sample_acquire(&self, db: &DatabaseConnection) {
        if let Some(waited) = infra::pool::timed_acquire(db).await {
            self.observe_acquire(waited);
        }
    }

    /// Reads the scrape-time series from `sources`, then renders every series in the
    /// Prometheus text format.
    ///
    /// # Errors
    /// When encoding fails (it does not for these series).
    pub async fn render(&self, sources: &Sources) -> prometheus::Result<String> {
        self.sample_acquire(&sources.db).await;
        match tokio::time::timeout(BACKLOG_TIMEOUT, infra::outbox::backlog(&sources.db)).await {
            Ok(Ok(backlog)) => {
                self.outbox_queued.set(gauge_value(backlog.queued));
                let age = backlog
                    .oldest
                    .map(|oldest| (chrono::Utc::now() - oldest).num_milliseconds() as f64 / 1000.0);
                self.outbox_oldest_age.set(age.unwrap_or(0.0).max(0.0));
            }
            Ok(Err(e)) => tracing::debug!(error = %e, "metrics: outbox backlog unavailable: {e}"),
            Err(_) => tracing::debug!("metrics: outbox backlog query exceeded {BACKLOG_TIMEOUT:?}"),
        }
        if let (Some(series), Some(reads)) = (&self.standby, &sources.standby) {
            series.update(reads).await;
        }
        self.copy_from(sources);
        let mut text = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut text)?;
        String::from_utf8(text).map_err(|e| prometheus::Error::Msg(e.to_string()))
    }

    /// The series owned elsewhere: pool connections, delivery counters, caches.
    fn copy_from(&self, sources: &Sources) {
        let pool = infra::pool::status(&sources.db);
        self.pool_connections.with_label_values(&["idle"]).set(i64::from(pool.idle));
        self.pool_connections.with_label_values(&["busy"]).set(i64::from(pool.busy()));
        self.pool_max.set(i64::from(pool.max));
        let _copying = self.copying.lock().unwrap_or_else(PoisonError::into_inner);
        copy_counter(&self.mail_delivered, sources.mail.delivered());
        copy_counter(&self.mail_failed, sources.mail.failed());
        for (name, stats) in &sources.caches {
            let now = stats.snapshot();
            copy_counter(&self.cache_hits.with_label_values(&[name]), now.hits);
            copy_counter(&self.cache_misses.with_label_values(&[name]), now.misses);
            self.cache_bytes.with_label_values(&[name]).set(gauge_value(now.bytes));
        }
    }
}

/// What `GET /metrics` needs.
pub struct MetricsEndpoint {
    /// The series.
    pub metrics: Arc<Metrics>,
    /// Where scrape-time series are read.
    pub sources: Sources,
}

/// Registers `GET /metrics` serving `endpoint`.
pub fn route(endpoint: &web::Data<MetricsEndpoint>) -> impl FnOnce(&mut web::ServiceConfig) + use<> {
    let endpoint = endpoint.clone();
    move |cfg| {
        cfg.app_data(endpoint).route("/metrics", web::get().to(render_metrics));
    }
}

async fn render_metrics(endpoint: web::Data<MetricsEndpoint>) -> HttpResponse {
    match endpoint.metrics.render(&endpoint.sources).await {
        Ok(text) => HttpResponse::Ok().content_type(TextEncoder::new().format_type()).body(text),
        Err(e) => {
            tracing::error!(error = %e, "rendering metrics failed: {e}");
            api::error::bare(StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}
