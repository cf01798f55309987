//! What operations see of each request: its id (`X-Request-Id`, accepted when safe, generated
//! otherwise, echoed on the answer), a log span carrying that id around everything the request
//! logs, one access log line, and the HTTP metrics. Installed outermost by the server, so it
//! sees every answer: unknown paths, wrong methods, OPTIONS and panics included.
//!
//! `/metrics` and `/health/*` are probes, not API traffic: they are neither counted nor timed
//! (a failing readiness check must not show as an API error) and log at debug level.

use std::time::{Duration, Instant};

use actix_web::{
    Error,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{Method, header::HeaderValue},
    middleware::Next,
};
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry};
use tracing::Instrument;

/// The request id header (request and response).
pub const REQUEST_ID: &str = "x-request-id";

/// The longest request id accepted from a client.
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// The `route` label of a request that matched no route (never the raw path: unbounded).
pub const UNMATCHED_ROUTE: &str = "unmatched";

/// The client's request id when it is a safe token: 1 to [`MAX_REQUEST_ID_LEN`] ASCII
/// letters, digits, `-`, `_`, `.` or `:` (nothing that could forge a log line or a header).
pub fn accepted_request_id(value: &HeaderValue) -> Option<&str> {
    let id = value.to_str().ok()?;
    let safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':');
    (!id.is_empty() && id.len() <= MAX_REQUEST_ID_LEN && id.chars().all(safe)).then_some(id)
}

/// The HTTP series: `eosc_perf_http_requests_total{method,route,status}`,
/// `eosc_perf_http_request_duration_seconds{method,route}` and
/// `eosc_perf_http_requests_in_flight`. Clones share the series.
#[derive(Clone)]
pub struct HttpMetrics {
    requests: IntCounterVec,
    duration: HistogramVec,
    in_flight: IntGauge,
}

impl HttpMetrics {
    /// New series, registered in `registry`.
    ///
    /// # Errors
    /// When `registry` already holds series of these names.
    pub fn registered(registry: &Registry) -> prometheus::Result<Self> {
        let requests = IntCounterVec::new(
            Opts::new("eosc_perf_http_requests_total", "HTTP requests by method, route template and status."),
            &["method", "route", "status"],
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new("eosc_perf_http_request_duration_seconds", "HTTP request duration.")
                .buckets(vec![0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
            &["method", "route"],
        )?;
        let in_flight = IntGauge::new("eosc_perf_http_requests_in_flight", "HTTP requests being served.")?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(duration.clone()))?;
        registry.register(Box::new(in_flight.clone()))?;
        Ok(Self { requests, duration, in_flight })
    }

    fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.requests.with_label_values(&[method, route, &status.to_string()]).inc();
        self.duration.with_label_values(&[method, route]).observe(elapsed.as_secs_f64());
    }
}

/// Counts a request in flight until dropped (also when the request is cancelled).
struct InFlight(Option<IntGauge>);

impl InFlight {
    fn start(gauge: Option<&IntGauge>) -> Self {
        if let Some(gauge) = gauge {
            gauge.inc();
        }
        Self(gauge.cloned())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(gauge) = &self.0 {
            gauge.dec();
        }
    }
}

/// The `method` label: the standard methods by name, anything else as `other` (bounded).
fn method_label(method: &Method) -> &'static str {
    const KNOWN: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"];
    KNOWN.iter().copied().find(|known| *known == method.as_str()).unwrap_or("other")
}

/// Probes, not API traffic (a path, or the route template it matched).
fn is_probe(path: &str) -> bool {
    path == "/metrics" || path.starts_with("/health/")
}

/// The middleware (`actix_web::middleware::from_fn(observe::request)`); the metrics come from
/// the app data ([`HttpMetrics`]), and without them requests are only logged.
///
/// # Errors
/// Those of the inner middleware, passed on (logged).
pub async fn request(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let started = Instant::now();
    let id = match req.headers().get(REQUEST_ID).and_then(accepted_request_id) {
        Some(id) => id.to_owned(),
        None => uuid::Uuid::new_v4().to_string(),
    };
    let method = method_label(req.method());
    let metrics = req.app_data::<HttpMetrics>().cloned();
    let in_flight = InFlight::start(metrics.as_ref().filter(|_| !is_probe(req.path())).map(|m| &m.in_flight));
    let span = tracing::info_span!("request", request_id = %id);
    // No clone of the request may be kept across this call: the inner middleware rewrite its
    // head, which needs the only reference.
    let mut res = match next.call(req).instrument(span.clone()).await {
        Ok(res) => res.map_into_boxed_body(),
        Err(e) => {
            // Only a middleware fails this way (handler errors are responses by now); actix
            // renders it. Logged, not counted: there is no request left to name the route.
            let status = e.as_response_error().status_code().as_u16();
            span.in_scope(|| {
                tracing::warn!(http.method = method, http.status = status, "{method} failed: {e}")
            });
            return Err(e);
        }
    };
    drop(in_flight);
    let elapsed = started.elapsed();
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(actix_web::http::header::HeaderName::from_static(REQUEST_ID), value);
    }
    // Read after the inner services ran: the path is then the one routing saw (prefix
    // stripped, slashes merged).
    let path = res.request().path().to_owned();
    let route = res.request().match_pattern();
    let status = res.status().as_u16();
    let millis = elapsed.as_secs_f64() * 1000.0;
    // A probe is a request routed to one: `/metrics` where it is not served is any unknown path.
    let probe = route.as_deref().is_some_and(is_probe);
    span.in_scope(|| {
        if probe {
            tracing::debug!(http.method = method, http.path = %path, http.status = status, "{method} {path} {status} {millis:.1} ms");
        } else {
            tracing::info!(http.method = method, http.path = %path, http.status = status, "{method} {path} {status} {millis:.1} ms");
        }
    });
    if let Some(metrics) = metrics.filter(|_| !probe) {
        metrics.record(method, route.as_deref().unwrap_or(UNMATCHED_ROUTE), status, elapsed);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_request_ids_are_accepted() {
        let ok = HeaderValue::from_static("abc-123_X.y:z");
        assert_eq!(accepted_request_id(&ok), Some("abc-123_X.y:z"));
        for bad in ["", "a b", "a\"b", "a/b", "ä"] {
            let value = HeaderValue::from_bytes(bad.as_bytes()).unwrap();
            assert_eq!(accepted_request_id(&value), None, "{bad:?}");
        }
        let long = HeaderValue::from_str(&"a".repeat(MAX_REQUEST_ID_LEN + 1)).unwrap();
        assert_eq!(accepted_request_id(&long), None);
        let longest = HeaderValue::from_str(&"a".repeat(MAX_REQUEST_ID_LEN)).unwrap();
        assert!(accepted_request_id(&longest).is_some());
    }

    #[test]
    fn unknown_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
    }
}
