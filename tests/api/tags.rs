//! `/tags`: list, search, get, create, update, delete.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use eosc_perf_tests::{
    TestApp, TestUser,
    app::{bare, handler_error, unauthenticated, validation_error},
    backend_test,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Creates a tag with an explicit body as `user`, returning its id.
async fn tag(app: &TestApp, user: &TestUser, body: Value) -> String {
    let (status, created) = app.call(Method::POST, "/tags", Some(&user.token), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "create tag: {created}");
    created["id"].as_str().expect("tag id").to_owned()
}

/// The names of the items of a 200 page, in order.
async fn names(app: &TestApp, path: &str) -> Vec<String> {
    let (status, body) = app.get(path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|t| t["name"].as_str().expect("name").to_owned())
        .collect()
}

/// Like [`names`], sorted (for endpoints without a default order).
async fn name_set(app: &TestApp, path: &str) -> Vec<String> {
    let mut names = names(app, path).await;
    names.sort();
    names
}

/// Four tags for the search tests.
async fn search_fixture(app: &TestApp) {
    let user = app.registered("alice").await;
    tag(app, &user, json!({"name": "cuda", "description": "runs on a gpu"})).await;
    tag(app, &user, json!({"name": "gpu-fast", "description": "Fast lane"})).await;
    tag(app, &user, json!({"name": "cpu"})).await;
    tag(app, &user, json!({"name": "GPU-big", "description": "large"})).await;
}

backend_test!(a_registered_user_creates_a_tag_and_anyone_reads_it, |app| {
    let user = app.registered("alice").await;
    let tag = app.create_tag(&user, "gpu").await;
    let id = tag["id"].as_str().unwrap();
    let (status, body) = app.get(&format!("/tags/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"id": id, "name": "gpu", "description": "about gpu"}));
    let (status, body) =
        app.call(Method::POST, "/tags", Some(&user.token), Some(json!({"name": "gpu"}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        json!({"code": 409, "status": "Conflict", "errors": {"error": "Tag gpu already submitted/exists"}})
    );
});

backend_test!(a_created_tag_is_returned_with_a_fresh_uuid, |app| {
    let user = app.registered("alice").await;
    let a = app.create_tag(&user, "a").await;
    let b = app.create_tag(&user, "b").await;
    let (a, b) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    assert_eq!(uuid::Uuid::parse_str(a).unwrap().get_version_num(), 4);
    assert_ne!(a, b);
});

backend_test!(a_tag_without_description_has_no_description_key, |app| {
    let user = app.registered("alice").await;
    let (status, created) =
        app.call(Method::POST, "/tags", Some(&user.token), Some(json!({"name": "bare"}))).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = created["id"].as_str().unwrap();
    assert_eq!(created, json!({"id": id, "name": "bare"}));
    let (_, fetched) = app.get(&format!("/tags/{id}")).await;
    assert_eq!(fetched, json!({"id": id, "name": "bare"}));
    let (_, page) = app.get("/tags").await;
    assert_eq!(page["items"], json!([{"id": id, "name": "bare"}]));
});

backend_test!(an_empty_description_and_an_empty_name_are_kept_as_given, |app| {
    let user = app.registered("alice").await;
    let id = tag(&app, &user, json!({"name": "", "description": ""})).await;
    let (status, body) = app.get(&format!("/tags/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"id": id, "name": "", "description": ""}));
});

backend_test!(creating_a_tag_needs_a_token_and_a_registered_user, |app| {
    let body = json!({"name": "gpu"});
    let (status, resp) = app.call(Method::POST, "/tags", None, Some(body.clone())).await;
    assert_eq!((status, resp), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let bob = app.user("bob");
    let (status, resp) = app.call(Method::POST, "/tags", Some(&bob.token), Some(body)).await;
    assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("bob", "is_registered")));
    let (_, page) = app.get("/tags").await;
    assert_eq!(page["total"], 0);
});

backend_test!(creating_a_tag_validates_the_body_like_marshmallow, |app| {
    let user = app.registered("alice").await;
    let cases = [
        (json!({}), json!({"name": ["Missing data for required field."]})),
        (json!({"description": "d"}), json!({"name": ["Missing data for required field."]})),
        (json!({"name": null}), json!({"name": ["Field may not be null."]})),
        (json!({"name": "x", "description": null}), json!({"description": ["Field may not be null."]})),
        (json!({"name": 5}), json!({"name": ["Not a valid string."]})),
        (json!({"name": "x", "description": ["d"]}), json!({"description": ["Not a valid string."]})),
        (json!({"name": "x", "color": "red"}), json!({"color": ["Unknown field."]})),
        (json!({"name": "x", "id": uuid::Uuid::new_v4()}), json!({"id": ["Unknown field."]})),
        (
            json!({"bad": 1, "description": 2}),
            json!({"bad": ["Unknown field."], "description": ["Not a valid string."], "name": ["Missing data for required field."]}),
        ),
    ];
    for (body, errors) in cases {
        let (status, resp) = app.call(Method::POST, "/tags", Some(&user.token), Some(body.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(resp, validation_error("json", errors), "{body}");
    }
    let (_, page) = app.get("/tags").await;
    assert_eq!(page["total"], 0, "no invalid tag was stored");
});

backend_test!(getting_an_unknown_tag_is_404_with_the_record_message, |app| {
    let id = uuid::Uuid::new_v4();
    let (status, body) = app.get(&format!("/tags/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, handler_error(404, &format!("Record {id} not found in the database")));
});

backend_test!(get_tag_ignores_the_query_string, |app| {
    let user = app.registered("alice").await;
    let id = app.create_tag(&user, "gpu").await["id"].as_str().unwrap().to_owned();
    let (status, body) = app.get(&format!("/tags/{id}?x=1")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["name"], "gpu");
});

backend_test!(tags_are_listed_by_name_by_default_and_filtered_by_exact_name, |app| {
    let user = app.registered("alice").await;
    for name in ["charlie", "alpha", "bravo", "alphabet"] {
        app.create_tag(&user, name).await;
    }
    assert_eq!(names(&app, "/tags").await, ["alpha", "alphabet", "bravo", "charlie"]);
    assert_eq!(names(&app, "/tags?sort_by=-name").await, ["charlie", "bravo", "alphabet", "alpha"]);
    assert_eq!(names(&app, "/tags?sort_by=%2Bdescription").await, ["alpha", "alphabet", "bravo", "charlie"]);
    assert_eq!(names(&app, "/tags?name=alpha").await, ["alpha"]);
    assert_eq!(names(&app, "/tags?name=alph").await, Vec::<String>::new());
    let (_, page) = app.get("/tags?name=bravo").await;
    let id = page["items"][0]["id"].as_str().unwrap();
    assert_eq!(
        page,
        json!({"items": [{"id": id, "name": "bravo", "description": "about bravo"}],
               "total": 1, "pages": 1, "page": 1, "per_page": 100, "has_prev": false, "has_next": false})
    );
});

backend_test!(tag_lists_can_be_sorted_by_id, |app| {
    let user = app.registered("alice").await;
    let mut ids = Vec::new();
    for name in ["a", "b", "c", "d"] {
        ids.push(app.create_tag(&user, name).await["id"].as_str().unwrap().to_owned());
    }
    ids.sort();
    let (_, page) = app.get("/tags?sort_by=%2Bid").await;
    let got: Vec<&str> =
        page["items"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(got, ids);
    let (_, page) = app.get("/tags?sort_by=-id").await;
    let got: Vec<&str> =
        page["items"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    ids.reverse();
    assert_eq!(got, ids);
});

backend_test!(tag_lists_refuse_status_and_upload_dates, |app| {
    for param in ["status=approved", "upload_before=2020-01-01", "upload_after=2020-01-01"] {
        let name = param.split('=').next().unwrap();
        let (status, body) = app.get(&format!("/tags?{param}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{param}");
        assert_eq!(body, validation_error("query", json!({name: ["Unknown field."]})));
        let (status, body) = app.get(&format!("/tags:search?{param}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "search {param}");
        assert_eq!(body, validation_error("query", json!({name: ["Unknown field."]})));
    }
});

backend_test!(tag_lists_refuse_sorting_by_upload_datetime, |app| {
    let (status, body) = app.get("/tags?sort_by=%2Bupload_datetime").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        json!({"code": 422, "status": "Unprocessable Entity",
               "message": {"KeyError": "Unexpected field 'upload_datetime'", "hint": "Use ',' to separate fields"}})
    );
});

backend_test!(searching_tags_matches_name_or_description_case_sensitively, |app| {
    search_fixture(&app).await;
    assert_eq!(name_set(&app, "/tags:search?terms=gpu").await, ["cuda", "gpu-fast"]);
    assert_eq!(name_set(&app, "/tags:search?terms=GPU").await, ["GPU-big"]);
    assert_eq!(name_set(&app, "/tags:search?terms=pu").await, ["cpu", "cuda", "gpu-fast"]);
    assert_eq!(name_set(&app, "/tags:search?terms=arg").await, ["GPU-big"]);
    assert_eq!(name_set(&app, "/tags:search?terms=nothing").await, Vec::<String>::new());
});

backend_test!(searching_tags_requires_every_term, |app| {
    search_fixture(&app).await;
    // "gpu" in the name and "Fast" in the description of the same tag.
    assert_eq!(name_set(&app, "/tags:search?terms=gpu&terms=Fast").await, ["gpu-fast"]);
    assert_eq!(name_set(&app, "/tags:search?terms=gpu&terms=runs").await, ["cuda"]);
    assert_eq!(name_set(&app, "/tags:search?terms=cpu&terms=cuda").await, Vec::<String>::new());
});

backend_test!(an_empty_search_term_or_no_term_matches_every_tag, |app| {
    search_fixture(&app).await;
    let all = ["GPU-big", "cpu", "cuda", "gpu-fast"];
    assert_eq!(name_set(&app, "/tags:search?terms=").await, all);
    assert_eq!(name_set(&app, "/tags:search").await, all);
    let (_, page) = app.get("/tags:search?terms=").await;
    assert_eq!(page["total"], 4);
});

backend_test!(tag_search_pages_and_sorts, |app| {
    search_fixture(&app).await;
    assert_eq!(names(&app, "/tags:search?terms=u&sort_by=-name&per_page=2").await, ["gpu-fast", "cuda"]);
    let (status, page) = app.get("/tags:search?terms=u&sort_by=-name&per_page=2&page=2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["name"], "cpu");
});

backend_test!(tag_search_refuses_the_list_filters, |app| {
    let (status, body) = app.get("/tags:search?name=gpu").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, validation_error("query", json!({"name": ["Unknown field."]})));
});

backend_test!(an_admin_updates_a_tag_and_the_change_is_visible, |app| {
    let root = app.admin("root").await;
    let id = app.create_tag(&root, "gpu").await["id"].as_str().unwrap().to_owned();
    let (status, body) = app
        .call(
            Method::PUT,
            &format!("/tags/{id}"),
            Some(&root.token),
            Some(json!({"name": "graphics", "description": "new text"})),
        )
        .await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    let (_, body) = app.get(&format!("/tags/{id}")).await;
    assert_eq!(body, json!({"id": id, "name": "graphics", "description": "new text"}));
    assert_eq!(names(&app, "/tags").await, ["graphics"]);
});

backend_test!(updating_a_tag_without_description_keeps_the_old_one, |app| {
    let root = app.admin("root").await;
    let id = app.create_tag(&root, "gpu").await["id"].as_str().unwrap().to_owned();
    let (status, _) =
        app.call(Method::PUT, &format!("/tags/{id}"), Some(&root.token), Some(json!({"name": "gpu2"}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, body) = app.get(&format!("/tags/{id}")).await;
    assert_eq!(body, json!({"id": id, "name": "gpu2", "description": "about gpu"}));
});

backend_test!(updating_a_tag_accepts_and_ignores_an_id, |app| {
    let root = app.admin("root").await;
    let id = app.create_tag(&root, "gpu").await["id"].as_str().unwrap().to_owned();
    let other = app.create_tag(&root, "cpu").await["id"].as_str().unwrap().to_owned();
    for sent in [other.clone(), uuid::Uuid::new_v4().to_string(), "not-a-uuid".to_owned()] {
        let (status, body) = app
            .call(
                Method::PUT,
                &format!("/tags/{id}"),
                Some(&root.token),
                Some(json!({"id": sent, "name": "gpu", "description": "same"})),
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "id {sent}: {body}");
    }
    let (_, body) = app.get(&format!("/tags/{id}")).await;
    assert_eq!(body, json!({"id": id, "name": "gpu", "description": "same"}));
    let (_, body) = app.get(&format!("/tags/{other}")).await;
    assert_eq!(body, json!({"id": other, "name": "cpu", "description": "about cpu"}));
});

backend_test!(updating_a_tag_validates_the_body, |app| {
    let root = app.admin("root").await;
    let id = app.create_tag(&root, "gpu").await["id"].as_str().unwrap().to_owned();
    let cases = [
        (json!({}), json!({"name": ["Missing data for required field."]})),
        (json!({"description": "only"}), json!({"name": ["Missing data for required field."]})),
        (json!({"name": "x", "description": null}), json!({"description": ["Field may not be null."]})),
        (json!({"name": 1}), json!({"name": ["Not a valid string."]})),
        (json!({"name": "x", "bad_field": ""}), json!({"bad_field": ["Unknown field."]})),
        (
            json!({"name": "x", "upload_datetime": "2020-01-01T00:00:00"}),
            json!({"upload_datetime": ["Unknown field."]}),
        ),
    ];
    for (body, errors) in cases {
        let (status, resp) =
            app.call(Method::PUT, &format!("/tags/{id}"), Some(&root.token), Some(body.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(resp, validation_error("json", errors), "{body}");
    }
    let (_, body) = app.get(&format!("/tags/{id}")).await;
    assert_eq!(body, json!({"id": id, "name": "gpu", "description": "about gpu"}));
});

backend_test!(renaming_a_tag_to_a_taken_name_conflicts, |app| {
    let root = app.admin("root").await;
    let id = app.create_tag(&root, "gpu").await["id"].as_str().unwrap().to_owned();
    app.create_tag(&root, "cpu").await;
    let (status, body) =
        app.call(Method::PUT, &format!("/tags/{id}"), Some(&root.token), Some(json!({"name": "cpu"}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body, handler_error(409, "Changes conflict submitted/existing tag"));
    let (_, body) = app.get(&format!("/tags/{id}")).await;
    assert_eq!(body["name"], "gpu");
    // Keeping its own name is no clash.
    let (status, _) =
        app.call(Method::PUT, &format!("/tags/{id}"), Some(&root.token), Some(json!({"name": "gpu"}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
});

backend_test!(updating_an_unknown_tag_is_404_after_body_validation, |app| {
    let root = app.admin("root").await;
    app.create_tag(&root, "cpu").await;
    let id = uuid::Uuid::new_v4();
    let path = format!("/tags/{id}");
    let (status, body) = app.call(Method::PUT, &path, Some(&root.token), Some(json!({"name": "x"}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, handler_error(404, &format!("Record {id} not found in the database")));
    // 404 comes before the name clash ...
    let (status, _) = app.call(Method::PUT, &path, Some(&root.token), Some(json!({"name": "cpu"}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // ... and after body validation.
    let (status, body) = app.call(Method::PUT, &path, Some(&root.token), Some(json!({}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, validation_error("json", json!({"name": ["Missing data for required field."]})));
});

backend_test!(updating_a_tag_needs_an_admin, |app| {
    let root = app.admin("root").await;
    let id = app.create_tag(&root, "gpu").await["id"].as_str().unwrap().to_owned();
    let path = format!("/tags/{id}");
    let body = json!({"name": "hacked"});
    let (status, resp) = app.call(Method::PUT, &path, None, Some(body.clone())).await;
    assert_eq!((status, resp), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let bob = app.user("bob");
    let (status, resp) = app.call(Method::PUT, &path, Some(&bob.token), Some(body.clone())).await;
    assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("bob", "is_registered")));
    let alice = app.registered("alice").await;
    let (status, resp) = app.call(Method::PUT, &path, Some(&alice.token), Some(body)).await;
    assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")));
    // Access is checked before the body and before existence.
    let (status, _) = app.call(Method::PUT, &path, Some(&alice.token), Some(json!({"bad": 1}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let unknown = format!("/tags/{}", uuid::Uuid::new_v4());
    let (status, _) = app.call(Method::PUT, &unknown, Some(&alice.token), Some(json!({"name": "x"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, body) = app.get(&path).await;
    assert_eq!(body["name"], "gpu");
});

backend_test!(an_admin_deletes_a_tag_once, |app| {
    let root = app.admin("root").await;
    let id = app.create_tag(&root, "gpu").await["id"].as_str().unwrap().to_owned();
    app.create_tag(&root, "cpu").await;
    let path = format!("/tags/{id}");
    let (status, body) = app.call(Method::DELETE, &path, Some(&root.token), None).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    let (status, body) = app.get(&path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, handler_error(404, &format!("Record {id} not found in the database")));
    assert_eq!(names(&app, "/tags").await, ["cpu"]);
    let (status, body) = app.call(Method::DELETE, &path, Some(&root.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, handler_error(404, &format!("Record {id} not found in the database")));
    // The name is free again.
    app.create_tag(&root, "gpu").await;
});

backend_test!(deleting_a_tag_needs_an_admin, |app| {
    let root = app.admin("root").await;
    let id = app.create_tag(&root, "gpu").await["id"].as_str().unwrap().to_owned();
    let path = format!("/tags/{id}");
    let (status, resp) = app.call(Method::DELETE, &path, None, None).await;
    assert_eq!((status, resp), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let bob = app.user("bob");
    let (status, resp) = app.call(Method::DELETE, &path, Some(&bob.token), None).await;
    assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("bob", "is_registered")));
    let alice = app.registered("alice").await;
    let (status, resp) = app.call(Method::DELETE, &path, Some(&alice.token), None).await;
    assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")));
    let unknown = format!("/tags/{}", uuid::Uuid::new_v4());
    let (status, _) = app.call(Method::DELETE, &unknown, Some(&alice.token), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.get(&path).await;
    assert_eq!(status, StatusCode::OK);
});

backend_test!(a_tag_page_beyond_the_end_is_a_bare_404, |app| {
    let user = app.registered("alice").await;
    app.create_tag(&user, "gpu").await;
    let (status, body) = app.get("/tags:search?terms=gpu&page=2").await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
});

backend_test!(tags_send_no_mail, |app| {
    let root = app.admin("root").await;
    let id = app.create_tag(&root, "gpu").await["id"].as_str().unwrap().to_owned();
    let path = format!("/tags/{id}");
    let (status, _) = app.call(Method::PUT, &path, Some(&root.token), Some(json!({"name": "g"}))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.call(Method::DELETE, &path, Some(&root.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let mails = app.settled_mails(1).await;
    assert_eq!(mails.len(), 1, "only the welcome mail: {mails:?}");
    assert_eq!(mails[0].subject(), "Thank you for registering");
});
