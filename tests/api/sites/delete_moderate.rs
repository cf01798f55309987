//! Deleting, approving and rejecting a site.

use super::*;

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
