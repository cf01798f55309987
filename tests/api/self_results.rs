//! `/users/self/results` (the caller's results, hidden ones included, with every `/results`
//! filter: Q4 fixed) and `/users/self/claims` (the claims the caller made, approved by default).

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use eosc_perf_tests::helpers::id_of;
use eosc_perf_tests::{
    TestApp, TestUser,
    app::{bare, unauthenticated, validation_error},
    backend_test,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::results::{
    Fixture, approved_benchmark, approved_flavor, approved_site, fixture, id_set, ids, page_as, sorted,
    upload_by, uploaded,
};

/// The ids of `/users/self/results?<query>` for `user`, in order.
async fn own(app: &TestApp, user: &TestUser, query: &str) -> Vec<String> {
    ids(&page_as(app, Some(&user.token), &format!("/users/self/results?{query}")).await)
}

/// The ids of `/users/self/claims?<query>` for `user`, sorted.
async fn own_claims(app: &TestApp, user: &TestUser, query: &str) -> Vec<String> {
    id_set(&page_as(app, Some(&user.token), &format!("/users/self/claims?{query}")).await)
}

async fn claim(app: &TestApp, user: &TestUser, result: &str) -> String {
    let path = format!("/results/{result}:claim");
    let (status, body) =
        app.call(Method::POST, &path, Some(&user.token), Some(json!({"message": "odd"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    id_of(&body)
}

async fn decide(app: &TestApp, admin: &TestUser, claim: &str, verb: &str) {
    let path = format!("/reports/claims/{claim}:{verb}");
    let (status, body) = app.call(Method::POST, &path, Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{verb}: {body}");
}

async fn admin_delete(app: &TestApp, f: &Fixture, result: &str) {
    let (status, _) =
        app.call(Method::DELETE, &format!("/results/{result}"), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

// ---------------------------------------------------------------------------------------------
// /users/self/results

backend_test!(own_results_need_a_registered_user_before_the_query_is_checked, |app| {
    let f = fixture(&app).await;
    let (status, body) = app.call(Method::GET, "/users/self/results?bad=1", None, None).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let stranger = app.user("stranger");
    let (status, body) =
        app.call(Method::GET, "/users/self/results?bad=1", Some(&stranger.token), None).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("stranger", "is_registered")));
    let (status, body) = app.call(Method::GET, "/users/self/results?bad=1", Some(&f.user.token), None).await;
    assert_eq!(
        (status, body),
        (StatusCode::UNPROCESSABLE_ENTITY, validation_error("query", json!({"bad": ["Unknown field."]})))
    );
});

backend_test!(own_results_are_the_callers_only_hidden_ones_included_by_execution_time, |app| {
    let f = fixture(&app).await;
    let other = app.registered("other").await;
    let plain = uploaded(&app, &f, json!({"time": 1}), "2020-01-03T00:00:00Z").await;
    let claimed = uploaded(&app, &f, json!({"time": 2}), "2020-01-01T00:00:00Z").await;
    let deleted = uploaded(&app, &f, json!({"time": 3}), "2020-01-02T00:00:00Z").await;
    let approved = uploaded(&app, &f, json!({"time": 4}), "2020-01-04T00:00:00Z").await;
    let theirs =
        upload_by(&app, &other, &f.benchmark, &f.flavor, json!({}), "2020-01-05T00:00:00Z", &[]).await;
    claim(&app, &other, &claimed).await;
    admin_delete(&app, &f, &deleted).await;
    let accepted = claim(&app, &other, &approved).await;
    decide(&app, &f.admin, &accepted, "approve").await;
    let body = page_as(&app, Some(&f.user.token), "/users/self/results").await;
    assert_eq!(ids(&body), vec![claimed.clone(), deleted.clone(), plain.clone(), approved.clone()]);
    assert_eq!(body["total"], 4);
    assert_eq!(own(&app, &other, "").await, vec![theirs.clone()]);
    assert!(own(&app, &f.admin, "").await.is_empty(), "admins see only their own here too");
    assert_eq!(id_set(&page_as(&app, None, "/results").await), sorted(&[&plain, &theirs]));
    let full = page_as(&app, Some(&f.user.token), &format!("/results/{claimed}")).await;
    assert_eq!(body["items"][0], full, "the same representation as /results/{{id}}");
});

/// Two benchmarks, two sites with a flavor each, two tags; four results of the fixture's user
/// (one hidden by a claim, one deleted by an admin) and one of another user.
struct Own {
    f: Fixture,
    /// | result | benchmark | site  | tags | time | executed   |
    /// | a      | fixture   | site0 | x    | 1    | 2020-01-01 |
    /// | b      | fixture   | kit   | x, y | 5    | 2020-01-02 | claimed
    /// | c      | other     | site0 | y    | 9    | 2020-01-03 | deleted
    /// | d      | other     | kit   | -    | 7    | 2020-01-04 |
    r: [String; 4],
    other_benchmark: String,
    kit: String,
    gpu: String,
    x: String,
    y: String,
}

async fn own_world(app: &TestApp) -> Own {
    let f = fixture(app).await;
    let other_benchmark = approved_benchmark(app, &f, "other", "1", json!({})).await;
    let kit = approved_site(app, &f, "kit", "kit.edu").await;
    let gpu = approved_flavor(app, &f, &kit, "gpu").await;
    let x = id_of(&app.create_tag(&f.user, "x").await);
    let y = id_of(&app.create_tag(&f.user, "y").await);
    let specs: [(&String, &String, Vec<&String>, i64); 4] = [
        (&f.benchmark, &f.flavor, vec![&x], 1),
        (&f.benchmark, &gpu, vec![&x, &y], 5),
        (&other_benchmark, &f.flavor, vec![&y], 9),
        (&other_benchmark, &gpu, vec![], 7),
    ];
    let mut r = Vec::new();
    for (i, (bench, flavor, tags, time)) in specs.iter().enumerate() {
        let when = format!("2020-01-0{}T00:00:00Z", i + 1);
        r.push(upload_by(app, &f.user, bench, flavor, json!({"time": time}), &when, tags).await);
    }
    let someone = app.registered("someone").await;
    upload_by(app, &someone, &f.benchmark, &f.flavor, json!({"time": 5}), "2020-01-02T12:00:00Z", &[&x, &y])
        .await;
    claim(app, &someone, &r[1]).await;
    admin_delete(app, &f, &r[2]).await;
    let r: [String; 4] = r.try_into().unwrap();
    Own { f, r, other_benchmark, kit, gpu, x, y }
}

backend_test!(own_results_apply_every_results_filter_to_hidden_results_too, |app| {
    let w = own_world(&app).await;
    let [a, b, c, d] = w.r.clone();
    let user = &w.f.user;
    assert_eq!(own(&app, user, "").await, vec![a.clone(), b.clone(), c.clone(), d.clone()]);
    let cases: Vec<(String, Vec<String>)> = vec![
        (format!("benchmark_id={}", w.f.benchmark), vec![a.clone(), b.clone()]),
        (format!("benchmark_id={}", w.other_benchmark), vec![c.clone(), d.clone()]),
        (format!("site_id={}", w.kit), vec![b.clone(), d.clone()]),
        (format!("site_id={}", w.f.site), vec![a.clone(), c.clone()]),
        (format!("flavor_id={}", w.gpu), vec![b.clone(), d.clone()]),
        (format!("tags_ids={}", w.x), vec![a.clone(), b.clone()]),
        (format!("tags_ids={}", w.y), vec![b.clone(), c.clone()]),
        (format!("tags_ids[]={}&tags_ids[]={}", w.x, w.y), vec![b.clone()]),
        ("filters=time%20%3E%204".to_owned(), vec![b.clone(), c.clone(), d.clone()]),
        ("filters=time%20%3E%204&filters=time%20%3C%208".to_owned(), vec![b.clone(), d.clone()]),
        ("filters[]=time%20%3D%3D%205".to_owned(), vec![b.clone()]),
        ("execution_after=2020-01-02".to_owned(), vec![c.clone(), d.clone()]),
        ("execution_before=2020-01-02".to_owned(), vec![a.clone()]),
        ("execution_after=2020-01-01&execution_before=2020-01-04".to_owned(), vec![b.clone(), c.clone()]),
        (format!("site_id={}&filters=time%20%3C%206", w.kit), vec![b.clone()]),
        ("upload_before=2020-01-01".to_owned(), vec![]),
        ("upload_after=2020-01-01".to_owned(), vec![a.clone(), b.clone(), c.clone(), d.clone()]),
    ];
    for (query, expected) in cases {
        assert_eq!(own(&app, user, &query).await, expected, "{query}");
    }
});

backend_test!(own_results_sort_and_paginate_like_results, |app| {
    let w = own_world(&app).await;
    let [a, b, c, d] = w.r.clone();
    let user = &w.f.user;
    assert_eq!(
        own(&app, user, "sort_by=-execution_datetime").await,
        vec![d.clone(), c.clone(), b.clone(), a.clone()]
    );
    assert_eq!(own(&app, user, "sort_by=-json.time").await, vec![c.clone(), d.clone(), b.clone(), a.clone()]);
    assert_eq!(
        own(&app, user, "sort_by=%2Bsite_name,-json.time").await,
        vec![d.clone(), b.clone(), c.clone(), a.clone()]
    );
    assert_eq!(
        own(&app, user, "sort_by=%2Bupload_datetime").await,
        vec![a.clone(), b.clone(), c.clone(), d.clone()]
    );
    let body = page_as(&app, Some(&user.token), "/users/self/results?per_page=3&page=2").await;
    assert_eq!(ids(&body), vec![d]);
    assert_eq!(
        (body["total"].clone(), body["pages"].clone(), body["has_prev"].clone(), body["prev_num"].clone()),
        (json!(4), json!(2), json!(true), json!(1))
    );
    assert!(body.get("next_num").is_none(), "{body}");
    let (status, body) =
        app.call(Method::GET, "/users/self/results?per_page=3&page=3", Some(&user.token), None).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
});

backend_test!(own_results_refuse_bad_filters_and_sort_keys_like_results, |app| {
    let f = fixture(&app).await;
    uploaded(&app, &f, json!({"time": 1}), "2020-01-01T00:00:00Z").await;
    let expectations: Vec<(&str, Value)> = vec![
        (
            "filters=time",
            json!({"code": 422, "status": "Unprocessable Entity", "errors": {
                "filter": "time",
                "reason": ["not enough values to unpack (expected 3, got 1)"],
                "hint": "Probably missing spaces (%20)",
                "example": "filters=machine.cpu.count%20%3E%205",
            }}),
        ),
        (
            "filters=time%20~%201",
            json!({"code": 422, "status": "Unprocessable Entity", "message": {
                "filter": "time ~ 1",
                "reason": ["Unknown filter operator: '~'"],
                "hint": "Use only one of ['==', '>', '<', '>=', '<=']",
                "example": "filters=machine.cpu.count%20%3E%205",
            }}),
        ),
        (
            "sort_by=%2Btags",
            json!({"code": 422, "status": "Unprocessable Entity",
                   "message": {"KeyError": "Unexpected field 'tags'", "hint": "Use ',' to separate fields"}}),
        ),
        (
            "benchmark_id=x&execution_after=today",
            validation_error(
                "query",
                json!({"benchmark_id": ["Not a valid UUID."], "execution_after": ["Not a valid date."]}),
            ),
        ),
    ];
    for (query, expected) in expectations {
        let (status, body) =
            app.call(Method::GET, &format!("/users/self/results?{query}"), Some(&f.user.token), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body, expected, "{query}");
    }
});

// ---------------------------------------------------------------------------------------------
// /users/self/claims

backend_test!(own_claims_need_a_registered_user_before_the_query_is_checked, |app| {
    let (status, body) = app.call(Method::GET, "/users/self/claims?status=x", None, None).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let stranger = app.user("stranger");
    let (status, body) =
        app.call(Method::GET, "/users/self/claims?status=x", Some(&stranger.token), None).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("stranger", "is_registered")));
    let alice = app.registered("alice").await;
    let (status, body) = app.call(Method::GET, "/users/self/claims?status=x", Some(&alice.token), None).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            validation_error("query", json!({"status": ["Must be one of: on_review, approved."]}))
        )
    );
    let (status, body) =
        app.call(Method::GET, "/users/self/claims?resource_type=claim", Some(&alice.token), None).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            validation_error("query", json!({"resource_type": ["Unknown field."]}))
        )
    );
});

backend_test!(own_claims_are_the_claims_the_caller_made_approved_by_default, |app| {
    let f = fixture(&app).await;
    let alice = app.registered("alice").await;
    let bob = app.registered("bob").await;
    let r1 = uploaded(&app, &f, json!({}), "2020-01-01T00:00:00Z").await;
    let r2 = uploaded(&app, &f, json!({}), "2020-01-02T00:00:00Z").await;
    let pending = claim(&app, &alice, &r1).await;
    let accepted = claim(&app, &alice, &r2).await;
    let bobs = claim(&app, &bob, &r1).await;
    assert!(own_claims(&app, &alice, "").await.is_empty(), "pending claims need status=on_review");
    assert_eq!(own_claims(&app, &alice, "status=on_review").await, sorted(&[&pending, &accepted]));
    decide(&app, &f.admin, &accepted, "approve").await;
    assert_eq!(own_claims(&app, &alice, "").await, vec![accepted.clone()]);
    assert_eq!(own_claims(&app, &alice, "status=approved").await, vec![accepted.clone()]);
    assert_eq!(own_claims(&app, &alice, "status=on_review").await, vec![pending.clone()]);
    assert_eq!(own_claims(&app, &bob, "status=on_review").await, vec![bobs.clone()]);
    assert!(own_claims(&app, &f.user, "status=on_review").await.is_empty(), "the owner made no claim");
    assert!(own_claims(&app, &f.admin, "status=on_review").await.is_empty(), "admins see only theirs here");
    let listed = page_as(&app, Some(&alice.token), "/users/self/claims").await;
    let me = page_as(&app, Some(&alice.token), "/users/self").await;
    assert_eq!(listed["items"][0]["uploader"], me);
    assert_eq!(listed["items"][0]["resource_id"], r2.as_str());
    assert_eq!(listed["items"][0]["resource_type"], "result");
    decide(&app, &f.admin, &pending, "reject").await;
    assert!(own_claims(&app, &alice, "status=on_review").await.is_empty(), "a rejected claim is gone");
});

backend_test!(own_claims_sort_by_upload_time_and_keep_orphaned_claims, |app| {
    let f = fixture(&app).await;
    let alice = app.registered("alice").await;
    let mut made = Vec::new();
    for i in 1..=3 {
        let r = uploaded(&app, &f, json!({}), &format!("2020-01-0{i}T00:00:00Z")).await;
        made.push(claim(&app, &alice, &r).await);
    }
    let list = |q: &'static str| {
        let (app, alice) = (&app, &alice);
        async move {
            ids(&page_as(app, Some(&alice.token), &format!("/users/self/claims?status=on_review{q}")).await)
        }
    };
    assert_eq!(list("").await, made);
    let mut newest_first = made.clone();
    newest_first.reverse();
    assert_eq!(list("&sort_by=-upload_datetime").await, newest_first);
    assert_eq!(
        ids(&page_as(&app, Some(&alice.token), "/users/self/claims?status=on_review&per_page=2&page=2").await),
        vec![made[2].clone()]
    );
    let (status, _) =
        app.call(Method::DELETE, &format!("/benchmarks/{}", f.benchmark), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let body = page_as(&app, Some(&alice.token), "/users/self/claims?status=on_review").await;
    assert_eq!(ids(&body), made, "orphaned claims stay listed");
    for item in body["items"].as_array().unwrap() {
        assert!(item.get("resource_id").is_none(), "{item}");
    }
});
