//! Site lists: sorting, filters, search and pages.

use super::*;

backend_test!(sites_are_listed_by_name_by_default_and_can_be_sorted, |app| {
    let alice = app.registered("alice").await;
    for (name, address) in [("charlie", "3"), ("alpha", "4"), ("bravo", "1"), ("alphabet", "2")] {
        approved(&app, &alice, json!({"name": name, "address": address})).await;
    }
    assert_eq!(names(&app, "/sites").await, ["alpha", "alphabet", "bravo", "charlie"]);
    assert_eq!(names(&app, "/sites?sort_by=-name").await, ["charlie", "bravo", "alphabet", "alpha"]);
    assert_eq!(names(&app, "/sites?sort_by=%2Baddress").await, ["bravo", "alphabet", "charlie", "alpha"]);
    assert_eq!(names(&app, "/sites?sort_by=-address").await, ["alpha", "charlie", "alphabet", "bravo"]);
    assert_eq!(
        names(&app, "/sites?sort_by=%2Bupload_datetime").await,
        ["charlie", "alpha", "bravo", "alphabet"]
    );
    assert_eq!(
        names(&app, "/sites?sort_by=-upload_datetime").await,
        ["alphabet", "bravo", "alpha", "charlie"]
    );
    assert_eq!(names(&app, "/sites:search?sort_by=-name").await, ["charlie", "bravo", "alphabet", "alpha"]);
    let mut by_id = ids(&app, "/sites").await;
    by_id.sort();
    assert_eq!(ids(&app, "/sites?sort_by=%2Bid").await, by_id);
    by_id.reverse();
    assert_eq!(ids(&app, "/sites?sort_by=-id").await, by_id);
});

backend_test!(site_lists_refuse_bad_sort_keys_unknown_parameters_and_bad_values, |app| {
    for path in ["/sites", "/sites:search"] {
        let cases = [
            (
                "sort_by=Bad%20sort%20command",
                sort_error("Unexpected field 'ad sort command'", "Use ',' to separate fields"),
            ),
            ("sort_by=name", sort_error("Unexpected field 'ame'", "Use ',' to separate fields")),
            (
                "sort_by=%2Bdocker_image",
                sort_error("Unexpected field 'docker_image'", "Use ',' to separate fields"),
            ),
            ("sort_by=%2Bflavors", sort_error("Unexpected field 'flavors'", "Use ',' to separate fields")),
            (
                "sort_by=~name",
                sort_error("Unknown order operator '~'", "Use '+'(asc) or '-'(desc) before sort field"),
            ),
            ("bad_key=1", validation_error("query", json!({"bad_key": ["Unknown field."]}))),
            (
                "status=pending",
                validation_error("query", json!({"status": ["Must be one of: on_review, approved."]})),
            ),
            (
                "per_page=101",
                validation_error(
                    "query",
                    json!({"per_page": ["Must be greater than or equal to 1 and less than or equal to 100."]}),
                ),
            ),
            (
                "upload_after=2020-13-01",
                validation_error("query", json!({"upload_after": ["Not a valid date."]})),
            ),
        ];
        for (query, expected) in cases {
            let (status, body) = app.get(&format!("{path}?{query}")).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}?{query}: {body}");
            assert_eq!(body, expected, "{path}?{query}");
        }
    }
    for filter in ["name", "address"] {
        let (status, body) = app.get(&format!("/sites:search?{filter}=x")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "search takes no {filter} filter");
        assert_eq!(body, validation_error("query", json!({filter: ["Unknown field."]})));
    }
});

backend_test!(site_lists_filter_by_exact_name_and_address, |app| {
    let alice = app.registered("alice").await;
    for (name, address) in
        [("kit", "karlsruhe"), ("kit-2", "karlsruhe"), ("ifca", "santander"), ("cesnet", "prague")]
    {
        approved(&app, &alice, json!({"name": name, "address": address})).await;
    }
    site(&app, &alice, json!({"name": "pending", "address": "karlsruhe"})).await;
    assert_eq!(names(&app, "/sites?name=kit").await, ["kit"]);
    assert!(names(&app, "/sites?name=ki").await.is_empty(), "no substring match");
    assert!(names(&app, "/sites?name=KIT").await.is_empty(), "case matters");
    assert_eq!(names(&app, "/sites?address=karlsruhe").await, ["kit", "kit-2"]);
    assert!(names(&app, "/sites?address=karls").await.is_empty());
    assert_eq!(names(&app, "/sites?address=karlsruhe&name=kit-2").await, ["kit-2"]);
    assert!(names(&app, "/sites?address=prague&name=kit").await.is_empty());
    assert_eq!(names(&app, "/sites?address=karlsruhe&status=on_review").await, ["pending"]);
    assert_eq!(
        names(&app, "/sites?name=pending").await,
        Vec::<String>::new(),
        "status still defaults to approved"
    );
});

backend_test!(site_upload_date_filters_are_strict, |app| {
    let alice = app.registered("alice").await;
    let created = app.create_site(&alice, "kit").await;
    let id = id_of(&created);
    app.approve("site", &id).await;
    let day = naive(created["upload_datetime"].as_str().unwrap()).date();
    let (prev, next) = (day.pred_opt().unwrap(), day.succ_opt().unwrap());
    for path in ["/sites", "/sites:search"] {
        assert_eq!(ids(&app, &format!("{path}?upload_after={day}")).await, [id.as_str()]);
        assert_eq!(ids(&app, &format!("{path}?upload_after={prev}")).await, [id.as_str()]);
        assert!(ids(&app, &format!("{path}?upload_after={next}")).await.is_empty());
        assert!(ids(&app, &format!("{path}?upload_before={day}")).await.is_empty());
        assert_eq!(ids(&app, &format!("{path}?upload_before={next}")).await, [id.as_str()]);
    }
    app.create_site(&alice, "pending").await;
    assert_eq!(names(&app, &format!("/sites?status=on_review&upload_before={next}")).await, ["pending"]);
    assert!(names(&app, &format!("/sites?status=on_review&upload_after={next}")).await.is_empty());
});

/// Four approved sites and a pending one for the search tests.
async fn search_fixture(app: &TestApp) {
    let alice = app.registered("alice").await;
    for body in [
        json!({"name": "KIT-cloud", "address": "https://kit.edu", "description": "Karlsruhe openstack"}),
        json!({"name": "ifca", "address": "https://ifca.es", "description": "Santander cloud"}),
        json!({"name": "cesnet", "address": "metacentrum.cz"}),
        json!({"name": "egi", "address": "https://egi.eu", "description": "federation"}),
    ] {
        approved(app, &alice, body).await;
    }
    site(
        app,
        &alice,
        json!({"name": "new-cloud", "address": "https://new.org", "description": "awaiting review"}),
    )
    .await;
}

backend_test!(site_search_ors_name_address_and_description_within_a_term, |app| {
    search_fixture(&app).await;
    assert_eq!(
        name_set(&app, "/sites:search?terms=cloud").await,
        ["KIT-cloud", "ifca"],
        "name or description"
    );
    assert_eq!(name_set(&app, "/sites:search?terms=https").await, ["KIT-cloud", "egi", "ifca"], "address");
    assert_eq!(name_set(&app, "/sites:search?terms=meta").await, ["cesnet"]);
    assert_eq!(name_set(&app, "/sites:search?terms=federation").await, ["egi"]);
    assert_eq!(name_set(&app, "/sites:search").await.len(), 4);
});

backend_test!(site_search_ands_its_terms_is_case_sensitive_and_honours_status, |app| {
    search_fixture(&app).await;
    assert_eq!(name_set(&app, "/sites:search?terms=cloud&terms=Santander").await, ["ifca"]);
    assert_eq!(name_set(&app, "/sites:search?terms=https&terms[]=.e").await, ["KIT-cloud", "egi", "ifca"]);
    assert_eq!(name_set(&app, "/sites:search?terms=https&terms=.eu").await, ["egi"]);
    assert!(name_set(&app, "/sites:search?terms=cloud&terms=egi").await.is_empty());
    assert!(name_set(&app, "/sites:search?terms=CLOUD").await.is_empty());
    assert_eq!(name_set(&app, "/sites:search?terms=Karlsruhe").await, ["KIT-cloud"]);
    assert!(name_set(&app, "/sites:search?terms=karlsruhe").await.is_empty());
    assert_eq!(name_set(&app, "/sites:search?terms=cloud&status=on_review").await, ["new-cloud"]);
    assert_eq!(names(&app, "/sites:search?terms=https&sort_by=-address").await, ["KIT-cloud", "ifca", "egi"]);
});

backend_test!(filtered_site_lists_are_paginated, |app| {
    let alice = app.registered("alice").await;
    for name in ["s1", "s2", "s3"] {
        approved(&app, &alice, json!({"name": name, "address": "same"})).await;
    }
    approved(&app, &alice, json!({"name": "s0", "address": "elsewhere"})).await;
    let first = page(&app, "/sites?address=same&per_page=2").await;
    let items: Vec<&str> =
        first["items"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(items, ["s1", "s2"]);
    assert_eq!(
        (
            first["total"].clone(),
            first["pages"].clone(),
            first["has_next"].clone(),
            first["next_num"].clone()
        ),
        (json!(3), json!(2), json!(true), json!(2))
    );
    let second = page(&app, "/sites?address=same&per_page=2&page=2").await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_eq!(second["items"][0]["name"], "s3");
    assert_eq!(
        (second["has_prev"].clone(), second["prev_num"].clone(), second["has_next"].clone()),
        (json!(true), json!(1), json!(false))
    );
    let (status, body) = app.get("/sites?address=same&per_page=2&page=3").await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
    let searched = page(&app, "/sites:search?terms=s&per_page=3&page=2").await;
    assert_eq!((searched["total"].clone(), searched["pages"].clone()), (json!(4), json!(2)));
});

backend_test!(sites_with_equal_sort_keys_never_repeat_or_vanish_across_pages, |app| {
    let alice = app.registered("alice").await;
    let mut all = Vec::new();
    for name in ["f", "b", "d", "a", "e", "c"] {
        all.push(
            approved(&app, &alice, json!({"name": name, "address": "shared", "description": "same"})).await,
        );
    }
    all.sort();
    for path in [
        "/sites?sort_by=%2Baddress",
        "/sites?sort_by=-description",
        "/sites:search",
        "/sites:search?terms=shared",
    ] {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut seen = Vec::new();
        for n in 1..=all.len() {
            seen.extend(ids(&app, &format!("{path}{sep}per_page=1&page={n}")).await);
        }
        seen.sort();
        assert_eq!(seen, all, "{path}: every site exactly once");
    }
});
