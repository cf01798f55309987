//! Calls to the OIDC providers, counted by endpoint and outcome and timed by endpoint, for
//! the server's Prometheus registry.

use std::time::Duration;

use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};

/// The provider endpoints the adapter calls (the `endpoint` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OidcEndpoint {
    /// `/.well-known/openid-configuration`.
    Discovery,
    /// The signing keys (`jwks_uri`).
    Jwks,
    /// `userinfo_endpoint`.
    Userinfo,
    /// `introspection_endpoint` (RFC 7662).
    Introspection,
}

impl OidcEndpoint {
    /// The label value.
    pub fn label(self) -> &'static str {
        match self {
            Self::Discovery => "discovery",
            Self::Jwks => "jwks",
            Self::Userinfo => "userinfo",
            Self::Introspection => "introspection",
        }
    }
}

/// How a call ended (the `outcome` label): `ok`, `client_error` (HTTP 4xx), `server_error`
/// (any other non-success status) or `transport_error` (no answer in time, connection
/// failure, undecodable body).
pub(crate) fn outcome_of(status: Option<reqwest::StatusCode>, decoded: bool) -> &'static str {
    match status {
        None => "transport_error",
        Some(s) if s.is_success() && decoded => "ok",
        Some(s) if s.is_success() => "transport_error",
        Some(s) if s.is_client_error() => "client_error",
        Some(_) => "server_error",
    }
}

/// `eosc_perf_oidc_requests_total{endpoint,outcome}` and
/// `eosc_perf_oidc_request_duration_seconds{endpoint}`. Clones share the series.
#[derive(Clone)]
pub struct OidcMetrics {
    requests: IntCounterVec,
    duration: HistogramVec,
}

impl OidcMetrics {
    /// New series, registered in `registry`.
    ///
    /// # Errors
    /// When `registry` already holds series of these names.
    pub fn registered(registry: &Registry) -> prometheus::Result<Self> {
        let metrics = Self::unregistered()?;
        registry.register(Box::new(metrics.requests.clone()))?;
        registry.register(Box::new(metrics.duration.clone()))?;
        Ok(metrics)
    }

    /// New series, registered nowhere (tests read them with [`OidcMetrics::count`]).
    ///
    /// # Errors
    /// Never in practice: the names and labels are constant and valid.
    pub fn unregistered() -> prometheus::Result<Self> {
        let requests = IntCounterVec::new(
            Opts::new("eosc_perf_oidc_requests_total", "Calls to OIDC providers by endpoint and outcome."),
            &["endpoint", "outcome"],
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "eosc_perf_oidc_request_duration_seconds",
                "Duration of calls to OIDC providers.",
            )
            .buckets(vec![0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
            &["endpoint"],
        )?;
        Ok(Self { requests, duration })
    }

    /// Records one call.
    pub(crate) fn observe(&self, endpoint: OidcEndpoint, outcome: &str, elapsed: Duration) {
        self.requests.with_label_values(&[endpoint.label(), outcome]).inc();
        self.duration.with_label_values(&[endpoint.label()]).observe(elapsed.as_secs_f64());
    }

    /// Calls counted so far for `endpoint` and `outcome`.
    pub fn count(&self, endpoint: OidcEndpoint, outcome: &str) -> u64 {
        self.requests.with_label_values(&[endpoint.label(), outcome]).get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_follow_the_status_class() {
        use reqwest::StatusCode;
        assert_eq!(outcome_of(Some(StatusCode::OK), true), "ok");
        assert_eq!(outcome_of(Some(StatusCode::OK), false), "transport_error");
        assert_eq!(outcome_of(Some(StatusCode::UNAUTHORIZED), false), "client_error");
        assert_eq!(outcome_of(Some(StatusCode::BAD_GATEWAY), false), "server_error");
        assert_eq!(outcome_of(None, false), "transport_error");
    }

    #[test]
    fn registered_series_are_exported() {
        let registry = Registry::new();
        let metrics = OidcMetrics::registered(&registry).unwrap();
        metrics.observe(OidcEndpoint::Userinfo, "ok", Duration::from_millis(20));
        assert_eq!(metrics.count(OidcEndpoint::Userinfo, "ok"), 1);
        let names: Vec<String> = registry.gather().iter().map(|f| f.name().to_owned()).collect();
        assert!(names.contains(&"eosc_perf_oidc_requests_total".to_owned()), "{names:?}");
    }
}
