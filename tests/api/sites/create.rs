//! Submitting and reading one site.

use super::*;

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
