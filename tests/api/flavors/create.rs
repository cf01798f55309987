//! Adding a flavor to a site.

use super::*;

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
