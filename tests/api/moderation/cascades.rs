//! Submits and items when what they belong to is decided or deleted.

use super::*;

backend_test!(a_submit_disappears_when_its_item_is_approved_rejected_or_deleted, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let site = id_of(&app.create_site(&alice, "kit").await);
    let mut items = vec![
        ("benchmarks", "benchmark", id_of(&app.create_benchmark(&alice, "img", "approve", schema()).await)),
        ("benchmarks", "benchmark", id_of(&app.create_benchmark(&alice, "img", "reject", schema()).await)),
        ("benchmarks", "benchmark", id_of(&app.create_benchmark(&alice, "img", "delete", schema()).await)),
    ];
    for name in ["approve", "reject", "delete"] {
        items.push(("flavors", "flavor", id_of(&app.create_flavor(&alice, &site, name).await)));
    }
    for name in ["approve-site", "reject-site", "delete-site"] {
        items.push(("sites", "site", id_of(&app.create_site(&alice, name).await)));
    }
    let mut remaining: Vec<(String, String)> =
        items.iter().map(|(_, kind, id)| pair(kind, id)).chain([pair("site", &site)]).collect();
    remaining.sort();
    assert_eq!(submit_set(&app, &admin, "").await, remaining);
    for (n, (segment, kind, id)) in items.iter().enumerate() {
        let (method, path) = match n % 3 {
            0 => (Method::POST, format!("/{segment}/{id}:approve")),
            1 => (Method::POST, format!("/{segment}/{id}:reject")),
            _ => (Method::DELETE, format!("/{segment}/{id}")),
        };
        let (status, body) = app.call(method, &path, Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{path}: {body}");
        remaining.retain(|p| p != &pair(kind, id));
        assert_eq!(submit_set(&app, &admin, "").await, remaining, "after {path}");
    }
    assert_eq!(remaining, [pair("site", &site)]);
    let approved = &items[0].2;
    let (status, _) =
        app.call(Method::DELETE, &format!("/benchmarks/{approved}"), Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "approved items can be deleted");
    assert_eq!(submit_set(&app, &admin, "").await, remaining);
});

/// A site with an approved and a pending flavor (by another user), plus a site that stays.
async fn site_with_flavors(app: &TestApp) -> (String, String, String, String, String) {
    let alice = app.registered("alice").await;
    let bob = app.registered("bob").await;
    let site = id_of(&app.create_site(&alice, "doomed").await);
    let approved = id_of(&app.create_flavor(&bob, &site, "approved").await);
    app.approve("flavor", &approved).await;
    let pending = id_of(&app.create_flavor(&bob, &site, "pending").await);
    let other_site = id_of(&app.create_site(&bob, "survivor").await);
    let other_flavor = id_of(&app.create_flavor(&bob, &other_site, "approved").await);
    (site, approved, pending, other_site, other_flavor)
}

backend_test!(rejecting_a_site_deletes_its_flavors_even_approved_ones_and_their_submits, |app| {
    let (site, approved, pending, other_site, other_flavor) = site_with_flavors(&app).await;
    let admin = app.admin("root").await;
    let (status, body) =
        app.call(Method::POST, &format!("/sites/{site}:reject"), Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    for path in [
        format!("/sites/{site}"),
        format!("/flavors/{approved}"),
        format!("/flavors/{pending}"),
        format!("/flavors/{approved}/site"),
    ] {
        assert_eq!(status_of(&app, &path).await, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, body) = app.get(&format!("/sites/{site}/flavors")).await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, handler_error(404, &format!("Record {site} not found in the database")))
    );
    assert_eq!(
        submit_set(&app, &admin, "").await,
        sorted(vec![pair("site", &other_site), pair("flavor", &other_flavor)]),
        "the submits of the site and its flavors are gone"
    );
    assert_eq!(status_of(&app, &format!("/flavors/{other_flavor}")).await, StatusCode::OK);
    let bob = app.user("bob");
    let (status, _) = app
        .call(
            Method::POST,
            &format!("/sites/{other_site}/flavors"),
            Some(&bob.token),
            Some(json!({"name": "pending"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
});

backend_test!(deleting_a_site_deletes_its_flavors_and_their_submits_in_any_status, |app| {
    let (site, approved, pending, other_site, other_flavor) = site_with_flavors(&app).await;
    let admin = app.admin("root").await;
    app.approve("site", &site).await;
    let (status, body) = app.call(Method::DELETE, &format!("/sites/{site}"), Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    for path in [format!("/sites/{site}"), format!("/flavors/{approved}"), format!("/flavors/{pending}")] {
        assert_eq!(status_of(&app, &path).await, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(
        submit_set(&app, &admin, "").await,
        sorted(vec![pair("site", &other_site), pair("flavor", &other_flavor)])
    );
    assert_eq!(status_of(&app, &format!("/sites/{other_site}")).await, StatusCode::OK);
    assert_eq!(ids(&app, &format!("/sites/{other_site}/flavors?status=on_review")).await, [other_flavor]);
});

backend_test!(deleting_a_flavor_leaves_its_site_and_the_other_submits_alone, |app| {
    let (site, approved, pending, other_site, other_flavor) = site_with_flavors(&app).await;
    let admin = app.admin("root").await;
    for flavor in [&approved, &pending] {
        let (status, _) =
            app.call(Method::DELETE, &format!("/flavors/{flavor}"), Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    assert_eq!(
        submit_set(&app, &admin, "").await,
        sorted(vec![pair("site", &site), pair("site", &other_site), pair("flavor", &other_flavor)])
    );
    assert_eq!(status_of(&app, &format!("/sites/{site}")).await, StatusCode::OK);
});

backend_test!(removing_a_user_deletes_what_they_uploaded_with_its_dependents_and_submits, |app| {
    let alice = app.registered("alice").await;
    let bob = app.registered("bob").await;
    let admin = app.admin("root").await;
    let alice_bench_ok = id_of(&app.create_benchmark(&alice, "alice", "ok", schema()).await);
    app.approve("benchmark", &alice_bench_ok).await;
    let alice_bench_pending = id_of(&app.create_benchmark(&alice, "alice", "pending", schema()).await);
    let alice_site = id_of(&app.create_site(&alice, "alice-site").await);
    app.approve("site", &alice_site).await;
    let bob_flavor_on_alice_site = id_of(&app.create_flavor(&bob, &alice_site, "bob-approved").await);
    app.approve("flavor", &bob_flavor_on_alice_site).await;
    let bob_pending_on_alice_site = id_of(&app.create_flavor(&bob, &alice_site, "bob-pending").await);
    let bob_site = id_of(&app.create_site(&bob, "bob-site").await);
    let alice_flavor_on_bob_site = id_of(&app.create_flavor(&alice, &bob_site, "alice-flavor").await);
    let bob_flavor = id_of(&app.create_flavor(&bob, &bob_site, "bob-flavor").await);
    let bob_bench = id_of(&app.create_benchmark(&bob, "bob", "1", schema()).await);

    let (status, body) =
        app.call(Method::POST, "/users:remove?email=alice@example.org", Some(&admin.token), None).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    for path in [
        format!("/benchmarks/{alice_bench_ok}"),
        format!("/benchmarks/{alice_bench_pending}"),
        format!("/sites/{alice_site}"),
        format!("/flavors/{bob_flavor_on_alice_site}"),
        format!("/flavors/{bob_pending_on_alice_site}"),
        format!("/flavors/{alice_flavor_on_bob_site}"),
    ] {
        assert_eq!(status_of(&app, &path).await, StatusCode::NOT_FOUND, "{path}");
    }
    for path in
        [format!("/sites/{bob_site}"), format!("/flavors/{bob_flavor}"), format!("/benchmarks/{bob_bench}")]
    {
        assert_eq!(status_of(&app, &path).await, StatusCode::OK, "{path}");
    }
    assert!(ids(&app, "/benchmarks").await.is_empty());
    assert!(ids(&app, "/sites").await.is_empty());
    assert_eq!(
        submit_set(&app, &admin, "").await,
        sorted(vec![pair("site", &bob_site), pair("flavor", &bob_flavor), pair("benchmark", &bob_bench)]),
        "only bob's pending items remain to review"
    );
    let (status, body) = app.call(Method::GET, "/users/self", Some(&alice.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let again = app.registered("alice").await;
    app.create_benchmark(&again, "alice", "ok", schema()).await;
    app.create_site(&again, "alice-site").await;
});
