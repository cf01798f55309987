//! Notification mails of the moderated catalog (§8): submitted, approved and rejected mails
//! with their envelope, Cc, subject and `Resource-ID`; no mail for PUT, DELETE or refused
//! requests; and mails queued during an SMTP outage are delivered once it is back.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use eosc_perf_tests::helpers::id_of;
use std::time::{Duration, Instant};

use eosc_perf_tests::{
    TestApp, TestUser,
    app::SUPPORT,
    backend_test, backend_test_with,
    smtp::{ReceivedMail, SmtpSink},
    spawn_app_with,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const WELCOME: &str = "Thank you for registering";
const FROM: &str = "perf@example.org";

fn schema() -> Value {
    json!({"type": "object"})
}

fn catalog(mails: Vec<ReceivedMail>) -> Vec<ReceivedMail> {
    mails.into_iter().filter(|m| m.subject() != WELCOME).collect()
}

/// Waits until `n` catalog mails (welcome mails left out) arrived on `sink`, then a little
/// longer so that a mail that should not exist has time to arrive; returns them all.
async fn settled(sink: &SmtpSink, n: usize) -> Vec<ReceivedMail> {
    let deadline = Instant::now() + Duration::from_secs(10);
    while catalog(sink.messages()).len() < n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    catalog(sink.messages())
}

/// The one mail with this subject.
fn with_subject<'a>(mails: &'a [ReceivedMail], subject: &str) -> &'a ReceivedMail {
    let found: Vec<&ReceivedMail> = mails.iter().filter(|m| m.subject() == subject).collect();
    let subjects: Vec<String> = mails.iter().map(ReceivedMail::subject).collect();
    assert_eq!(found.len(), 1, "exactly one mail {subject:?} among {subjects:?}");
    found[0]
}

/// A moderation mail: to the uploader, Cc support, with the subject and `Resource-ID`.
fn assert_moderation_mail(mail: &ReceivedMail, to: &TestUser, subject: &str, id: &str) {
    assert_eq!(mail.subject(), subject);
    assert_eq!(mail.from, FROM, "{subject}");
    assert_eq!(mail.recipients, vec![to.email.clone(), SUPPORT.to_owned()], "{subject}: envelope");
    assert_eq!(mail.header("to").as_deref(), Some(to.email.as_str()), "{subject}");
    assert_eq!(mail.header("cc").as_deref(), Some(SUPPORT), "{subject}");
    assert_eq!(mail.header("resource-id").as_deref(), Some(id), "{subject}");
    assert!(mail.body().contains(id), "{subject}: the body names the item: {}", mail.body());
}

/// A pending benchmark, site and flavor uploaded by `user`: `(kind, path segment, id)`.
async fn three_items(app: &TestApp, user: &TestUser) -> Vec<(&'static str, &'static str, String)> {
    let bench = id_of(&app.create_benchmark(user, "img", "1", schema()).await);
    let site = id_of(&app.create_site(user, "kit").await);
    let flavor = id_of(&app.create_flavor(user, &site, "m1").await);
    vec![("benchmark", "benchmarks", bench), ("site", "sites", site), ("flavor", "flavors", flavor)]
}

backend_test!(submitting_a_benchmark_site_or_flavor_mails_the_uploader_with_support_in_cc, |app| {
    let alice = app.registered("alice").await;
    let items = three_items(&app, &alice).await;
    let mails = settled(&app.smtp, 3).await;
    assert_eq!(
        mails.len(),
        3,
        "one mail per item: {:?}",
        mails.iter().map(ReceivedMail::subject).collect::<Vec<_>>()
    );
    for (kind, _, id) in &items {
        let subject = format!("New {kind} resource submitted: {id}");
        let mail = with_subject(&mails, &subject);
        assert_moderation_mail(mail, &alice, &subject, id);
        assert!(mail.body().to_lowercase().contains(kind), "the body names the kind: {}", mail.body());
    }
});

backend_test!(approving_an_item_mails_its_uploader_not_the_admin, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let items = three_items(&app, &alice).await;
    for (_, segment, id) in &items {
        let (status, body) =
            app.call(Method::POST, &format!("/{segment}/{id}:approve"), Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    }
    let mails = settled(&app.smtp, 6).await;
    assert_eq!(mails.len(), 6);
    for (_, _, id) in &items {
        let subject = format!("Resource approved: {id}");
        assert_moderation_mail(with_subject(&mails, &subject), &alice, &subject, id);
    }
    assert!(mails.iter().all(|m| !m.recipients.contains(&admin.email)), "the admin gets nothing");
});

backend_test!(rejecting_an_item_mails_its_uploader, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let items = three_items(&app, &alice).await;
    for (_, segment, id) in items.iter().rev() {
        let (status, body) =
            app.call(Method::POST, &format!("/{segment}/{id}:reject"), Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    }
    let mails = settled(&app.smtp, 6).await;
    assert_eq!(mails.len(), 6);
    for (_, _, id) in &items {
        let subject = format!("Resource rejected: {id}");
        assert_moderation_mail(with_subject(&mails, &subject), &alice, &subject, id);
    }
});

backend_test!(moderation_mails_go_to_each_items_own_uploader, |app| {
    let alice = app.registered("alice").await;
    let bob = app.registered("bob").await;
    let admin = app.admin("root").await;
    let site = id_of(&app.create_site(&alice, "kit").await);
    let flavor = id_of(&app.create_flavor(&bob, &site, "m1").await);
    for path in [format!("/sites/{site}:approve"), format!("/flavors/{flavor}:reject")] {
        let (status, _) = app.call(Method::POST, &path, Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    let mails = settled(&app.smtp, 4).await;
    assert_eq!(mails.len(), 4);
    let flavor_submitted = format!("New flavor resource submitted: {flavor}");
    assert_moderation_mail(with_subject(&mails, &flavor_submitted), &bob, &flavor_submitted, &flavor);
    let approved = format!("Resource approved: {site}");
    assert_moderation_mail(with_subject(&mails, &approved), &alice, &approved, &site);
    let rejected = format!("Resource rejected: {flavor}");
    assert_moderation_mail(with_subject(&mails, &rejected), &bob, &rejected, &flavor);
});

backend_test!(updates_and_deletes_send_no_mail, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let items = three_items(&app, &alice).await;
    assert_eq!(settled(&app.smtp, 3).await.len(), 3);
    let bodies = [
        json!({"docker_image": "img", "docker_tag": "1", "url": "changed", "json_schema": {}}),
        json!({"name": "kit", "address": "changed"}),
        json!({"name": "m2"}),
    ];
    for ((_, segment, id), body) in items.iter().zip(bodies) {
        let (status, resp) =
            app.call(Method::PUT, &format!("/{segment}/{id}"), Some(&admin.token), Some(body)).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{segment}: {resp}");
    }
    let second_site = id_of(&app.create_site(&alice, "second").await);
    let approved_flavor = id_of(&app.create_flavor(&alice, &second_site, "m1").await);
    for path in [format!("/sites/{second_site}:approve"), format!("/flavors/{approved_flavor}:approve")] {
        let (status, _) = app.call(Method::POST, &path, Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    assert_eq!(settled(&app.smtp, 7).await.len(), 7, "two submitted and two approved mails");
    for (_, segment, id) in items.iter().rev() {
        let (status, _) =
            app.call(Method::DELETE, &format!("/{segment}/{id}"), Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    let (status, _) =
        app.call(Method::DELETE, &format!("/sites/{second_site}"), Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "an approved site with an approved flavor");
    let mails = settled(&app.smtp, 7).await;
    assert_eq!(
        mails.len(),
        7,
        "no mail for PUT or DELETE: {:?}",
        mails.iter().map(ReceivedMail::subject).collect::<Vec<_>>()
    );
});

backend_test!(refused_requests_send_no_mail, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let bench = id_of(&app.create_benchmark(&alice, "img", "1", schema()).await);
    let site = id_of(&app.create_site(&alice, "kit").await);
    let flavor = id_of(&app.create_flavor(&alice, &site, "m1").await);
    let (status, _) =
        app.call(Method::POST, &format!("/benchmarks/{bench}:approve"), Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) =
        app.call(Method::POST, &format!("/flavors/{flavor}:reject"), Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(settled(&app.smtp, 5).await.len(), 5);
    let refused = [
        (
            Method::POST,
            "/benchmarks".to_owned(),
            Some(json!({"docker_image": "img", "docker_tag": "1", "url": "u", "json_schema": {}})),
            StatusCode::CONFLICT,
        ),
        (
            Method::POST,
            "/benchmarks".to_owned(),
            Some(json!({"docker_image": "img", "docker_tag": "2", "url": "u", "json_schema": {"type": "x"}})),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::POST,
            "/benchmarks".to_owned(),
            Some(json!({"docker_image": "img", "docker_tag": "missing", "url": "u", "json_schema": {}})),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::POST,
            "/sites".to_owned(),
            Some(json!({"name": "kit", "address": "a"})),
            StatusCode::CONFLICT,
        ),
        (Method::POST, "/sites".to_owned(), Some(json!({"name": "x"})), StatusCode::UNPROCESSABLE_ENTITY),
        (
            Method::POST,
            format!("/sites/{site}/flavors"),
            Some(json!({"name": "m2", "bad": 1})),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::POST,
            format!("/sites/{}/flavors", uuid::Uuid::new_v4()),
            Some(json!({"name": "m2"})),
            StatusCode::NOT_FOUND,
        ),
        (Method::POST, format!("/benchmarks/{bench}:approve"), None, StatusCode::UNPROCESSABLE_ENTITY),
        (Method::POST, format!("/benchmarks/{bench}:reject"), None, StatusCode::UNPROCESSABLE_ENTITY),
        (Method::POST, format!("/flavors/{flavor}:reject"), None, StatusCode::NOT_FOUND),
        (Method::POST, format!("/flavors/{flavor}:approve"), None, StatusCode::NOT_FOUND),
    ];
    app.add_registry_image("img", "2");
    for (method, path, body, expected) in refused {
        let token = if body.is_some() { &alice.token } else { &admin.token };
        let (status, resp) = app.call(method, &path, Some(token), body).await;
        assert_eq!(status, expected, "{path}: {resp}");
    }
    let (status, _) =
        app.call(Method::POST, &format!("/sites/{site}:approve"), Some(&alice.token), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mails = settled(&app.smtp, 5).await;
    assert_eq!(mails.len(), 5, "{:?}", mails.iter().map(ReceivedMail::subject).collect::<Vec<_>>());
});

backend_test!(rejecting_a_site_with_flavors_mails_only_the_site_uploader, |app| {
    let alice = app.registered("alice").await;
    let bob = app.registered("bob").await;
    let admin = app.admin("root").await;
    let site = id_of(&app.create_site(&alice, "kit").await);
    let approved = id_of(&app.create_flavor(&bob, &site, "approved").await);
    app.create_flavor(&bob, &site, "pending").await;
    let (status, _) =
        app.call(Method::POST, &format!("/flavors/{approved}:approve"), Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(settled(&app.smtp, 4).await.len(), 4);
    let (status, _) =
        app.call(Method::POST, &format!("/sites/{site}:reject"), Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let mails = settled(&app.smtp, 5).await;
    assert_eq!(mails.len(), 5, "{:?}", mails.iter().map(ReceivedMail::subject).collect::<Vec<_>>());
    let subject = format!("Resource rejected: {site}");
    assert_moderation_mail(with_subject(&mails, &subject), &alice, &subject, &site);
});

backend_test!(removing_a_user_with_catalog_items_sends_no_mail, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    three_items(&app, &alice).await;
    assert_eq!(settled(&app.smtp, 3).await.len(), 3);
    let (status, _) = app.call(Method::POST, "/users:remove?sub=alice", Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(settled(&app.smtp, 3).await.len(), 3, "no mail for a removal");
});

backend_test_with!(without_a_support_address_moderation_mails_have_no_cc, |backend| {
    let Some(app) = spawn_app_with(backend, &[("MAIL_SUPPORT", "")]).await else { return };
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let items = three_items(&app, &alice).await;
    for (n, (_, segment, id)) in items.iter().enumerate() {
        let verb = if n == 0 { "reject" } else { "approve" };
        let (status, _) =
            app.call(Method::POST, &format!("/{segment}/{id}:{verb}"), Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    let mails = settled(&app.smtp, 6).await;
    assert_eq!(mails.len(), 6);
    for mail in &mails {
        assert_eq!(mail.recipients, vec![alice.email.clone()], "{}", mail.subject());
        assert_eq!(mail.header("cc"), None, "{}: no empty Cc", mail.subject());
        assert_eq!(mail.header("to").as_deref(), Some(alice.email.as_str()));
        assert!(mail.header("resource-id").is_some());
    }
    let (_, _, bench) = &items[0];
    with_subject(&mails, &format!("Resource rejected: {bench}"));
});

backend_test_with!(mails_queued_while_the_smtp_server_is_down_arrive_when_it_is_back, |backend| {
    let Some(app) = spawn_app_with(backend, &[]).await else { return };
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    assert_eq!(app.mails(2).await.len(), 2, "the welcome mails went out");
    let port = app.smtp.port();
    app.smtp.stop();
    tokio::time::sleep(Duration::from_millis(100)).await;

    let started = Instant::now();
    let items = three_items(&app, &alice).await;
    let (_, _, bench) = &items[0];
    let (status, _) =
        app.call(Method::POST, &format!("/benchmarks/{bench}:approve"), Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the API does not wait for SMTP: {:?}",
        started.elapsed()
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(app.smtp.messages().len(), 2, "nothing could be delivered meanwhile");

    let sink = SmtpSink::start_on(port).await;
    let mails = settled(&sink, 4).await;
    let subjects: Vec<String> = mails.iter().map(ReceivedMail::subject).collect();
    assert_eq!(mails.len(), 4, "every queued mail arrives exactly once: {subjects:?}");
    for (kind, _, id) in &items {
        let subject = format!("New {kind} resource submitted: {id}");
        assert_moderation_mail(with_subject(&mails, &subject), &alice, &subject, id);
    }
    let approved = format!("Resource approved: {bench}");
    assert_moderation_mail(with_subject(&mails, &approved), &alice, &approved, bench);
});
