//! The series read from their owners: caches, OIDC calls, the mail outbox and deliveries.

use eosc_perf_tests::{backend_test, metrics::value};
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{health::queue_old_mail, metrics::scrape};
use crate::results::{fixture, upload};

fn cache(text: &str, name: &str, cache: &str) -> f64 {
    value(text, name, &[("cache", cache)])
        .unwrap_or_else(|| panic!("{name}{{cache={cache}}} missing:\n{text}"))
}

backend_test!(cache_lookups_and_bytes_are_counted_for_each_cache, |app| {
    let f = fixture(&app).await;
    for time in [1, 2] {
        let (status, body) = upload(&app, &f, json!({"time": time}), "2020-01-01T00:00:00+00:00").await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // Two spellings of one query: the second misses the byte cache of answers (its key is the
    // request as sent) but hits the repository's cache of result pages.
    for path in ["/results", "/results?page=1"] {
        assert_eq!(app.get(path).await.0, StatusCode::OK);
    }
    let text = scrape(&app).await;
    assert_eq!(cache(&text, "eosc_perf_cache_misses_total", "schemas"), 1.0);
    assert_eq!(cache(&text, "eosc_perf_cache_hits_total", "schemas"), 1.0);
    assert!(cache(&text, "eosc_perf_cache_bytes", "schemas") > 0.0);
    assert!(cache(&text, "eosc_perf_cache_hits_total", "result_pages") >= 1.0);
    assert!(cache(&text, "eosc_perf_cache_misses_total", "result_pages") >= 1.0);
    assert!(cache(&text, "eosc_perf_cache_bytes", "result_pages") > 1000.0, "two results of ~1 KB");
    // Each of the fixture's calls after the first with the same token was remembered.
    assert!(cache(&text, "eosc_perf_cache_hits_total", "auth_tokens") >= 2.0);
    assert!(cache(&text, "eosc_perf_cache_misses_total", "auth_tokens") >= 2.0, "two users");
    assert!(cache(&text, "eosc_perf_cache_bytes", "auth_tokens") > 0.0);
});

backend_test!(oidc_calls_are_counted_by_endpoint_and_outcome_and_timed, |app| {
    let user = app.user("caller");
    let (status, _) = app.call(Method::POST, "/users:register", Some(&user.token), None).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = app.call(Method::GET, "/users/self", Some("unknown-token"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let text = scrape(&app).await;
    let calls = |endpoint, outcome| {
        value(&text, "eosc_perf_oidc_requests_total", &[("endpoint", endpoint), ("outcome", outcome)])
    };
    assert_eq!(calls("discovery", "ok"), Some(1.0), "discovery is fetched once:\n{text}");
    assert_eq!(calls("userinfo", "ok"), Some(1.0));
    assert_eq!(calls("userinfo", "client_error"), Some(1.0), "the unknown token was refused");
    let timed = value(&text, "eosc_perf_oidc_request_duration_seconds_count", &[("endpoint", "userinfo")]);
    assert_eq!(timed, Some(2.0));
});

backend_test!(mail_deliveries_and_the_outbox_backlog_are_exported, |app| {
    app.registered("welcomed").await;
    app.mails(1).await;
    queue_old_mail(&app.db, 300).await;
    // The deliverer records a delivery right after the SMTP answer and then removes the mail
    // from the outbox; give it a moment to do both (on a busy machine the two are apart).
    let mut text = scrape(&app).await;
    for _ in 0..50 {
        if value(&text, "eosc_perf_mail_delivered_total", &[]) == Some(1.0)
            && value(&text, "eosc_perf_mail_outbox_queued", &[]) == Some(1.0)
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        text = scrape(&app).await;
    }
    // On a mismatch, say what the sink received (a second copy of the welcome mail would be a
    // duplicate delivery, another mail a stray one).
    let received: Vec<String> = app
        .smtp
        .messages()
        .iter()
        .map(|m| {
            format!("to {:?}: {:?}", m.recipients, m.headers().into_iter().find(|(k, _)| k == "Subject"))
        })
        .collect();
    assert_eq!(
        value(&text, "eosc_perf_mail_delivered_total", &[]),
        Some(1.0),
        "sink received {received:?}\n{text}"
    );
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(value(&text, "eosc_perf_mail_failed_total", &[]), Some(0.0));
    assert_eq!(value(&text, "eosc_perf_mail_outbox_queued", &[]), Some(1.0));
    let age = value(&text, "eosc_perf_mail_outbox_oldest_age_seconds", &[]).unwrap();
    assert!((299.0..400.0).contains(&age), "{age}");
});
