//! Flavors: `/sites/{id}/flavors` (list, search, add) and `/flavors/{id}` (get, site, update,
//! delete, approve, reject).

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use chrono::NaiveDateTime;
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

/// Adds a flavor with an explicit body to `site_id`, returning its JSON.
async fn flavor(app: &TestApp, user: &TestUser, site_id: &str, body: Value) -> Value {
    let path = format!("/sites/{site_id}/flavors");
    let (status, created) = app.call(Method::POST, &path, Some(&user.token), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "add flavor: {created}");
    created
}

/// Adds and approves a flavor, returning its id.
async fn approved(app: &TestApp, user: &TestUser, site_id: &str, body: Value) -> String {
    let id = id_of(&flavor(app, user, site_id, body).await);
    app.approve("flavor", &id).await;
    id
}

/// A site (pending) with its id.
async fn site(app: &TestApp, user: &TestUser, name: &str) -> String {
    id_of(&app.create_site(user, name).await)
}

async fn page(app: &TestApp, path: &str) -> Value {
    let (status, body) = app.get(path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

async fn names(app: &TestApp, path: &str) -> Vec<String> {
    page(app, path).await["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect()
}

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

backend_test!(a_submitted_flavor_is_pending_until_an_admin_approves_it, |app| {
    let alice = app.registered("alice").await;
    let site_id = site(&app, &alice, "kit").await;
    app.approve("site", &site_id).await;
    let created = app.create_flavor(&alice, &site_id, "m1.small").await;
    let id = id_of(&created);
    let list = format!("/sites/{site_id}/flavors");
    let search = format!("/sites/{site_id}/flavors:search");
    assert!(names(&app, &list).await.is_empty(), "pending is not listed by default");
    assert!(names(&app, &search).await.is_empty());
    assert_eq!(ids(&app, &format!("{list}?status=on_review")).await, [id.as_str()]);
    assert_eq!(ids(&app, &format!("{search}?status=on_review")).await, [id.as_str()]);
    let (status, fetched) = app.get(&format!("/flavors/{id}")).await;
    assert_eq!(
        (status, fetched),
        (StatusCode::OK, created.clone()),
        "a pending flavor is readable by anyone"
    );
    app.approve("flavor", &id).await;
    assert_eq!(ids(&app, &list).await, [id.as_str()]);
    assert_eq!(ids(&app, &format!("{list}?status=approved")).await, [id.as_str()]);
    assert_eq!(ids(&app, &search).await, [id.as_str()]);
    assert!(ids(&app, &format!("{list}?status=on_review")).await.is_empty());
    let (status, fetched) = app.get(&format!("/flavors/{id}")).await;
    assert_eq!((status, fetched), (StatusCode::OK, created));
});

backend_test!(a_created_flavor_is_returned_without_its_site, |app| {
    let alice = app.registered("alice").await;
    let site_id = site(&app, &alice, "kit").await;
    let created = flavor(&app, &alice, &site_id, json!({"name": "gpu.large", "description": "4 GPUs"})).await;
    let id = id_of(&created);
    let uploaded = created["upload_datetime"].as_str().unwrap();
    naive(uploaded);
    assert_eq!(
        created,
        json!({"id": id, "name": "gpu.large", "description": "4 GPUs", "upload_datetime": uploaded})
    );
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 4);
    let bare_flavor = app.create_flavor(&alice, &site_id, "bare").await;
    assert_eq!(
        bare_flavor,
        json!({"id": bare_flavor["id"], "name": "bare", "upload_datetime": bare_flavor["upload_datetime"]}),
        "no description key when there is none"
    );
    let bare_id = id_of(&bare_flavor);
    app.approve("flavor", &bare_id).await;
    let listed = page(&app, &format!("/sites/{site_id}/flavors")).await;
    assert_eq!(listed["items"], json!([bare_flavor]));
});

backend_test!(flavors_can_be_added_to_and_approved_on_a_pending_site, |app| {
    let alice = app.registered("alice").await;
    let site_id = site(&app, &alice, "pending-site").await;
    let id = id_of(&app.create_flavor(&alice, &site_id, "m1").await);
    app.approve("flavor", &id).await;
    assert_eq!(names(&app, &format!("/sites/{site_id}/flavors")).await, ["m1"]);
    assert!(names(&app, "/sites").await.is_empty(), "the site itself is still pending");
    assert_eq!(names(&app, "/sites?status=on_review").await, ["pending-site"]);
});

backend_test!(adding_a_flavor_needs_a_token_and_a_registered_user_before_anything_else, |app| {
    let alice = app.registered("alice").await;
    let site_id = site(&app, &alice, "kit").await;
    let missing_site = uuid::Uuid::new_v4();
    for path in [format!("/sites/{site_id}/flavors"), format!("/sites/{missing_site}/flavors")] {
        let (status, resp) = app.call(Method::POST, &path, None, Some(json!({"name": "m1"}))).await;
        assert_eq!((status, resp), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
        let bob = app.user("bob");
        let (status, resp) = app.call(Method::POST, &path, Some(&bob.token), Some(json!({}))).await;
        assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("bob", "is_registered")));
    }
    assert_eq!(page(&app, &format!("/sites/{site_id}/flavors?status=on_review")).await["total"], 0);
});

backend_test!(adding_a_flavor_validates_the_body_then_the_site, |app| {
    let alice = app.registered("alice").await;
    let site_id = site(&app, &alice, "kit").await;
    let path = format!("/sites/{site_id}/flavors");
    let cases = [
        (json!({}), json!({"name": ["Missing data for required field."]})),
        (json!({"description": "d"}), json!({"name": ["Missing data for required field."]})),
        (json!({"name": null}), json!({"name": ["Field may not be null."]})),
        (json!({"name": "n", "description": 3}), json!({"description": ["Not a valid string."]})),
        (json!({"name": "n", "site_id": site_id}), json!({"site_id": ["Unknown field."]})),
        (json!({"name": "n", "id": uuid::Uuid::new_v4()}), json!({"id": ["Unknown field."]})),
    ];
    for (sent, errors) in cases {
        let (status, resp) = app.call(Method::POST, &path, Some(&alice.token), Some(sent.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{sent}");
        assert_eq!(resp, validation_error("json", errors), "{sent}");
    }
    let missing = uuid::Uuid::new_v4();
    let missing_path = format!("/sites/{missing}/flavors");
    let (status, _) = app.call(Method::POST, &missing_path, Some(&alice.token), Some(json!({}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the body is checked before the site");
    let (status, resp) =
        app.call(Method::POST, &missing_path, Some(&alice.token), Some(json!({"name": "n"}))).await;
    assert_eq!(
        (status, resp),
        (StatusCode::NOT_FOUND, handler_error(404, &format!("Record {missing} not found in the database")))
    );
    assert_eq!(page(&app, &format!("{path}?status=on_review")).await["total"], 0, "nothing was stored");
});

backend_test!(flavor_names_are_unique_within_a_site_in_any_status, |app| {
    let alice = app.registered("alice").await;
    let bob = app.registered("bob").await;
    let kit = site(&app, &alice, "kit").await;
    let ifca = site(&app, &alice, "ifca").await;
    approved(&app, &alice, &kit, json!({"name": "approved"})).await;
    app.create_flavor(&alice, &kit, "pending").await;
    for name in ["approved", "pending"] {
        let (status, resp) = app
            .call(
                Method::POST,
                &format!("/sites/{kit}/flavors"),
                Some(&bob.token),
                Some(json!({"name": name})),
            )
            .await;
        assert_eq!(
            (status, resp),
            (StatusCode::CONFLICT, handler_error(409, &format!("Flavor {name} already submitted/exists")))
        );
    }
    app.create_flavor(&bob, &ifca, "approved").await;
    app.create_flavor(&bob, &ifca, "pending").await;
    assert_eq!(
        name_set(&app, &format!("/sites/{ifca}/flavors?status=on_review")).await,
        ["approved", "pending"]
    );
    assert_eq!(name_set(&app, &format!("/sites/{kit}/flavors?status=on_review")).await, ["pending"]);
});

backend_test!(listing_or_searching_the_flavors_of_an_unknown_site_is_404, |app| {
    let id = uuid::Uuid::new_v4();
    for path in [format!("/sites/{id}/flavors"), format!("/sites/{id}/flavors:search")] {
        let (status, body) = app.get(&path).await;
        assert_eq!(
            (status, body),
            (StatusCode::NOT_FOUND, handler_error(404, &format!("Record {id} not found in the database"))),
            "{path}"
        );
    }
    let (status, body) = app.get("/sites/nope/flavors").await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
});

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

backend_test!(an_admin_updates_a_flavor_and_an_omitted_description_is_kept, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let kit = site(&app, &alice, "kit").await;
    let ifca = site(&app, &alice, "ifca").await;
    let created = flavor(&app, &alice, &kit, json!({"name": "m1", "description": "first"})).await;
    let id = id_of(&created);
    let path = format!("/flavors/{id}");
    let (status, resp) = app.call(Method::PUT, &path, Some(&admin.token), Some(json!({"name": "m2"}))).await;
    assert_eq!((status, resp), (StatusCode::NO_CONTENT, Value::Null));
    let (_, fetched) = app.get(&path).await;
    assert_eq!(
        fetched,
        json!({"id": id, "name": "m2", "description": "first", "upload_datetime": created["upload_datetime"]})
    );
    let sent = json!({"name": "m3", "description": "", "id": uuid::Uuid::new_v4(), "upload_datetime": "2000-01-01T00:00:00"});
    let (status, resp) = app.call(Method::PUT, &path, Some(&admin.token), Some(sent)).await;
    assert_eq!(
        status,
        StatusCode::NO_CONTENT,
        "id and upload_datetime are accepted and ignored (Q8): {resp}"
    );
    let (_, fetched) = app.get(&path).await;
    assert_eq!(
        fetched,
        json!({"id": id, "name": "m3", "description": "", "upload_datetime": created["upload_datetime"]})
    );
    let (status, resp) =
        app.call(Method::PUT, &path, Some(&admin.token), Some(json!({"name": "m3", "site_id": ifca}))).await;
    assert_eq!(
        (status, resp),
        (StatusCode::UNPROCESSABLE_ENTITY, validation_error("json", json!({"site_id": ["Unknown field."]})))
    );
    let (status, resp) =
        app.call(Method::PUT, &path, Some(&admin.token), Some(json!({"description": "d"}))).await;
    assert_eq!(
        (status, resp),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            validation_error("json", json!({"name": ["Missing data for required field."]}))
        )
    );
    let (_, site_of) = app.get(&format!("{path}/site")).await;
    assert_eq!(site_of["id"], json!(kit), "the site cannot change");
    assert_eq!(ids(&app, &format!("/sites/{kit}/flavors?status=on_review")).await, [id], "still pending");
});

backend_test!(updating_a_flavor_needs_an_admin_and_an_existing_flavor, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let kit = site(&app, &alice, "kit").await;
    let created = app.create_flavor(&alice, &kit, "m1").await;
    let path = format!("/flavors/{}", id_of(&created));
    let (status, resp) = app.call(Method::PUT, &path, None, Some(json!({"name": "x"}))).await;
    assert_eq!((status, resp), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let (status, resp) = app.call(Method::PUT, &path, Some(&alice.token), Some(json!({"name": "x"}))).await;
    assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")));
    let (_, fetched) = app.get(&path).await;
    assert_eq!(fetched, created);
    let missing = uuid::Uuid::new_v4();
    let missing_path = format!("/flavors/{missing}");
    let (status, resp) =
        app.call(Method::PUT, &missing_path, Some(&admin.token), Some(json!({"name": "x"}))).await;
    assert_eq!(
        (status, resp),
        (StatusCode::NOT_FOUND, handler_error(404, &format!("Record {missing} not found in the database")))
    );
    let (status, _) = app.call(Method::PUT, &missing_path, Some(&admin.token), Some(json!({}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the body is checked first");
});

backend_test!(renaming_a_flavor_to_a_name_taken_in_its_site_is_409, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let kit = site(&app, &alice, "kit").await;
    let ifca = site(&app, &alice, "ifca").await;
    approved(&app, &alice, &kit, json!({"name": "approved"})).await;
    app.create_flavor(&alice, &kit, "pending").await;
    app.create_flavor(&alice, &ifca, "elsewhere").await;
    let created = app.create_flavor(&alice, &kit, "mine").await;
    let path = format!("/flavors/{}", id_of(&created));
    for name in ["approved", "pending"] {
        let (status, resp) =
            app.call(Method::PUT, &path, Some(&admin.token), Some(json!({"name": name}))).await;
        assert_eq!(
            (status, resp),
            (StatusCode::CONFLICT, handler_error(409, "Changes conflict submitted/existing flavor")),
            "{name}"
        );
    }
    let (_, fetched) = app.get(&path).await;
    assert_eq!(fetched, created);
    let (status, _) =
        app.call(Method::PUT, &path, Some(&admin.token), Some(json!({"name": "elsewhere"}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "a name used on another site is fine");
    let (status, _) =
        app.call(Method::PUT, &path, Some(&admin.token), Some(json!({"name": "elsewhere"}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "keeping its own name is no conflict");
});

backend_test!(an_admin_deletes_a_flavor_in_any_status, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let kit = site(&app, &alice, "kit").await;
    let pending = id_of(&app.create_flavor(&alice, &kit, "pending").await);
    let accepted = approved(&app, &alice, &kit, json!({"name": "approved"})).await;
    let kept = approved(&app, &alice, &kit, json!({"name": "kept"})).await;
    for id in [&pending, &accepted] {
        let path = format!("/flavors/{id}");
        let (status, resp) = app.call(Method::DELETE, &path, None, None).await;
        assert_eq!((status, resp), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
        let (status, resp) = app.call(Method::DELETE, &path, Some(&alice.token), None).await;
        assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")));
        let (status, resp) = app.call(Method::DELETE, &path, Some(&admin.token), None).await;
        assert_eq!((status, resp), (StatusCode::NO_CONTENT, Value::Null));
        let not_found = handler_error(404, &format!("Record {id} not found in the database"));
        let (status, resp) = app.get(&path).await;
        assert_eq!((status, resp), (StatusCode::NOT_FOUND, not_found.clone()));
        let (status, resp) = app.call(Method::DELETE, &path, Some(&admin.token), None).await;
        assert_eq!((status, resp), (StatusCode::NOT_FOUND, not_found));
    }
    assert_eq!(ids(&app, &format!("/sites/{kit}/flavors")).await, [kept]);
    assert!(ids(&app, &format!("/sites/{kit}/flavors?status=on_review")).await.is_empty());
    let (status, _) = app.get(&format!("/sites/{kit}")).await;
    assert_eq!(status, StatusCode::OK, "the site stays");
});

backend_test!(approving_or_rejecting_an_approved_flavor_is_422, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let kit = site(&app, &alice, "kit").await;
    let id = approved(&app, &alice, &kit, json!({"name": "m1"})).await;
    for verb in ["approve", "reject"] {
        let (status, resp) =
            app.call(Method::POST, &format!("/flavors/{id}:{verb}"), Some(&admin.token), None).await;
        assert_eq!(
            (status, resp),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                handler_error(422, &format!("Flavor {id} was already approved"))
            ),
            "{verb}"
        );
    }
    assert_eq!(ids(&app, &format!("/sites/{kit}/flavors")).await, [id]);
});

backend_test!(rejecting_a_pending_flavor_deletes_it_and_a_second_reject_is_404, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let kit = site(&app, &alice, "kit").await;
    let id = id_of(&app.create_flavor(&alice, &kit, "m1").await);
    for verb in ["approve", "reject"] {
        let path = format!("/flavors/{id}:{verb}");
        let (status, resp) = app.call(Method::POST, &path, None, None).await;
        assert_eq!((status, resp), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
        let (status, resp) = app.call(Method::POST, &path, Some(&alice.token), None).await;
        assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")), "{verb}");
    }
    let (status, resp) =
        app.call(Method::POST, &format!("/flavors/{id}:reject"), Some(&admin.token), None).await;
    assert_eq!((status, resp), (StatusCode::NO_CONTENT, Value::Null));
    let not_found = handler_error(404, &format!("Record {id} not found in the database"));
    let (status, resp) = app.get(&format!("/flavors/{id}")).await;
    assert_eq!((status, resp), (StatusCode::NOT_FOUND, not_found.clone()));
    for verb in ["reject", "approve"] {
        let (status, resp) =
            app.call(Method::POST, &format!("/flavors/{id}:{verb}"), Some(&admin.token), None).await;
        assert_eq!((status, resp), (StatusCode::NOT_FOUND, not_found.clone()), "{verb}");
    }
    app.create_flavor(&alice, &kit, "m1").await;
});
