//! Pages, hidden results, and cached lists following writes.

use super::*;
use eosc_perf_tests::app::send;

backend_test!(filtered_lists_are_paginated_over_the_matching_rows_only, |app| {
    let f = fixture(&app).await;
    let mut by_time = Vec::new();
    for t in [4, 1, 7, 3, 6, 2, 5] {
        by_time.push((t, uploaded(&app, &f, json!({"time": t}), &format!("2020-01-0{t}T00:00:00Z")).await));
    }
    by_time.sort();
    let expected: Vec<String> = by_time.iter().filter(|(t, _)| *t > 2).map(|(_, id)| id.clone()).collect();
    let base = "/results?filters=time%20%3E%202&sort_by=%2Bjson.time&per_page=2";
    let first = page(&app, &format!("{base}&page=1")).await;
    assert_eq!(ids(&first), expected[0..2]);
    let envelope = |p: &Value| {
        let mut p = p.clone();
        p.as_object_mut().unwrap().remove("items");
        p
    };
    assert_eq!(
        envelope(&first),
        json!({"total": 5, "pages": 3, "page": 1, "per_page": 2, "has_prev": false, "has_next": true, "next_num": 2})
    );
    let second = page(&app, &format!("{base}&page=2")).await;
    assert_eq!(ids(&second), expected[2..4]);
    assert_eq!(
        envelope(&second),
        json!({"total": 5, "pages": 3, "page": 2, "per_page": 2, "has_prev": true, "has_next": true,
               "prev_num": 1, "next_num": 3})
    );
    let third = page(&app, &format!("{base}&page=3")).await;
    assert_eq!(ids(&third), expected[4..5]);
    assert_eq!(
        envelope(&third),
        json!({"total": 5, "pages": 3, "page": 3, "per_page": 2, "has_prev": true, "has_next": false, "prev_num": 2})
    );
    let (status, body) = app.get(&format!("{base}&page=4")).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
    let empty = page(&app, "/results?filters=time%20%3E%20100").await;
    assert_eq!(
        (empty["total"].clone(), empty["pages"].clone(), empty["items"].clone()),
        (json!(0), json!(0), json!([]))
    );
});

backend_test!(hidden_results_are_left_out_of_lists_counts_and_pages, |app| {
    let f = fixture(&app).await;
    let a = uploaded(&app, &f, json!({"time": 1}), "2020-01-01T00:00:00Z").await;
    let b = uploaded(&app, &f, json!({"time": 2}), "2020-01-02T00:00:00Z").await;
    let c = uploaded(&app, &f, json!({"time": 3}), "2020-01-03T00:00:00Z").await;
    let (status, _) =
        app.call(reqwest::Method::DELETE, &format!("/results/{b}"), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .call(
            reqwest::Method::POST,
            &format!("/results/{c}:claim"),
            Some(&f.user.token),
            Some(json!({"message": "m"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let body = page(&app, "/results?per_page=1").await;
    assert_eq!(
        (ids(&body), body["total"].clone(), body["pages"].clone()),
        (vec![a.clone()], json!(1), json!(1))
    );
    assert!(listed(&app, "filters=time%20%3E%201").await.is_empty());
    assert_eq!(listed(&app, &format!("benchmark_id={}", f.benchmark)).await, vec![a]);
});

backend_test!(list_answers_follow_writes_made_through_another_replica, |app| {
    let f = fixture(&app).await;
    let replica = app.replica().await;
    let get = |base: String, path: &'static str| {
        let client = app.client.clone();
        async move { send(client.get(format!("{base}{path}"))).await.1 }
    };
    upload(&app, &f, json!({"time": 1}), "2021-01-01T00:00:00Z").await;
    // Warm both replicas' list caches.
    assert_eq!(get(app.address.clone(), "/results").await["total"], 1);
    assert_eq!(get(replica.clone(), "/results:search?terms=site0").await["total"], 1);
    // A write through the first replica is seen by the second at once.
    upload(&app, &f, json!({"time": 2}), "2021-01-02T00:00:00Z").await;
    assert_eq!(get(replica.clone(), "/results").await["total"], 2);
    // Renaming the site changes what a search matches, everywhere.
    let site = f.site.clone();
    let (status, _) = app
        .call(
            Method::PUT,
            &format!("/sites/{site}"),
            Some(&f.admin.token),
            Some(json!({"name": "renamed", "address": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(get(replica.clone(), "/results:search?terms=site0").await["total"], 0);
    assert_eq!(get(replica, "/results:search?terms=renamed").await["total"], 2);
    assert_eq!(get(app.address.clone(), "/results:search?terms=renamed").await["total"], 2);
});

backend_test!(concurrent_lists_after_each_write_see_that_write, |app| {
    let f = fixture(&app).await;
    let path = "/results?per_page=2&page=1";
    for n in 1..=4u64 {
        upload(&app, &f, json!({"time": n}), &format!("2021-01-0{n}T00:00:00Z")).await;
        // Readers that all miss the cache at once (they queue on one query) must each see the
        // write that completed before they started, and the page must be the full one.
        let readers = (0..8).map(|_| page(&app, path));
        for body in futures::future::join_all(readers).await {
            assert_eq!(body["total"], n);
            assert_eq!(body["items"].as_array().map(Vec::len), Some(n.min(2) as usize));
        }
    }
    // A tag edit changes a cached page's items.
    let tag = id_of(&app.create_tag(&f.user, "fresh").await);
    let first = ids(&page(&app, path).await)[0].clone();
    let (status, _) = app
        .call(
            Method::PUT,
            &format!("/results/{first}/tags"),
            Some(&f.user.token),
            Some(json!({"tags_ids": [tag.clone()]})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let body = page(&app, path).await;
    assert_eq!(body["items"][0]["tags"][0]["id"], json!(tag));
});
