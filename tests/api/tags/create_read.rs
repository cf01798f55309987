//! Creating and reading tags.

use super::*;

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
