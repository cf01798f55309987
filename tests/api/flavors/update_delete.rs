//! Updating, deleting, approving and rejecting a flavor.

use super::*;

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
