//! How the mail outbox is emptied: a committed mail is sent at once (the deliverer is woken,
//! not polled) over SMTP connections that are kept for the next mails, several deliverers on
//! one database send each mail exactly once, and a mail leased by a replica that crashed is
//! sent when its lease ends, not before.
//!
//! The bounds below are generous limits against hanging, not performance figures (those are
//! measured by `bench/src/bin/mailbench.rs`).

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::{
    collections::HashSet,
    time::{Duration, Instant},
};

use chrono::Utc;
use domain::mail::OutboundMail;
use eosc_perf_tests::{TestApp, backend_test_with, smtp::ReceivedMail, spawn_app_with};
use futures::future::join_all;
use infra::{
    entity::mail_outbox,
    outbox::{self, MailConfig, MailDeliverer, MailSignal},
};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait, sea_query::Expr};

const FROM: &str = "perf@example.org";

fn mail(subject: &str) -> OutboundMail {
    OutboundMail {
        to: vec!["bulk@example.org".into()],
        cc: vec![],
        subject: subject.to_owned(),
        headers: vec![],
        body: "queued by another replica".into(),
    }
}

/// Queues `n` mails in one transaction, as another replica would (this app is not woken).
async fn queue_elsewhere(app: &TestApp, prefix: &str, n: usize) {
    let txn = app.db.begin().await.unwrap();
    for i in 0..n {
        outbox::enqueue(&txn, &mail(&format!("{prefix} {i}"))).await.unwrap();
    }
    txn.commit().await.unwrap();
}

fn with_subject(mails: &[ReceivedMail], subject: &str) -> usize {
    mails.iter().filter(|m| m.subject() == subject).count()
}

backend_test_with!(a_committed_mail_is_sent_at_once_not_at_the_next_poll, |backend| {
    let Some(app) = spawn_app_with(backend, &[("MAIL_POLL_SECONDS", "3600")]).await else { return };
    let alice = app.registered("alice").await;
    assert_eq!(app.mails(1).await.len(), 1, "the welcome mail");
    // The deliverer now waits for a wake-up: an hour-long poll would find nothing in time.
    let site = app.create_site(&alice, "kit").await;
    let site = site["id"].as_str().unwrap();
    let mails = app.smtp.wait_for(2, Duration::from_secs(20)).await;
    assert_eq!(mails.len(), 2, "the submission mail was sent without a poll");
    assert_eq!(with_subject(&mails, &format!("New site resource submitted: {site}")), 1);

    let admin = app.admin("root").await;
    let (status, _) =
        app.call(Method::POST, &format!("/sites/{site}:approve"), Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let mails = app.smtp.wait_for(4, Duration::from_secs(20)).await;
    assert_eq!(with_subject(&mails, &format!("Resource approved: {site}")), 1, "sent without a poll");
});

backend_test_with!(two_deliverers_on_one_database_send_each_mail_exactly_once, |backend| {
    let Some(app) = spawn_app_with(backend, &[("MAIL_POLL_SECONDS", "0.02")]).await else { return };
    let config = MailConfig {
        server: Some("127.0.0.1".into()),
        port: app.smtp.port(),
        from: FROM.into(),
        poll_interval: Duration::from_millis(10),
        concurrency: 4,
        ..MailConfig::default()
    };
    let other_replica = MailSignal::new();
    let second = tokio::spawn(MailDeliverer::new(app.db.clone(), config, other_replica.clone()).run());

    // Registrations wake this app's deliverer; bulk mails wake the other one. Both also poll.
    let registrations = join_all((0..20).map(|i| {
        let app = &app;
        async move { app.registered(&format!("user{i}")).await }
    }));
    let bulk = async {
        for batch in 0..20 {
            queue_elsewhere(&app, &format!("bulk {batch}"), 10).await;
            other_replica.mail_committed();
        }
    };
    tokio::join!(registrations, bulk);

    let expected = 20 + 200;
    let deadline = Instant::now() + Duration::from_secs(60);
    while app.smtp.messages().len() < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Time for a duplicate to arrive.
    tokio::time::sleep(Duration::from_secs(1)).await;
    second.abort();
    let mails = app.smtp.messages();
    let ids: HashSet<String> = mails.iter().filter_map(|m| m.header("message-id")).collect();
    assert_eq!(ids.len(), expected, "every mail arrived");
    assert_eq!(mails.len(), expected, "no mail arrived twice");
    assert_eq!(mails.iter().filter(|m| m.subject().starts_with("bulk ")).count(), 200);
    assert_eq!(mail_outbox::Entity::find().count(&app.db).await.unwrap(), 0, "the outbox is empty");
});

backend_test_with!(a_mail_leased_by_a_crashed_replica_is_sent_when_its_lease_ends, |backend| {
    let Some(app) = spawn_app_with(backend, &[("MAIL_POLL_SECONDS", "0.05")]).await else { return };
    let txn = app.db.begin().await.unwrap();
    outbox::enqueue(&txn, &mail("orphan")).await.unwrap();
    mail_outbox::Entity::update_many()
        .col_expr(mail_outbox::Column::ClaimedBy, Expr::value("crashed-replica/1"))
        .col_expr(mail_outbox::Column::ClaimedUntil, Expr::value(Utc::now() + chrono::Duration::seconds(4)))
        .filter(mail_outbox::Column::Subject.eq("orphan"))
        .exec(&txn)
        .await
        .unwrap();
    txn.commit().await.unwrap();

    // About 40 polls later the lease still holds.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(with_subject(&app.smtp.messages(), "orphan"), 0, "sent while another replica held it");

    let mails = app.smtp.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(with_subject(&mails, "orphan"), 1, "sent once the lease ended");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(app.smtp.messages().len(), 1, "and only once");
});

backend_test_with!(mails_reuse_their_smtp_connections, |backend| {
    let Some(app) = spawn_app_with(backend, &[("MAIL_CONCURRENCY", "2")]).await else { return };
    queue_elsewhere(&app, "first", 1).await;
    app.registered("alice").await;
    app.mails(2).await;
    for round in 0..5 {
        queue_elsewhere(&app, &format!("round {round}"), 6).await;
        app.registered(&format!("user{round}")).await;
        app.smtp.wait_for(2 + 7 * (round + 1), Duration::from_secs(20)).await;
    }
    assert_eq!(app.smtp.messages().len(), 37);
    let connections = app.smtp.connections();
    assert!(connections <= 2, "37 mails over at most MAIL_CONCURRENCY connections, not {connections}");
});
