//! `GET /metrics`: the Prometheus text format, on the main address or, with `METRICS_BIND`,
//! only on its own; HTTP series by route template; probes not counted.

use eosc_perf_tests::{
    Backend, TestApp,
    app::{bare, send_raw},
    backend_test, backend_test_with,
    metrics::value,
    spawn_app_with,
};
use reqwest::{Method, StatusCode};

/// `GET /metrics` on `base`: the exposition text (checked to be the text format).
pub async fn scrape_at(app: &TestApp, base: &str) -> String {
    let resp = send_raw(app.client.get(format!("{base}/metrics"))).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text);
    let content_type = resp.header("content-type").unwrap_or_default();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    resp.text
}

/// `GET /metrics` on the main address.
pub async fn scrape(app: &TestApp) -> String {
    scrape_at(app, &app.address).await
}

const FIXED_NAMES: [&str; 18] = [
    "eosc_perf_http_requests_total",
    "eosc_perf_http_request_duration_seconds_bucket",
    "eosc_perf_http_requests_in_flight",
    "eosc_perf_db_pool_connections",
    "eosc_perf_db_pool_max_connections",
    "eosc_perf_db_pool_acquire_seconds_bucket",
    "eosc_perf_mail_outbox_queued",
    "eosc_perf_mail_outbox_oldest_age_seconds",
    "eosc_perf_mail_delivered_total",
    "eosc_perf_mail_failed_total",
    "eosc_perf_cache_hits_total",
    "eosc_perf_cache_misses_total",
    "eosc_perf_cache_bytes",
    "eosc_perf_oidc_requests_total",
    "eosc_perf_oidc_request_duration_seconds_bucket",
    "eosc_perf_build_info",
    "eosc_perf_http_request_duration_seconds_count",
    "eosc_perf_db_pool_acquire_seconds_count",
];

backend_test!(every_series_of_the_dashboard_is_exported, |app| {
    let user = app.registered("metered").await;
    app.call(Method::GET, "/users/self", Some(&user.token), None).await;
    let text = scrape(&app).await;
    for name in FIXED_NAMES {
        assert!(text.lines().any(|l| l.starts_with(name)), "{name} missing:\n{text}");
    }
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(value(&text, "eosc_perf_build_info", &[("version", version)]), Some(1.0));
    assert_eq!(value(&text, "eosc_perf_db_pool_max_connections", &[]), Some(16.0));
    let idle = value(&text, "eosc_perf_db_pool_connections", &[("state", "idle")]).unwrap();
    let busy = value(&text, "eosc_perf_db_pool_connections", &[("state", "busy")]).unwrap();
    assert!(idle + busy >= 1.0, "idle {idle} busy {busy}");
    assert!(value(&text, "eosc_perf_db_pool_acquire_seconds_count", &[]).unwrap() >= 1.0);
});

backend_test!(requests_are_counted_by_route_template_method_and_status, |app| {
    let id = uuid::Uuid::new_v4();
    for _ in 0..2 {
        assert_eq!(app.get(&format!("/results/{id}")).await.0, StatusCode::NOT_FOUND);
    }
    assert_eq!(app.get("/tags").await.0, StatusCode::OK);
    assert_eq!(send_raw(app.request(Method::HEAD, "/tags")).await.status, StatusCode::OK);
    assert_eq!(app.get("/no/such/thing").await.0, StatusCode::NOT_FOUND);
    let text = scrape(&app).await;
    assert!(!text.contains(&id.to_string()), "a raw path became a label");
    let count = |method, route, status| {
        value(
            &text,
            "eosc_perf_http_requests_total",
            &[("method", method), ("route", route), ("status", status)],
        )
    };
    assert_eq!(count("GET", "/results/{result_id}", "404"), Some(2.0));
    assert_eq!(count("GET", "/tags", "200"), Some(1.0));
    assert_eq!(count("HEAD", "/tags", "200"), Some(1.0));
    assert_eq!(count("GET", "unmatched", "404"), Some(1.0));
    let timed = [("method", "GET"), ("route", "/results/{result_id}")];
    assert_eq!(value(&text, "eosc_perf_http_request_duration_seconds_count", &timed), Some(2.0));
    assert_eq!(
        value(&text, "eosc_perf_http_requests_in_flight", &[]),
        Some(0.0),
        "a scrape is no API request"
    );
});

backend_test!(probes_are_not_counted_as_api_requests, |app| {
    <migration::Migrator as migration::MigratorTrait>::down(&app.db, Some(1)).await.unwrap();
    assert_eq!(app.get("/health/ready").await.0, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(app.get("/health/live").await.0, StatusCode::OK);
    scrape(&app).await;
    let text = scrape(&app).await;
    for route in ["/health/ready", "/health/live", "/metrics"] {
        assert!(!text.contains(&format!("route=\"{route}\"")), "{route} counted:\n{text}");
    }
    assert!(!text.contains("status=\"503\""), "a failing readiness counted as an API error");
});

backend_test_with!(with_metrics_bind_the_main_address_does_not_serve_metrics, |backend| {
    let Some(app) = spawn_app_with(backend, &[("METRICS_BIND", "127.0.0.1:0")]).await else { return };
    let metrics = app.metrics_address.clone().expect("a metrics address");
    assert_ne!(metrics, app.address);
    let (status, body) = app.get("/metrics").await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
    assert_eq!(app.get("/tags").await.0, StatusCode::OK);
    let text = scrape_at(&app, &metrics).await;
    let tags = [("method", "GET"), ("route", "/tags"), ("status", "200")];
    assert_eq!(value(&text, "eosc_perf_http_requests_total", &tags), Some(1.0));
    assert_eq!(value(&text, "eosc_perf_http_requests_total", &[("status", "404")]), Some(1.0), "{text}");
    let other = send_raw(app.client.get(format!("{metrics}/tags"))).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_metrics_bind_there_is_no_metrics_address() {
    let app = eosc_perf_tests::spawn_app(Backend::Sqlite).await.expect("sqlite app");
    assert!(app.metrics_address.is_none());
}
