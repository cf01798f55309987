//! `/sites`: submit, list, search, get, update, delete, approve and reject.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use chrono::{Duration, NaiveDateTime, Utc};
use eosc_perf_tests::{
    TestApp, TestUser,
    app::{bare, handler_error, unauthenticated, validation_error},
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

/// Submits a site with an explicit body, returning its JSON.
async fn site(app: &TestApp, user: &TestUser, body: Value) -> Value {
    let (status, created) = app.call(Method::POST, "/sites", Some(&user.token), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "create site: {created}");
    created
}

/// Submits and approves a site, returning its id.
async fn approved(app: &TestApp, user: &TestUser, body: Value) -> String {
    let id = id_of(&site(app, user, body).await);
    app.approve("site", &id).await;
    id
}

/// A 200 page.
async fn page(app: &TestApp, path: &str) -> Value {
    let (status, body) = app.get(path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// The names of the items of a 200 page, in order.
async fn names(app: &TestApp, path: &str) -> Vec<String> {
    page(app, path).await["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Like [`names`], sorted (for endpoints without a default order).
async fn name_set(app: &TestApp, path: &str) -> Vec<String> {
    let mut names = names(app, path).await;
    names.sort();
    names
}

async fn ids(app: &TestApp, path: &str) -> Vec<String> {
    page(app, path).await["items"].as_array().expect("items").iter().map(id_of).collect()
}

fn sort_error(key_error: &str, hint: &str) -> Value {
    json!({"code": 422, "status": "Unprocessable Entity", "message": {"KeyError": key_error, "hint": hint}})
}

backend_test!(a_submitted_site_is_pending_until_an_admin_approves_it, |app| {
    let alice = app.registered("alice").await;
    let created = app.create_site(&alice, "kit").await;
    let id = id_of(&created);
    assert!(names(&app, "/sites").await.is_empty(), "pending is not listed by default");
    assert!(names(&app, "/sites:search").await.is_empty());
    assert_eq!(ids(&app, "/sites?status=on_review").await, [id.as_str()]);
    assert_eq!(ids(&app, "/sites:search?status=on_review").await, [id.as_str()]);
    let (status, fetched) = app.get(&format!("/sites/{id}")).await;
    assert_eq!((status, fetched), (StatusCode::OK, created.clone()), "a pending site is readable by anyone");
    app.approve("site", &id).await;
    assert_eq!(ids(&app, "/sites").await, [id.as_str()]);
    assert_eq!(ids(&app, "/sites?status=approved").await, [id.as_str()]);
    assert_eq!(ids(&app, "/sites:search").await, [id.as_str()]);
    assert!(ids(&app, "/sites?status=on_review").await.is_empty());
    let (status, fetched) = app.get(&format!("/sites/{id}")).await;
    assert_eq!((status, fetched), (StatusCode::OK, created));
});

backend_test!(a_created_site_is_returned_whole_with_a_fresh_id_and_naive_upload_time, |app| {
    let alice = app.registered("alice").await;
    let before = Utc::now().naive_utc();
    let created =
        site(&app, &alice, json!({"name": "KIT", "address": "https://kit.edu", "description": "Karlsruhe"}))
            .await;
    let after = Utc::now().naive_utc();
    let id = id_of(&created);
    let uploaded = created["upload_datetime"].as_str().unwrap().to_owned();
    assert_eq!(
        created,
        json!({"id": id, "name": "KIT", "address": "https://kit.edu", "description": "Karlsruhe", "upload_datetime": uploaded})
    );
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 4);
    let at = naive(&uploaded);
    assert!(before - Duration::seconds(1) <= at && at <= after + Duration::seconds(1), "{uploaded}");
});

backend_test!(a_site_without_description_has_no_description_key_and_strings_are_not_checked, |app| {
    let alice = app.registered("alice").await;
    let created = site(&app, &alice, json!({"name": "bare", "address": "not a url"})).await;
    let id = id_of(&created);
    assert_eq!(
        created,
        json!({"id": id, "name": "bare", "address": "not a url", "upload_datetime": created["upload_datetime"]})
    );
    let (_, fetched) = app.get(&format!("/sites/{id}")).await;
    assert!(fetched.get("description").is_none(), "{fetched}");
    app.approve("site", &id).await;
    let listed = page(&app, "/sites").await;
    assert!(listed["items"][0].get("description").is_none(), "{listed}");
    let empty = site(&app, &alice, json!({"name": "", "address": "", "description": ""})).await;
    assert_eq!(
        (empty["name"].clone(), empty["address"].clone(), empty["description"].clone()),
        (json!(""), json!(""), json!(""))
    );
});

backend_test!(creating_a_site_needs_a_token_and_a_registered_user_before_the_body, |app| {
    let (status, resp) = app.call(Method::POST, "/sites", None, Some(json!({}))).await;
    assert_eq!((status, resp), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let bob = app.user("bob");
    let (status, resp) =
        app.call(Method::POST, "/sites", Some(&bob.token), Some(json!({"name": "x", "address": "y"}))).await;
    assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("bob", "is_registered")));
    let (status, resp) = app.call(Method::POST, "/sites", Some(&bob.token), Some(json!({}))).await;
    assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("bob", "is_registered")));
    assert_eq!(page(&app, "/sites?status=on_review").await["total"], 0);
});

backend_test!(creating_a_site_validates_the_body_like_marshmallow, |app| {
    let alice = app.registered("alice").await;
    let missing = json!(["Missing data for required field."]);
    let cases = [
        (json!({}), json!({"name": missing, "address": missing})),
        (json!({"name": "x"}), json!({"address": missing})),
        (json!({"address": "x"}), json!({"name": missing})),
        (json!({"name": null, "address": "a"}), json!({"name": ["Field may not be null."]})),
        (
            json!({"name": "n", "address": "a", "description": null}),
            json!({"description": ["Field may not be null."]}),
        ),
        (
            json!({"name": 1, "address": true}),
            json!({"name": ["Not a valid string."], "address": ["Not a valid string."]}),
        ),
        (json!({"name": "n", "address": "a", "flavors": []}), json!({"flavors": ["Unknown field."]})),
        (json!({"name": "n", "address": "a", "id": uuid::Uuid::new_v4()}), json!({"id": ["Unknown field."]})),
        (
            json!({"name": "n", "address": "a", "upload_datetime": "2020-01-01"}),
            json!({"upload_datetime": ["Unknown field."]}),
        ),
    ];
    for (sent, errors) in cases {
        let (status, resp) = app.call(Method::POST, "/sites", Some(&alice.token), Some(sent.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{sent}");
        assert_eq!(resp, validation_error("json", errors), "{sent}");
    }
    assert_eq!(page(&app, "/sites?status=on_review").await["total"], 0, "nothing was stored");
});

backend_test!(site_names_are_unique_across_all_statuses, |app| {
    let alice = app.registered("alice").await;
    let bob = app.registered("bob").await;
    approved(&app, &alice, json!({"name": "approved", "address": "a"})).await;
    app.create_site(&alice, "pending").await;
    for name in ["approved", "pending"] {
        let (status, resp) = app
            .call(Method::POST, "/sites", Some(&bob.token), Some(json!({"name": name, "address": "other"})))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{name}");
        assert_eq!(resp, handler_error(409, &format!("Site {name} already submitted/exists")));
    }
    site(&app, &bob, json!({"name": "third", "address": "a"})).await;
    site(&app, &bob, json!({"name": "Approved", "address": "a"})).await;
    assert_eq!(name_set(&app, "/sites?status=on_review").await, ["Approved", "pending", "third"]);
});

backend_test!(getting_an_unknown_site_is_404_with_the_record_message, |app| {
    let id = uuid::Uuid::new_v4();
    let (status, body) = app.get(&format!("/sites/{id}")).await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, handler_error(404, &format!("Record {id} not found in the database")))
    );
    let (status, body) = app.get("/sites/12345").await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
});

backend_test!(get_site_ignores_the_query_string, |app| {
    let alice = app.registered("alice").await;
    let created = app.create_site(&alice, "kit").await;
    let (status, body) = app.get(&format!("/sites/{}?x=1&status=approved", id_of(&created))).await;
    assert_eq!((status, body), (StatusCode::OK, created));
});

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

backend_test!(an_admin_updates_a_site_and_an_omitted_description_is_kept, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let created = site(&app, &alice, json!({"name": "kit", "address": "old", "description": "first"})).await;
    let id = id_of(&created);
    let path = format!("/sites/{id}");
    let (status, resp) = app
        .call(Method::PUT, &path, Some(&admin.token), Some(json!({"name": "KIT", "address": "new"})))
        .await;
    assert_eq!((status, resp), (StatusCode::NO_CONTENT, Value::Null));
    let (_, fetched) = app.get(&path).await;
    assert_eq!(
        fetched,
        json!({"id": id, "name": "KIT", "address": "new", "description": "first", "upload_datetime": created["upload_datetime"]})
    );
    assert_eq!(ids(&app, "/sites?status=on_review").await, [id.as_str()], "the status is unchanged");
    let sent = json!({"name": "KIT", "address": "new", "description": "second",
                      "id": uuid::Uuid::new_v4(), "upload_datetime": "2000-01-01T00:00:00"});
    let (status, resp) = app.call(Method::PUT, &path, Some(&admin.token), Some(sent)).await;
    assert_eq!(
        status,
        StatusCode::NO_CONTENT,
        "id and upload_datetime are accepted and ignored (Q8): {resp}"
    );
    let (_, fetched) = app.get(&path).await;
    assert_eq!((fetched["id"].clone(), fetched["description"].clone()), (json!(id), json!("second")));
    assert_eq!(fetched["upload_datetime"], created["upload_datetime"]);
    app.approve("site", &id).await;
    let (status, _) =
        app.call(Method::PUT, &path, Some(&admin.token), Some(json!({"name": "KIT", "address": "x"}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(names(&app, "/sites").await, ["KIT"], "an approved site stays approved");
});

backend_test!(updating_a_site_refuses_unknown_fields_and_partial_bodies, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let created = app.create_site(&alice, "kit").await;
    let path = format!("/sites/{}", id_of(&created));
    let missing = json!(["Missing data for required field."]);
    let cases = [
        (json!({"name": "n", "address": "a", "bad_field": ""}), json!({"bad_field": ["Unknown field."]})),
        (json!({"name": "n", "address": "a", "status": "approved"}), json!({"status": ["Unknown field."]})),
        (json!({"name": "n"}), json!({"address": missing})),
        (json!({"address": "a", "id": uuid::Uuid::new_v4()}), json!({"name": missing})),
        (
            json!({"name": "n", "address": "a", "description": null}),
            json!({"description": ["Field may not be null."]}),
        ),
    ];
    for (sent, errors) in cases {
        let (status, resp) = app.call(Method::PUT, &path, Some(&admin.token), Some(sent.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{sent}");
        assert_eq!(resp, validation_error("json", errors), "{sent}");
    }
    let (_, fetched) = app.get(&path).await;
    assert_eq!(fetched, created);
});

backend_test!(updating_a_site_needs_an_admin, |app| {
    let alice = app.registered("alice").await;
    let created = app.create_site(&alice, "kit").await;
    let path = format!("/sites/{}", id_of(&created));
    let sent = json!({"name": "changed", "address": "a"});
    let (status, resp) = app.call(Method::PUT, &path, None, Some(sent.clone())).await;
    assert_eq!((status, resp), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let bob = app.user("bob");
    let (status, resp) = app.call(Method::PUT, &path, Some(&bob.token), Some(sent.clone())).await;
    assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("bob", "is_registered")));
    let (status, resp) = app.call(Method::PUT, &path, Some(&alice.token), Some(json!({}))).await;
    assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")));
    let (_, fetched) = app.get(&path).await;
    assert_eq!(fetched, created);
});

backend_test!(updating_an_unknown_site_is_404_after_the_body_checks, |app| {
    let admin = app.admin("root").await;
    let id = uuid::Uuid::new_v4();
    let path = format!("/sites/{id}");
    let (status, resp) =
        app.call(Method::PUT, &path, Some(&admin.token), Some(json!({"name": "n", "address": "a"}))).await;
    assert_eq!(
        (status, resp),
        (StatusCode::NOT_FOUND, handler_error(404, &format!("Record {id} not found in the database")))
    );
    let (status, _) = app.call(Method::PUT, &path, Some(&admin.token), Some(json!({"name": "n"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the body is checked first");
});

backend_test!(renaming_a_site_to_a_taken_name_is_409_in_any_status, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    approved(&app, &alice, json!({"name": "approved", "address": "a"})).await;
    app.create_site(&alice, "pending").await;
    let created = app.create_site(&alice, "mine").await;
    let path = format!("/sites/{}", id_of(&created));
    for name in ["approved", "pending"] {
        let (status, resp) = app
            .call(Method::PUT, &path, Some(&admin.token), Some(json!({"name": name, "address": "a"})))
            .await;
        assert_eq!(
            (status, resp),
            (StatusCode::CONFLICT, handler_error(409, "Changes conflict submitted/existing site")),
            "{name}"
        );
    }
    let (_, fetched) = app.get(&path).await;
    assert_eq!(fetched, created);
    let (status, _) = app
        .call(Method::PUT, &path, Some(&admin.token), Some(json!({"name": "mine", "address": "moved"})))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "keeping its own name is no conflict");
});

backend_test!(an_admin_deletes_a_site_in_any_status, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let pending = id_of(&app.create_site(&alice, "pending").await);
    let accepted = approved(&app, &alice, json!({"name": "approved", "address": "a"})).await;
    for id in [&pending, &accepted] {
        let path = format!("/sites/{id}");
        let (status, resp) = app.call(Method::DELETE, &path, Some(&admin.token), None).await;
        assert_eq!((status, resp), (StatusCode::NO_CONTENT, Value::Null));
        let not_found = handler_error(404, &format!("Record {id} not found in the database"));
        let (status, resp) = app.get(&path).await;
        assert_eq!((status, resp), (StatusCode::NOT_FOUND, not_found.clone()));
        let (status, resp) = app.call(Method::DELETE, &path, Some(&admin.token), None).await;
        assert_eq!((status, resp), (StatusCode::NOT_FOUND, not_found));
    }
    assert_eq!(page(&app, "/sites").await["total"], 0);
    assert_eq!(page(&app, "/sites?status=on_review").await["total"], 0);
    app.create_site(&alice, "pending").await;
});

backend_test!(deleting_a_site_needs_an_admin, |app| {
    let alice = app.registered("alice").await;
    let path = format!("/sites/{}", id_of(&app.create_site(&alice, "kit").await));
    let (status, resp) = app.call(Method::DELETE, &path, None, None).await;
    assert_eq!((status, resp), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let (status, resp) = app.call(Method::DELETE, &path, Some(&alice.token), None).await;
    assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")));
    let (status, _) = app.get(&path).await;
    assert_eq!(status, StatusCode::OK);
});

backend_test!(approving_or_rejecting_an_approved_site_is_422, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let id = approved(&app, &alice, json!({"name": "kit", "address": "a"})).await;
    for verb in ["approve", "reject"] {
        let (status, resp) =
            app.call(Method::POST, &format!("/sites/{id}:{verb}"), Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{verb}");
        assert_eq!(resp, handler_error(422, &format!("Site {id} was already approved")), "{verb}");
    }
    assert_eq!(ids(&app, "/sites").await, [id]);
});

backend_test!(rejecting_a_pending_site_deletes_it_and_a_second_reject_is_404, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let id = id_of(&app.create_site(&alice, "kit").await);
    let (status, resp) =
        app.call(Method::POST, &format!("/sites/{id}:reject"), Some(&admin.token), None).await;
    assert_eq!((status, resp), (StatusCode::NO_CONTENT, Value::Null));
    let not_found = handler_error(404, &format!("Record {id} not found in the database"));
    let (status, resp) = app.get(&format!("/sites/{id}")).await;
    assert_eq!((status, resp), (StatusCode::NOT_FOUND, not_found.clone()));
    for verb in ["reject", "approve"] {
        let (status, resp) =
            app.call(Method::POST, &format!("/sites/{id}:{verb}"), Some(&admin.token), None).await;
        assert_eq!((status, resp), (StatusCode::NOT_FOUND, not_found.clone()), "{verb}");
    }
    app.create_site(&alice, "kit").await;
});

backend_test!(site_moderation_needs_an_admin_and_ignores_the_query_string, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let id = id_of(&app.create_site(&alice, "kit").await);
    for verb in ["approve", "reject"] {
        let path = format!("/sites/{id}:{verb}");
        let (status, resp) = app.call(Method::POST, &path, None, None).await;
        assert_eq!((status, resp), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
        let (status, resp) = app.call(Method::POST, &path, Some(&alice.token), None).await;
        assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")), "{verb}");
    }
    assert_eq!(ids(&app, "/sites?status=on_review").await, [id.as_str()]);
    let (status, resp) =
        app.call(Method::POST, &format!("/sites/{id}:approve?x=1"), Some(&admin.token), None).await;
    assert_eq!(
        (status, resp),
        (StatusCode::NO_CONTENT, Value::Null),
        "only the six benchmark/claim actions refuse queries"
    );
    assert_eq!(ids(&app, "/sites").await, [id]);
});
