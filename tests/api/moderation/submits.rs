//! Pending items and the submits list.

use super::*;

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
