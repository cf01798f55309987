//! Updating a site.

use super::*;

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
