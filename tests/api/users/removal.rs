//! Removing users.

use super::*;

backend_test!(admins_remove_users_by_exact_filters, |app| {
    let root = app.admin("root").await;
    registered_with_email(&app, "alice", "alice@example.org").await;
    registered_with_email(&app, "alice2", "alice@example.org").await;
    registered_with_email(&app, "bob", "bob@example.org").await;
    let t = &root.token;
    let raw = app.raw(Method::POST, "/users:remove?email=alice@example.org", Some(t)).await;
    assert_eq!(raw.status, StatusCode::NO_CONTENT);
    assert_eq!(raw.text, "");
    assert_eq!(sub_set(&app, t, "/users").await, ["bob", "root"]);
    // Exact, not substring; filters are ANDed.
    for query in ["email=bob", "sub=bo", "sub=bob&email=root@example.org", "sub=BOB"] {
        let (status, body) = app.call(Method::POST, &format!("/users:remove?{query}"), Some(t), None).await;
        assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null), "{query}");
    }
    assert_eq!(sub_set(&app, t, "/users").await, ["bob", "root"]);
    let iss = app.oidc.issuer();
    let (status, _) =
        app.call(Method::POST, &format!("/users:remove?sub=bob&iss={iss}"), Some(t), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(sub_set(&app, t, "/users").await, ["root"]);
    // Removal sends no mail: only the four welcome mails arrived.
    assert_eq!(app.settled_mails(4).await.len(), 4);
});

backend_test!(removing_users_needs_a_filter, |app| {
    let root = app.admin("root").await;
    app.registered("alice").await;
    for path in ["/users:remove", "/users:remove?"] {
        let (status, body) = app.call(Method::POST, path, Some(&root.token), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert_eq!(body, handler_error(422, "Cancelled, undefined users"));
    }
    let (status, body) = app.call(Method::POST, "/users:remove?per_page=1", Some(&root.token), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, validation_error("query", json!({"per_page": ["Unknown field."]})));
    let (status, body) =
        app.call(Method::POST, "/users:remove?sub=alice&terms=a", Some(&root.token), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, validation_error("query", json!({"terms": ["Unknown field."]})));
    assert_eq!(sub_set(&app, &root.token, "/users").await, ["alice", "root"]);
});

backend_test!(removing_users_that_do_not_exist_answers_204, |app| {
    let root = app.admin("root").await;
    let (status, body) = app.call(Method::POST, "/users:remove?email=nobody", Some(&root.token), None).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    assert_eq!(sub_set(&app, &root.token, "/users").await, ["root"]);
});

backend_test!(an_admin_can_remove_themselves, |app| {
    let root = app.admin("root").await;
    let (status, _) = app.call(Method::POST, "/users:remove?sub=root", Some(&root.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app.call(Method::GET, "/users/self", Some(&root.token), None).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, handler_error(404, "User not registered")));
    let (status, body) = app.call(Method::GET, "/users/self:try_admin", Some(&root.token), None).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("root", "is_registered")));
    // And may register again.
    let (status, _) = app.call(Method::POST, "/users:register", Some(&root.token), None).await;
    assert_eq!(status, StatusCode::CREATED);
});

backend_test!(removing_users_needs_an_admin, |app| {
    app.admin("root").await;
    let alice = app.registered("alice").await;
    let bob = app.user("bob");
    let path = "/users:remove?sub=alice";
    let (status, body) = app.call(Method::POST, path, None, None).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let (status, body) = app.call(Method::POST, path, Some(&bob.token), None).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("bob", "is_registered")));
    let (status, body) = app.call(Method::POST, path, Some(&alice.token), None).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")));
    // Access is checked before the missing filter.
    let (status, _) = app.call(Method::POST, "/users:remove", Some(&alice.token), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.call(Method::GET, "/users/self", Some(&alice.token), None).await;
    assert_eq!(status, StatusCode::OK, "alice is still registered");
});

backend_test!(forbidden_bodies_name_the_caller_by_subject_and_issuer, |app| {
    let bob = app.user("b.o+b@weird");
    let (status, body) = app.call(Method::GET, "/users/self:try_admin", Some(&bob.token), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body, forbidden("b.o+b@weird", &app.oidc.issuer(), "is_registered"));
    assert_eq!(
        body["error_description"],
        format!("User b.o+b@weird@{} does not meet requirements", app.oidc.issuer())
    );
});

backend_test!(a_users_page_beyond_the_end_is_a_bare_404, |app| {
    let root = app.admin("root").await;
    let (status, body) = app.call(Method::GET, "/users?page=2", Some(&root.token), None).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
    let (status, body) = app.call(Method::GET, "/users:search?terms=zzz", Some(&root.token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["pages"], 0);
});
