//! Flavor lists, search, pages, and reading one flavor and its site.

use super::*;

backend_test!(flavors_are_listed_per_site_by_name_by_default_and_can_be_sorted, |app| {
    let alice = app.registered("alice").await;
    let kit = site(&app, &alice, "kit").await;
    let ifca = site(&app, &alice, "ifca").await;
    for (name, description) in [("c", "2"), ("a", "3"), ("b", "1")] {
        approved(&app, &alice, &kit, json!({"name": name, "description": description})).await;
    }
    approved(&app, &alice, &ifca, json!({"name": "elsewhere"})).await;
    let list = format!("/sites/{kit}/flavors");
    assert_eq!(names(&app, &list).await, ["a", "b", "c"]);
    assert_eq!(names(&app, &format!("{list}?sort_by=-name")).await, ["c", "b", "a"]);
    assert_eq!(names(&app, &format!("{list}?sort_by=%2Bdescription")).await, ["b", "c", "a"]);
    assert_eq!(names(&app, &format!("{list}?sort_by=%2Bupload_datetime")).await, ["c", "a", "b"]);
    assert_eq!(names(&app, &format!("{list}?sort_by=-upload_datetime")).await, ["b", "a", "c"]);
    assert_eq!(names(&app, &format!("/sites/{kit}/flavors:search?sort_by=-name")).await, ["c", "b", "a"]);
    assert_eq!(name_set(&app, &format!("/sites/{kit}/flavors:search")).await, ["a", "b", "c"]);
    assert_eq!(names(&app, &format!("/sites/{ifca}/flavors")).await, ["elsewhere"]);
    let mut by_id = ids(&app, &list).await;
    by_id.sort();
    assert_eq!(ids(&app, &format!("{list}?sort_by=%2Bid")).await, by_id);
});

backend_test!(flavor_lists_refuse_bad_sort_keys_unknown_parameters_and_bad_values, |app| {
    let alice = app.registered("alice").await;
    let kit = site(&app, &alice, "kit").await;
    for path in [format!("/sites/{kit}/flavors"), format!("/sites/{kit}/flavors:search")] {
        let cases = [
            (
                "sort_by=Bad%20sort%20command",
                sort_error("Unexpected field 'ad sort command'", "Use ',' to separate fields"),
            ),
            ("sort_by=%2Baddress", sort_error("Unexpected field 'address'", "Use ',' to separate fields")),
            ("sort_by=%2Bsite", sort_error("Unexpected field 'site'", "Use ',' to separate fields")),
            (
                "sort_by=!name",
                sort_error("Unknown order operator '!'", "Use '+'(asc) or '-'(desc) before sort field"),
            ),
            ("bad_key=1", validation_error("query", json!({"bad_key": ["Unknown field."]}))),
            ("site_id=1", validation_error("query", json!({"site_id": ["Unknown field."]}))),
            (
                "status=all",
                validation_error("query", json!({"status": ["Must be one of: on_review, approved."]})),
            ),
            ("page=-1", validation_error("query", json!({"page": ["Must be greater than or equal to 1."]}))),
            (
                "upload_before=soon",
                validation_error("query", json!({"upload_before": ["Not a valid date."]})),
            ),
        ];
        for (query, expected) in cases {
            let (status, body) = app.get(&format!("{path}?{query}")).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}?{query}: {body}");
            assert_eq!(body, expected, "{path}?{query}");
        }
    }
    let (status, body) = app.get(&format!("/sites/{kit}/flavors:search?name=x")).await;
    assert_eq!(
        (status, body),
        (StatusCode::UNPROCESSABLE_ENTITY, validation_error("query", json!({"name": ["Unknown field."]})))
    );
});

backend_test!(flavor_lists_filter_by_exact_name_and_upload_date, |app| {
    let alice = app.registered("alice").await;
    let kit = site(&app, &alice, "kit").await;
    let created = flavor(&app, &alice, &kit, json!({"name": "m1.small"})).await;
    let id = id_of(&created);
    app.approve("flavor", &id).await;
    approved(&app, &alice, &kit, json!({"name": "m1.large"})).await;
    app.create_flavor(&alice, &kit, "m1.pending").await;
    let list = format!("/sites/{kit}/flavors");
    assert_eq!(names(&app, &format!("{list}?name=m1.small")).await, ["m1.small"]);
    assert!(names(&app, &format!("{list}?name=m1")).await.is_empty(), "no substring match");
    assert!(names(&app, &format!("{list}?name=M1.SMALL")).await.is_empty(), "case matters");
    assert!(names(&app, &format!("{list}?name=m1.pending")).await.is_empty(), "approved by default");
    assert_eq!(names(&app, &format!("{list}?name=m1.pending&status=on_review")).await, ["m1.pending"]);
    let day = naive(created["upload_datetime"].as_str().unwrap()).date();
    let (prev, next) = (day.pred_opt().unwrap(), day.succ_opt().unwrap());
    for path in [list.clone(), format!("/sites/{kit}/flavors:search")] {
        assert_eq!(name_set(&app, &format!("{path}?upload_after={day}")).await, ["m1.large", "m1.small"]);
        assert_eq!(name_set(&app, &format!("{path}?upload_after={prev}")).await, ["m1.large", "m1.small"]);
        assert!(names(&app, &format!("{path}?upload_after={next}")).await.is_empty());
        assert!(names(&app, &format!("{path}?upload_before={day}")).await.is_empty());
        assert_eq!(name_set(&app, &format!("{path}?upload_before={next}")).await, ["m1.large", "m1.small"]);
    }
    assert_eq!(ids(&app, &format!("{list}?name=m1.small&upload_before={next}")).await, [id]);
});

backend_test!(flavor_search_ors_name_and_description_ands_terms_and_stays_in_its_site, |app| {
    let alice = app.registered("alice").await;
    let kit = site(&app, &alice, "kit").await;
    let ifca = site(&app, &alice, "ifca").await;
    for body in [
        json!({"name": "gpu.large", "description": "Tesla V100"}),
        json!({"name": "cpu.large", "description": "no gpu here"}),
        json!({"name": "hpc", "description": "infiniband"}),
        json!({"name": "tiny"}),
    ] {
        approved(&app, &alice, &kit, body).await;
    }
    approved(&app, &alice, &ifca, json!({"name": "gpu.other-site", "description": "gpu"})).await;
    flavor(&app, &alice, &kit, json!({"name": "gpu.pending", "description": "pending"})).await;
    let search = format!("/sites/{kit}/flavors:search");
    assert_eq!(name_set(&app, &format!("{search}?terms=gpu")).await, ["cpu.large", "gpu.large"]);
    assert_eq!(name_set(&app, &format!("{search}?terms=large")).await, ["cpu.large", "gpu.large"]);
    assert_eq!(name_set(&app, &format!("{search}?terms=infini")).await, ["hpc"]);
    assert_eq!(name_set(&app, &format!("{search}?terms=gpu&terms=Tesla")).await, ["gpu.large"]);
    assert_eq!(name_set(&app, &format!("{search}?terms=large&terms[]=here")).await, ["cpu.large"]);
    assert!(name_set(&app, &format!("{search}?terms=gpu&terms=hpc")).await.is_empty());
    assert!(name_set(&app, &format!("{search}?terms=tesla")).await.is_empty(), "case-sensitive");
    assert!(name_set(&app, &format!("{search}?terms=kit")).await.is_empty(), "the site is not searched");
    assert_eq!(name_set(&app, &format!("{search}?terms=gpu&status=on_review")).await, ["gpu.pending"]);
    assert_eq!(name_set(&app, &search).await, ["cpu.large", "gpu.large", "hpc", "tiny"]);
    assert_eq!(names(&app, &format!("{search}?terms=large&sort_by=-name")).await, ["gpu.large", "cpu.large"]);
});

backend_test!(filtered_flavor_lists_are_paginated_without_repeats_on_equal_keys, |app| {
    let alice = app.registered("alice").await;
    let kit = site(&app, &alice, "kit").await;
    let mut all = Vec::new();
    for name in ["e", "c", "a", "d", "b"] {
        all.push(approved(&app, &alice, &kit, json!({"name": name, "description": "same"})).await);
    }
    all.sort();
    let list = format!("/sites/{kit}/flavors");
    let first = page(&app, &format!("{list}?per_page=2")).await;
    assert_eq!(
        (
            first["total"].clone(),
            first["pages"].clone(),
            first["has_next"].clone(),
            first["next_num"].clone()
        ),
        (json!(5), json!(3), json!(true), json!(2))
    );
    assert_eq!(names(&app, &format!("{list}?per_page=2&page=3")).await, ["e"]);
    let (status, body) = app.get(&format!("{list}?per_page=2&page=4")).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
    for path in [format!("{list}?sort_by=%2Bdescription"), format!("/sites/{kit}/flavors:search?terms=same")]
    {
        let mut seen = Vec::new();
        for n in 1..=all.len() {
            seen.extend(ids(&app, &format!("{path}&per_page=1&page={n}")).await);
        }
        seen.sort();
        assert_eq!(seen, all, "{path}: every flavor exactly once");
    }
});

backend_test!(getting_an_unknown_flavor_is_404_and_get_flavor_ignores_the_query, |app| {
    let id = uuid::Uuid::new_v4();
    let not_found = handler_error(404, &format!("Record {id} not found in the database"));
    let (status, body) = app.get(&format!("/flavors/{id}")).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, not_found.clone()));
    let (status, body) = app.get(&format!("/flavors/{id}/site")).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, not_found), "the flavor message");
    let (status, body) = app.get("/flavors/xyz").await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
    let alice = app.registered("alice").await;
    let kit = site(&app, &alice, "kit").await;
    let created = app.create_flavor(&alice, &kit, "m1").await;
    let (status, body) = app.get(&format!("/flavors/{}?x=1", id_of(&created))).await;
    assert_eq!((status, body), (StatusCode::OK, created));
});

backend_test!(the_site_of_a_flavor_is_returned_in_any_status, |app| {
    let alice = app.registered("alice").await;
    let kit = app.create_site(&alice, "kit").await;
    let kit_id = id_of(&kit);
    site(&app, &alice, "other").await;
    let pending = id_of(&app.create_flavor(&alice, &kit_id, "m1").await);
    let (status, body) = app.get(&format!("/flavors/{pending}/site")).await;
    assert_eq!((status, body), (StatusCode::OK, kit.clone()), "pending flavor of a pending site");
    app.approve("site", &kit_id).await;
    app.approve("flavor", &pending).await;
    let (status, body) = app.get(&format!("/flavors/{pending}/site?x=1")).await;
    assert_eq!((status, body), (StatusCode::OK, kit));
});
