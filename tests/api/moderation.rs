//! The moderation lifecycle across benchmarks, sites and flavors: visibility (§5.2), the
//! submit list (`/reports/submits`), and the cascades of reject, delete and user removal (§5.6).

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use chrono::{Duration, NaiveDateTime};
use eosc_perf_tests::{
    TestApp, TestUser,
    app::{handler_error, unauthenticated, validation_error},
    backend_test,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn naive(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .unwrap_or_else(|e| panic!("{text:?} is not a naive ISO datetime: {e}"))
}

fn id_of(item: &Value) -> String {
    item["id"].as_str().expect("id").to_owned()
}

fn schema() -> Value {
    json!({"type": "object"})
}

/// A 200 page fetched with `token`.
async fn page_as(app: &TestApp, token: Option<&str>, path: &str) -> Value {
    let (status, body) = app.call(Method::GET, path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

async fn ids(app: &TestApp, path: &str) -> Vec<String> {
    let mut ids: Vec<String> =
        page_as(app, None, path).await["items"].as_array().expect("items").iter().map(id_of).collect();
    ids.sort();
    ids
}

/// `(resource_type, resource_id)` of each submit on the page, in order.
async fn submits(app: &TestApp, admin: &TestUser, query: &str) -> Vec<(String, String)> {
    let body = page_as(app, Some(&admin.token), &format!("/reports/submits{query}")).await;
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| {
            (s["resource_type"].as_str().unwrap().to_owned(), s["resource_id"].as_str().unwrap().to_owned())
        })
        .collect()
}

/// Like [`submits`], sorted.
async fn submit_set(app: &TestApp, admin: &TestUser, query: &str) -> Vec<(String, String)> {
    let mut all = submits(app, admin, query).await;
    all.sort();
    all
}

fn pair(kind: &str, id: &str) -> (String, String) {
    (kind.to_owned(), id.to_owned())
}

fn sorted(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort();
    pairs
}

async fn status_of(app: &TestApp, path: &str) -> StatusCode {
    app.get(path).await.0
}

backend_test!(pending_items_are_hidden_from_default_lists_but_readable_by_id, |app| {
    let alice = app.registered("alice").await;
    let site_ok = id_of(&app.create_site(&alice, "approved-site").await);
    app.approve("site", &site_ok).await;
    let site_pending = id_of(&app.create_site(&alice, "pending-site").await);
    let bench_ok = id_of(&app.create_benchmark(&alice, "img", "ok", schema()).await);
    app.approve("benchmark", &bench_ok).await;
    let bench_pending = id_of(&app.create_benchmark(&alice, "img", "pending", schema()).await);
    let flavor_ok = id_of(&app.create_flavor(&alice, &site_ok, "ok").await);
    app.approve("flavor", &flavor_ok).await;
    let flavor_pending = id_of(&app.create_flavor(&alice, &site_ok, "pending").await);
    let flavors = format!("/sites/{site_ok}/flavors");
    for (list, approved, pending) in [
        ("/benchmarks".to_owned(), &bench_ok, &bench_pending),
        ("/benchmarks:search".to_owned(), &bench_ok, &bench_pending),
        ("/sites".to_owned(), &site_ok, &site_pending),
        ("/sites:search".to_owned(), &site_ok, &site_pending),
        (flavors.clone(), &flavor_ok, &flavor_pending),
        (format!("{flavors}:search"), &flavor_ok, &flavor_pending),
    ] {
        let sep = if list.contains('?') { '&' } else { '?' };
        assert_eq!(ids(&app, &list).await, [approved.as_str()], "{list}");
        assert_eq!(ids(&app, &format!("{list}{sep}status=approved")).await, [approved.as_str()], "{list}");
        assert_eq!(ids(&app, &format!("{list}{sep}status=on_review")).await, [pending.as_str()], "{list}");
    }
    for path in [
        format!("/benchmarks/{bench_pending}"),
        format!("/sites/{site_pending}"),
        format!("/flavors/{flavor_pending}"),
        format!("/flavors/{flavor_pending}/site"),
    ] {
        let (status, body) = app.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert!(body.get("status").is_none(), "the status is never exposed: {body}");
        let (status, _) = app.call(Method::GET, &path, Some("garbage-token"), None).await;
        assert_eq!(status, StatusCode::OK, "public endpoints ignore the token: {path}");
    }
});

backend_test!(uploads_by_admins_also_start_on_review, |app| {
    let admin = app.admin("root").await;
    let bench = id_of(&app.create_benchmark(&admin, "img", "1", schema()).await);
    let site = id_of(&app.create_site(&admin, "kit").await);
    let flavor = id_of(&app.create_flavor(&admin, &site, "m1").await);
    assert!(ids(&app, "/benchmarks").await.is_empty());
    assert!(ids(&app, "/sites").await.is_empty());
    assert!(ids(&app, &format!("/sites/{site}/flavors")).await.is_empty());
    assert_eq!(
        submit_set(&app, &admin, "").await,
        sorted(vec![pair("benchmark", &bench), pair("site", &site), pair("flavor", &flavor)])
    );
});

backend_test!(listing_submits_needs_an_admin_before_the_query_is_checked, |app| {
    let alice = app.registered("alice").await;
    let (status, body) = app.get("/reports/submits").await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let (status, body) = app.get("/reports/submits?status=bad").await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let bob = app.user("bob");
    let (status, body) = app.call(Method::GET, "/reports/submits", Some(&bob.token), None).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("bob", "is_registered")));
    let (status, body) = app.call(Method::GET, "/reports/submits?bad=1", Some(&alice.token), None).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")));
    let admin = app.admin("root").await;
    let body = page_as(&app, Some(&admin.token), "/reports/submits").await;
    assert_eq!(
        body,
        json!({"items": [], "total": 0, "pages": 0, "page": 1, "per_page": 100, "has_prev": false, "has_next": false})
    );
});

backend_test!(every_pending_item_has_a_submit_naming_its_uploader_with_email, |app| {
    let alice = app.registered("alice").await;
    let bob = app.registered("bob").await;
    let admin = app.admin("root").await;
    let bench = app.create_benchmark(&alice, "img", "1", schema()).await;
    let site = app.create_site(&alice, "kit").await;
    let site_id = id_of(&site);
    let flavor = app.create_flavor(&bob, &site_id, "m1").await;
    let mut users = std::collections::HashMap::new();
    for user in [&alice, &bob] {
        let (_, me) = app.call(Method::GET, "/users/self", Some(&user.token), None).await;
        users.insert(user.sub.clone(), me);
    }
    let body = page_as(&app, Some(&admin.token), "/reports/submits").await;
    assert_eq!(body["total"], 3);
    let items = body["items"].as_array().unwrap();
    for (kind, item, uploader) in
        [("benchmark", &bench, &alice), ("flavor", &flavor, &bob), ("site", &site, &alice)]
    {
        let submit = items
            .iter()
            .find(|s| s["resource_id"] == item["id"])
            .unwrap_or_else(|| panic!("no submit for {kind} {item}: {body}"));
        let uploaded = submit["upload_datetime"].as_str().unwrap();
        assert_eq!(
            submit,
            &json!({"resource_type": kind, "resource_id": item["id"], "upload_datetime": uploaded,
                    "uploader": users[&uploader.sub]}),
            "{kind}"
        );
        assert_eq!(users[&uploader.sub]["email"], json!(uploader.email));
        let delta = naive(uploaded) - naive(item["upload_datetime"].as_str().unwrap());
        assert!(delta >= Duration::zero() && delta < Duration::seconds(1), "{kind}: submit at {uploaded}");
    }
});

backend_test!(submits_are_sorted_by_resource_type_by_default_and_can_be_sorted, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let s1 = id_of(&app.create_site(&alice, "s1").await);
    let b1 = id_of(&app.create_benchmark(&alice, "img", "1", schema()).await);
    let f1 = id_of(&app.create_flavor(&alice, &s1, "f1").await);
    let s2 = id_of(&app.create_site(&alice, "s2").await);
    let b2 = id_of(&app.create_benchmark(&alice, "img", "2", schema()).await);
    let kinds = |list: Vec<(String, String)>| list.into_iter().map(|(k, _)| k).collect::<Vec<_>>();
    assert_eq!(kinds(submits(&app, &admin, "").await), ["benchmark", "benchmark", "flavor", "site", "site"]);
    assert_eq!(
        kinds(submits(&app, &admin, "?sort_by=-resource_type").await),
        ["site", "site", "flavor", "benchmark", "benchmark"]
    );
    let in_order = vec![
        pair("site", &s1),
        pair("benchmark", &b1),
        pair("flavor", &f1),
        pair("site", &s2),
        pair("benchmark", &b2),
    ];
    assert_eq!(submits(&app, &admin, "?sort_by=%2Bupload_datetime").await, in_order);
    let mut reversed = in_order.clone();
    reversed.reverse();
    assert_eq!(submits(&app, &admin, "?sort_by=-upload_datetime").await, reversed);
    assert_eq!(
        submits(&app, &admin, "?sort_by=%2Bresource_type,-upload_datetime").await,
        vec![
            pair("benchmark", &b2),
            pair("benchmark", &b1),
            pair("flavor", &f1),
            pair("site", &s2),
            pair("site", &s1)
        ]
    );
    assert_eq!(submits(&app, &admin, "?sort_by=%2Bid").await.len(), 5);
});

backend_test!(submits_filter_by_resource_type_and_refuse_status_and_bad_values, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let site = id_of(&app.create_site(&alice, "kit").await);
    let bench = id_of(&app.create_benchmark(&alice, "img", "1", schema()).await);
    let flavor = id_of(&app.create_flavor(&alice, &site, "m1").await);
    assert_eq!(submits(&app, &admin, "?resource_type=site").await, [pair("site", &site)]);
    assert_eq!(submits(&app, &admin, "?resource_type=benchmark").await, [pair("benchmark", &bench)]);
    assert_eq!(submits(&app, &admin, "?resource_type=flavor").await, [pair("flavor", &flavor)]);
    assert!(submits(&app, &admin, "?resource_type=claim").await.is_empty());
    let cases = [
        (
            "resource_type=result",
            validation_error(
                "query",
                json!({"resource_type": ["Must be one of: benchmark, claim, site, flavor."]}),
            ),
        ),
        (
            "resource_type=Site",
            validation_error(
                "query",
                json!({"resource_type": ["Must be one of: benchmark, claim, site, flavor."]}),
            ),
        ),
        ("status=on_review", validation_error("query", json!({"status": ["Unknown field."]}))),
        ("terms=kit", validation_error("query", json!({"terms": ["Unknown field."]}))),
        (
            "per_page=0",
            validation_error(
                "query",
                json!({"per_page": ["Must be greater than or equal to 1 and less than or equal to 100."]}),
            ),
        ),
        (
            "upload_after=2020-02-30",
            validation_error("query", json!({"upload_after": ["Not a valid date."]})),
        ),
        (
            "sort_by=%2Bresource_id",
            json!({"code": 422, "status": "Unprocessable Entity",
                   "message": {"KeyError": "Unexpected field 'resource_id'", "hint": "Use ',' to separate fields"}}),
        ),
        (
            "sort_by=%2Buploader",
            json!({"code": 422, "status": "Unprocessable Entity",
                   "message": {"KeyError": "Unexpected field 'uploader'", "hint": "Use ',' to separate fields"}}),
        ),
        (
            "sort_by=resource_type",
            json!({"code": 422, "status": "Unprocessable Entity",
                   "message": {"KeyError": "Unexpected field 'esource_type'", "hint": "Use ',' to separate fields"}}),
        ),
        (
            "sort_by=%3Dresource_type",
            json!({"code": 422, "status": "Unprocessable Entity",
                   "message": {"KeyError": "Unknown order operator '='", "hint": "Use '+'(asc) or '-'(desc) before sort field"}}),
        ),
    ];
    for (query, expected) in cases {
        let (status, body) =
            app.call(Method::GET, &format!("/reports/submits?{query}"), Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body, expected, "{query}");
    }
});

backend_test!(submit_upload_date_filters_are_strict, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let site = id_of(&app.create_site(&alice, "kit").await);
    let body = page_as(&app, Some(&admin.token), "/reports/submits").await;
    let day = naive(body["items"][0]["upload_datetime"].as_str().unwrap()).date();
    let (prev, next) = (day.pred_opt().unwrap(), day.succ_opt().unwrap());
    let expected = [pair("site", &site)];
    assert_eq!(submits(&app, &admin, &format!("?upload_after={day}")).await, expected);
    assert_eq!(submits(&app, &admin, &format!("?upload_after={prev}")).await, expected);
    assert!(submits(&app, &admin, &format!("?upload_after={next}")).await.is_empty());
    assert!(submits(&app, &admin, &format!("?upload_before={day}")).await.is_empty());
    assert_eq!(submits(&app, &admin, &format!("?upload_before={next}&resource_type=site")).await, expected);
});

backend_test!(submits_with_equal_sort_keys_never_repeat_or_vanish_across_pages, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let mut all = Vec::new();
    for name in ["a", "b", "c", "d", "e"] {
        all.push(pair("site", &id_of(&app.create_site(&alice, name).await)));
    }
    all.push(pair("benchmark", &id_of(&app.create_benchmark(&alice, "img", "1", schema()).await)));
    all.sort();
    let first = page_as(&app, Some(&admin.token), "/reports/submits?per_page=2").await;
    assert_eq!(
        (
            first["total"].clone(),
            first["pages"].clone(),
            first["has_next"].clone(),
            first["next_num"].clone()
        ),
        (json!(6), json!(3), json!(true), json!(2))
    );
    let (status, _) =
        app.call(Method::GET, "/reports/submits?per_page=2&page=4", Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for (query, total, first_kind) in
        [("", 6, "benchmark"), ("&resource_type=site", 5, "site"), ("&sort_by=-resource_type", 6, "site")]
    {
        let mut seen = Vec::new();
        for n in 1..=total {
            seen.extend(submits(&app, &admin, &format!("?per_page=1&page={n}{query}")).await);
        }
        assert_eq!(seen[0].0, first_kind, "{query}");
        seen.sort();
        let expected: Vec<_> = all.iter().filter(|(k, _)| total == 6 || k == "site").cloned().collect();
        assert_eq!(seen, expected, "{query}: every submit exactly once");
    }
});

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
