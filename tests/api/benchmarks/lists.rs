//! Benchmark lists: sorting, filters, search and pages.

use super::*;

backend_test!(benchmarks_are_listed_by_docker_image_by_default_and_can_be_sorted, |app| {
    let alice = app.registered("alice").await;
    for (image, tag) in [("c/img", "2"), ("a/img", "9"), ("b/img", "1"), ("a/other", "5")] {
        approved(&app, &alice, image, tag).await;
    }
    assert_eq!(names(&app, "/benchmarks").await, ["a/img:9", "a/other:5", "b/img:1", "c/img:2"]);
    assert_eq!(
        names(&app, "/benchmarks?sort_by=-docker_image").await,
        ["c/img:2", "b/img:1", "a/other:5", "a/img:9"]
    );
    assert_eq!(
        names(&app, "/benchmarks?sort_by=%2Bdocker_tag").await,
        ["b/img:1", "c/img:2", "a/other:5", "a/img:9"]
    );
    assert_eq!(
        names(&app, "/benchmarks?sort_by=-docker_tag").await,
        ["a/img:9", "a/other:5", "c/img:2", "b/img:1"]
    );
    let by_time = names(&app, "/benchmarks?sort_by=%2Bupload_datetime").await;
    assert_eq!(by_time, ["c/img:2", "a/img:9", "b/img:1", "a/other:5"]);
    let by_time_desc = names(&app, "/benchmarks?sort_by=-upload_datetime").await;
    assert_eq!(by_time_desc, ["a/other:5", "b/img:1", "a/img:9", "c/img:2"]);
    let mut by_id = ids(&app, "/benchmarks").await;
    by_id.sort();
    assert_eq!(ids(&app, "/benchmarks?sort_by=%2Bid").await, by_id);
    by_id.reverse();
    assert_eq!(ids(&app, "/benchmarks?sort_by=-id").await, by_id);
});

backend_test!(benchmarks_sort_by_name_as_image_then_tag_and_by_several_keys, |app| {
    let alice = app.registered("alice").await;
    for (image, tag) in [("a/x", "2"), ("b/y", "0"), ("a/x", "1"), ("b/y", "3")] {
        approved(&app, &alice, image, tag).await;
    }
    assert_eq!(names(&app, "/benchmarks?sort_by=%2Bname").await, ["a/x:1", "a/x:2", "b/y:0", "b/y:3"]);
    assert_eq!(names(&app, "/benchmarks?sort_by=-name").await, ["b/y:3", "b/y:0", "a/x:2", "a/x:1"]);
    assert_eq!(
        names(&app, "/benchmarks?sort_by=-docker_image,%2Bdocker_tag").await,
        ["b/y:0", "b/y:3", "a/x:1", "a/x:2"]
    );
    assert_eq!(
        names(&app, "/benchmarks?sort_by=%2Bdocker_image,,-docker_tag").await,
        ["a/x:2", "a/x:1", "b/y:3", "b/y:0"]
    );
    assert_eq!(
        name_set(&app, "/benchmarks:search?sort_by=").await,
        ["a/x:1", "a/x:2", "b/y:0", "b/y:3"],
        "an empty sort_by is allowed"
    );
    assert_eq!(
        names(&app, "/benchmarks:search?sort_by=-docker_tag").await,
        ["b/y:3", "a/x:2", "a/x:1", "b/y:0"]
    );
});

backend_test!(benchmark_lists_refuse_bad_sort_keys_unknown_parameters_and_bad_values, |app| {
    for path in ["/benchmarks", "/benchmarks:search"] {
        let cases = [
            (
                "sort_by=Bad%20sort%20command",
                sort_error("Unexpected field 'ad sort command'", "Use ',' to separate fields"),
            ),
            (
                "sort_by=docker_image",
                sort_error("Unexpected field 'ocker_image'", "Use ',' to separate fields"),
            ),
            ("sort_by=%2Bunknown", sort_error("Unexpected field 'unknown'", "Use ',' to separate fields")),
            ("sort_by=%2Buploader", sort_error("Unexpected field 'uploader'", "Use ',' to separate fields")),
            (
                "sort_by=*docker_image",
                sort_error("Unknown order operator '*'", "Use '+'(asc) or '-'(desc) before sort field"),
            ),
            (
                "sort_by=+docker_image",
                sort_error("Unknown order operator ' '", "Use '+'(asc) or '-'(desc) before sort field"),
            ),
            ("bad_key=1", validation_error("query", json!({"bad_key": ["Unknown field."]}))),
            (
                "status=rejected",
                validation_error("query", json!({"status": ["Must be one of: on_review, approved."]})),
            ),
            (
                "per_page=0",
                validation_error(
                    "query",
                    json!({"per_page": ["Must be greater than or equal to 1 and less than or equal to 100."]}),
                ),
            ),
            (
                "per_page=101",
                validation_error(
                    "query",
                    json!({"per_page": ["Must be greater than or equal to 1 and less than or equal to 100."]}),
                ),
            ),
            ("page=0", validation_error("query", json!({"page": ["Must be greater than or equal to 1."]}))),
            ("page=x", validation_error("query", json!({"page": ["Not a valid integer."]}))),
            (
                "upload_before=2020-01-01T00:00:00",
                validation_error("query", json!({"upload_before": ["Not a valid date."]})),
            ),
            (
                "upload_after=yesterday",
                validation_error("query", json!({"upload_after": ["Not a valid date."]})),
            ),
        ];
        for (query, expected) in cases {
            let (status, body) = app.get(&format!("{path}?{query}")).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}?{query}: {body}");
            assert_eq!(body, expected, "{path}?{query}");
        }
    }
    let (status, body) = app.get("/benchmarks:search?docker_image=x").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "search takes no field filters");
    assert_eq!(body, validation_error("query", json!({"docker_image": ["Unknown field."]})));
    let (status, body) = app.get("/benchmarks?terms=x").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the list takes no terms");
    assert_eq!(body, validation_error("query", json!({"terms": ["Unknown field."]})));
});

backend_test!(benchmark_lists_filter_by_exact_docker_image_and_docker_tag, |app| {
    let alice = app.registered("alice").await;
    for (image, tag) in
        [("deephdc/cnn", "1.0"), ("deephdc/cnn", "2.0"), ("deephdc/cnn-gpu", "1.0"), ("other", "1.0")]
    {
        approved(&app, &alice, image, tag).await;
    }
    app.create_benchmark(&alice, "deephdc/cnn", "3.0", schema()).await;
    assert_eq!(
        name_set(&app, "/benchmarks?docker_image=deephdc/cnn").await,
        ["deephdc/cnn:1.0", "deephdc/cnn:2.0"]
    );
    assert_eq!(
        name_set(&app, "/benchmarks?docker_image=deephdc%2Fcnn").await,
        ["deephdc/cnn:1.0", "deephdc/cnn:2.0"]
    );
    assert_eq!(
        names(&app, "/benchmarks?docker_image=deephdc").await,
        Vec::<String>::new(),
        "no substring match"
    );
    assert_eq!(
        names(&app, "/benchmarks?docker_image=DEEPHDC/CNN").await,
        Vec::<String>::new(),
        "case matters"
    );
    assert_eq!(
        names(&app, "/benchmarks?docker_tag=1.0").await,
        ["deephdc/cnn:1.0", "deephdc/cnn-gpu:1.0", "other:1.0"]
    );
    assert_eq!(names(&app, "/benchmarks?docker_tag=1").await, Vec::<String>::new());
    assert_eq!(names(&app, "/benchmarks?docker_image=deephdc/cnn&docker_tag=2.0").await, ["deephdc/cnn:2.0"]);
    assert_eq!(
        names(&app, "/benchmarks?docker_image=deephdc/cnn&status=on_review").await,
        ["deephdc/cnn:3.0"]
    );
    assert_eq!(
        names(&app, "/benchmarks?docker_image[]=other&docker_image=deephdc/cnn").await,
        ["other:1.0"],
        "[] is stripped and the first value wins"
    );
});

backend_test!(benchmark_upload_date_filters_are_strict_and_take_dates_only, |app| {
    let alice = app.registered("alice").await;
    let created = app.create_benchmark(&alice, "img", "1", schema()).await;
    let id = id_of(&created);
    app.approve("benchmark", &id).await;
    let day: NaiveDate = naive(created["upload_datetime"].as_str().unwrap()).date();
    let (prev, next) = (day.pred_opt().unwrap(), day.succ_opt().unwrap());
    for path in ["/benchmarks", "/benchmarks:search"] {
        assert_eq!(
            ids(&app, &format!("{path}?upload_after={day}")).await,
            [id.as_str()],
            "after midnight of D"
        );
        assert_eq!(ids(&app, &format!("{path}?upload_after={prev}")).await, [id.as_str()]);
        assert!(ids(&app, &format!("{path}?upload_after={next}")).await.is_empty());
        assert!(ids(&app, &format!("{path}?upload_before={day}")).await.is_empty(), "before midnight of D");
        assert_eq!(ids(&app, &format!("{path}?upload_before={next}")).await, [id.as_str()]);
        assert_eq!(
            ids(&app, &format!("{path}?upload_after={prev}&upload_before={next}")).await,
            [id.as_str()]
        );
        assert!(ids(&app, &format!("{path}?upload_after={day}&upload_before={day}")).await.is_empty());
    }
    let unpadded = format!("{}-{}-{}", next.format("%Y"), next.format("%-m"), next.format("%-d"));
    assert_eq!(ids(&app, &format!("/benchmarks?upload_before={unpadded}")).await, [id.as_str()]);
    app.create_benchmark(&alice, "img", "2", schema()).await;
    assert_eq!(names(&app, &format!("/benchmarks?status=on_review&upload_after={prev}")).await, ["img:2"]);
    assert!(names(&app, &format!("/benchmarks?status=on_review&upload_before={day}")).await.is_empty());
});

/// Four approved benchmarks and one pending one for the search tests.
async fn search_fixture(app: &TestApp) {
    let alice = app.registered("alice").await;
    let described = |image: &str, tag: &str, description: &str| {
        let mut b = body(image, tag);
        b["description"] = json!(description);
        b
    };
    for sent in [
        described("deephdc/cnn", "1.0-gpu", "Convolutional network"),
        described("deephdc/lstm", "1.0-cpu", "Recurrent model on gpu"),
        body("thomas/hpl", "gpu"),
        described("ubuntu", "22.04", "A plain OS image"),
    ] {
        let id = id_of(&app.create_benchmark_with(&alice, sent).await);
        app.approve("benchmark", &id).await;
    }
    app.create_benchmark_with(&alice, described("deephdc/pending", "gpu", "not yet approved")).await;
}

backend_test!(benchmark_search_ors_image_tag_and_description_within_a_term, |app| {
    search_fixture(&app).await;
    assert_eq!(
        name_set(&app, "/benchmarks:search?terms=gpu").await,
        ["deephdc/cnn:1.0-gpu", "deephdc/lstm:1.0-cpu", "thomas/hpl:gpu"],
        "tag, description or image"
    );
    assert_eq!(
        name_set(&app, "/benchmarks:search?terms=deephdc").await,
        ["deephdc/cnn:1.0-gpu", "deephdc/lstm:1.0-cpu"]
    );
    assert_eq!(name_set(&app, "/benchmarks:search?terms=plain").await, ["ubuntu:22.04"]);
    assert_eq!(name_set(&app, "/benchmarks:search?terms=22.0").await, ["ubuntu:22.04"]);
    assert_eq!(name_set(&app, "/benchmarks:search").await.len(), 4, "no terms: every approved benchmark");
    assert_eq!(name_set(&app, "/benchmarks:search?terms=").await.len(), 4, "an empty term matches every row");
});

backend_test!(benchmark_search_ands_its_terms, |app| {
    search_fixture(&app).await;
    assert_eq!(
        name_set(&app, "/benchmarks:search?terms=gpu&terms=deephdc").await,
        ["deephdc/cnn:1.0-gpu", "deephdc/lstm:1.0-cpu"]
    );
    assert_eq!(
        name_set(&app, "/benchmarks:search?terms=gpu&terms=Recurrent").await,
        ["deephdc/lstm:1.0-cpu"]
    );
    assert_eq!(name_set(&app, "/benchmarks:search?terms[]=gpu&terms=thomas").await, ["thomas/hpl:gpu"]);
    assert!(name_set(&app, "/benchmarks:search?terms=gpu&terms=ubuntu").await.is_empty());
});

backend_test!(benchmark_search_is_case_sensitive_and_honours_status_and_sort, |app| {
    search_fixture(&app).await;
    assert_eq!(name_set(&app, "/benchmarks:search?terms=convolutional").await, Vec::<String>::new());
    assert_eq!(name_set(&app, "/benchmarks:search?terms=Convolutional").await, ["deephdc/cnn:1.0-gpu"]);
    assert_eq!(name_set(&app, "/benchmarks:search?terms=GPU").await, Vec::<String>::new());
    assert_eq!(
        name_set(&app, "/benchmarks:search?terms=gpu&status=on_review").await,
        ["deephdc/pending:gpu"]
    );
    assert_eq!(
        name_set(&app, "/benchmarks:search?terms=approved&status=on_review").await,
        ["deephdc/pending:gpu"]
    );
    assert!(name_set(&app, "/benchmarks:search?terms=approved").await.is_empty());
    assert_eq!(
        names(&app, "/benchmarks:search?terms=gpu&sort_by=-docker_image").await,
        ["thomas/hpl:gpu", "deephdc/lstm:1.0-cpu", "deephdc/cnn:1.0-gpu"]
    );
});

backend_test!(filtered_benchmark_lists_are_paginated, |app| {
    let alice = app.registered("alice").await;
    for tag in ["1", "2", "3", "4", "5"] {
        approved(&app, &alice, "paged", tag).await;
    }
    approved(&app, &alice, "other", "1").await;
    let first = page(&app, "/benchmarks?docker_image=paged&per_page=2&sort_by=%2Bdocker_tag").await;
    let items: Vec<&str> =
        first["items"].as_array().unwrap().iter().map(|b| b["docker_tag"].as_str().unwrap()).collect();
    assert_eq!(items, ["1", "2"]);
    assert_eq!(
        (first["total"].clone(), first["pages"].clone(), first["page"].clone(), first["per_page"].clone()),
        (json!(5), json!(3), json!(1), json!(2))
    );
    assert_eq!((first["has_prev"].clone(), first["has_next"].clone()), (json!(false), json!(true)));
    assert_eq!(first["next_num"], 2);
    assert!(first.get("prev_num").is_none(), "{first}");
    let last = page(&app, "/benchmarks?docker_image=paged&per_page=2&page=3&sort_by=%2Bdocker_tag").await;
    assert_eq!(last["items"].as_array().unwrap().len(), 1);
    assert_eq!(last["items"][0]["docker_tag"], "5");
    assert_eq!(
        (last["has_prev"].clone(), last["has_next"].clone(), last["prev_num"].clone()),
        (json!(true), json!(false), json!(2))
    );
    assert!(last.get("next_num").is_none(), "{last}");
    let (status, body) = app.get("/benchmarks?docker_image=paged&per_page=2&page=4").await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
    let empty = page(&app, "/benchmarks?docker_image=none").await;
    assert_eq!(
        empty,
        json!({"items": [], "total": 0, "pages": 0, "page": 1, "per_page": 100, "has_prev": false, "has_next": false})
    );
    let (status, _) = app.get("/benchmarks?docker_image=none&page=2").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let searched = page(&app, "/benchmarks:search?terms=paged&per_page=4&page=2").await;
    assert_eq!((searched["total"].clone(), searched["items"].as_array().unwrap().len()), (json!(5), 1));
});

/// Walks every page of `path` (which must not set `page`) with one item per page.
async fn walk(app: &TestApp, path: &str, total: usize) -> Vec<String> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut seen = Vec::new();
    for n in 1..=total {
        let body = page(app, &format!("{path}{sep}per_page=1&page={n}")).await;
        assert_eq!(body["total"], total, "{path}");
        seen.extend(body["items"].as_array().unwrap().iter().map(id_of));
    }
    seen
}

backend_test!(benchmarks_with_equal_sort_keys_never_repeat_or_vanish_across_pages, |app| {
    let alice = app.registered("alice").await;
    let mut all = Vec::new();
    for tag in ["a", "b", "c", "d", "e", "f"] {
        all.push(approved(&app, &alice, "same/image", tag).await);
    }
    all.sort();
    for path in [
        "/benchmarks",
        "/benchmarks?sort_by=%2Bdocker_image",
        "/benchmarks?sort_by=-docker_image",
        "/benchmarks:search",
        "/benchmarks:search?terms=same",
        "/benchmarks?sort_by=%2Burl",
    ] {
        let mut seen = walk(&app, path, all.len()).await;
        let first_walk = seen.clone();
        assert_eq!(walk(&app, path, all.len()).await, first_walk, "{path}: the order is stable");
        seen.sort();
        assert_eq!(seen, all, "{path}: every item exactly once");
    }
});
