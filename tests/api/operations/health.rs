//! `/health/live` and `/health/ready`: no token, the readiness checks, their place in the spec.

use eosc_perf_tests::{app::send_raw, backend_test};
use migration::MigratorTrait;
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use serde_json::{Value, json};

/// Queues a mail `age_seconds` old whose next attempt is a day away (the deliverer leaves it).
pub async fn queue_old_mail(db: &DatabaseConnection, age_seconds: i64) {
    use infra::entity::mail_outbox;
    let now = chrono::Utc::now();
    mail_outbox::ActiveModel {
        id: Set(uuid::Uuid::new_v4()),
        recipients: Set("[]".into()),
        cc: Set("[]".into()),
        subject: Set("queued".into()),
        headers: Set("[]".into()),
        body: Set("body".into()),
        attempts: Set(1),
        next_attempt_at: Set(now + chrono::Duration::days(1)),
        created_at: Set(now - chrono::Duration::seconds(age_seconds)),
        last_error: Set(None),
        claimed_by: Set(None),
        claimed_until: Set(None),
    }
    .insert(db)
    .await
    .expect("queue a mail");
}

backend_test!(liveness_and_readiness_answer_200_without_a_token, |app| {
    let (status, body) = app.get("/health/live").await;
    assert_eq!((status, body), (StatusCode::OK, json!({"status": "alive"})));
    let (status, body) = app.call(Method::GET, "/health/ready", Some("not-a-token"), None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "ready");
    assert_eq!(body["database"]["status"], "ok");
    let latency = body["database"]["latency_seconds"].as_f64().expect("latency");
    assert!((0.0..1.0).contains(&latency), "{latency}");
    assert_eq!(body["migrations"], json!({"pending": 0, "status": "ok"}));
    assert_eq!(body["mail_outbox"], json!({"oldest_age_seconds": null, "queued": 0, "status": "ok"}));
});

backend_test!(readiness_is_503_while_a_migration_is_pending, |app| {
    migration::Migrator::down(&app.db, Some(1)).await.expect("roll back the last migration");
    let (status, body) = app.get("/health/ready").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["database"]["status"], "ok");
    assert_eq!(body["migrations"], json!({"pending": 1, "status": "pending"}));
    migration::Migrator::up(&app.db, None).await.expect("apply it again");
    let (status, body) = app.get("/health/ready").await;
    assert_eq!((status, &body["status"]), (StatusCode::OK, &json!("ready")), "{body}");
});

backend_test!(readiness_reports_the_oldest_queued_mail_without_failing, |app| {
    let now = chrono::Utc::now();
    queue_old_mail(&app.db, 120).await;
    let (status, body) = app.get("/health/ready").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["mail_outbox"]["queued"], 1);
    let age = body["mail_outbox"]["oldest_age_seconds"].as_f64().expect("age");
    let upper = (chrono::Utc::now() - now).num_seconds() as f64 + 121.0;
    assert!((119.0..=upper).contains(&age), "{age}");
});

backend_test!(health_probes_answer_head_and_options, |app| {
    let head = send_raw(app.request(Method::HEAD, "/health/live")).await;
    assert_eq!((head.status, head.text.as_str()), (StatusCode::OK, ""));
    let options = send_raw(app.request(Method::OPTIONS, "/health/ready")).await;
    assert_eq!(options.status, StatusCode::OK);
    assert_eq!(options.header("allow"), Some("GET, HEAD, OPTIONS"));
    let post = send_raw(app.request(Method::POST, "/health/live")).await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
});

backend_test!(the_spec_lists_the_health_probes_under_their_tag_without_security, |app| {
    let (_, spec) = app.get("/api-spec.json").await;
    for (path, id) in [("/health/live", "GetLiveness"), ("/health/ready", "GetReadiness")] {
        let op = &spec["paths"][path]["get"];
        assert_eq!(op["operationId"], id);
        assert_eq!(op["tags"], json!(["health"]));
        assert_eq!(op["security"], json!([]), "{path} needs no token");
        assert!(op["responses"]["200"]["content"]["application/json"]["schema"].is_object());
    }
    let ready = &spec["paths"]["/health/ready"]["get"]["responses"];
    assert!(ready["503"].is_object());
    let tags: Vec<&Value> = spec["tags"].as_array().unwrap().iter().map(|t| &t["name"]).collect();
    assert!(tags.contains(&&json!("health")), "{tags:?}");
    assert!(spec["paths"].get("/metrics").is_none(), "/metrics is not an API operation");
});
