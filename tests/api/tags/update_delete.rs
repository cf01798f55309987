//! Updating and deleting tags.

use super::*;

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
