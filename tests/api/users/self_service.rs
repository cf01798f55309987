//! Registering and the caller's own record.

use super::*;

backend_test!(registering_returns_the_user_and_mails_a_welcome, |app| {
    let before = Utc::now().naive_utc();
    let alice = app.user("alice");
    let (status, body) = app.call(Method::POST, "/users:register", Some(&alice.token), None).await;
    let after = Utc::now().naive_utc();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let registered = body["registration_datetime"].as_str().unwrap();
    assert_eq!(
        body,
        json!({"sub": "alice", "iss": app.oidc.issuer(), "email": "alice@example.org",
               "registration_datetime": registered})
    );
    // Q11: the real registration time, naive UTC with at most microseconds.
    let at = parse_datetime(registered);
    assert!(
        before - chrono::Duration::milliseconds(1) <= at && at <= after,
        "{at} not in [{before}, {after}]"
    );
    assert!(!registered.ends_with('Z') && !registered.contains('+'));
    let mails = app.settled_mails(1).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject(), "Thank you for registering");
    assert_eq!(mails[0].recipients, ["alice@example.org"]);
    assert_eq!(mails[0].header("to").as_deref(), Some("alice@example.org"));
    assert_eq!(mails[0].header("cc"), None);
});

backend_test!(each_user_gets_its_own_registration_time, |app| {
    let alice = app.registered("alice").await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let bob = app.registered("bob").await;
    let (_, a) = app.call(Method::GET, "/users/self", Some(&alice.token), None).await;
    let (_, b) = app.call(Method::GET, "/users/self", Some(&bob.token), None).await;
    let (a, b) = (
        parse_datetime(a["registration_datetime"].as_str().unwrap()),
        parse_datetime(b["registration_datetime"].as_str().unwrap()),
    );
    assert!(b - a >= chrono::Duration::milliseconds(50), "alice {a}, bob {b}");
});

backend_test!(registering_needs_a_token, |app| {
    let (status, body) = app.call(Method::POST, "/users:register", None, None).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    assert!(app.settled_mails(0).await.is_empty());
});

backend_test!(registering_without_an_email_claim_is_refused, |app| {
    let (status, body) = register(&app, MockUser::new("alice")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, handler_error(422, "No scope for email in oidc token"));
    let carol = app.user("carol");
    let (status, _) = app.call(Method::GET, "/users/self", Some(&carol.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

backend_test!(registering_does_not_require_a_verified_email, |app| {
    let (status, body) = register(&app, MockUser::new("alice").with_email("a@x.org", false)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["email"], "a@x.org");
    let unknown = MockUser { email: Some("b@x.org".into()), ..MockUser::new("bob") };
    let (status, body) = register(&app, unknown).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
});

backend_test!(registering_twice_conflicts_and_keeps_the_first_record, |app| {
    let alice = app.registered("alice").await;
    let (_, first) = app.call(Method::GET, "/users/self", Some(&alice.token), None).await;
    let (status, body) = register(&app, MockUser::new("alice").with_email("other@x.org", true)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body, handler_error(409, "User already submitted/exists"));
    let (_, now) = app.call(Method::GET, "/users/self", Some(&alice.token), None).await;
    assert_eq!(now, first);
    // Only the first registration mailed.
    let mails = app.settled_mails(1).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
});

backend_test!(registering_ignores_a_body_and_a_query_string, |app| {
    let alice = app.user("alice");
    let (status, body) = app
        .call(Method::POST, "/users:register?x=1", Some(&alice.token), Some(json!({"email": "evil@x.org"})))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["email"], "alice@example.org");
});

backend_test!(get_self_returns_the_registered_user, |app| {
    let alice = app.user("alice");
    let (_, registered) = app.call(Method::POST, "/users:register", Some(&alice.token), None).await;
    let (status, body) = app.call(Method::GET, "/users/self", Some(&alice.token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, registered);
});

backend_test!(get_self_of_an_unregistered_token_is_404, |app| {
    let bob = app.user("bob");
    let (status, body) = app.call(Method::GET, "/users/self", Some(&bob.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, handler_error(404, "User not registered"));
    let (status, body) = app.call(Method::GET, "/users/self", None, None).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
});

backend_test!(update_self_refreshes_the_email_and_mails_the_new_address, |app| {
    let alice = app.registered("alice").await;
    app.mails(1).await;
    let fresh = app.oidc.opaque_token(MockUser::new("alice").with_email("alice@new.org", true));
    let (status, body) = app.call(Method::POST, "/users/self:update", Some(&fresh), None).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    let (_, me) = app.call(Method::GET, "/users/self", Some(&alice.token), None).await;
    assert_eq!(me["email"], "alice@new.org");
    let mails = app.mails(2).await;
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[1].subject(), "Your user information was updated");
    assert_eq!(mails[1].recipients, ["alice@new.org"]);
    assert_eq!(mails[1].header("cc"), None);
});

backend_test!(update_self_keeps_the_registration_time, |app| {
    let alice = app.registered("alice").await;
    let (_, before) = app.call(Method::GET, "/users/self", Some(&alice.token), None).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let (status, _) = app.call(Method::POST, "/users/self:update", Some(&alice.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, after) = app.call(Method::GET, "/users/self", Some(&alice.token), None).await;
    assert_eq!(after, before);
});

backend_test!(update_self_needs_an_email_claim_that_is_verified, |app| {
    let alice = app.registered("alice").await;
    let cases = [
        (MockUser::new("alice"), "No scope for email in oidc token"),
        (
            MockUser { email: Some("x@new.org".into()), ..MockUser::new("alice") },
            "No email_verified status in user",
        ),
        (MockUser::new("alice").with_email("x@new.org", false), "Email unverified by OIDC provider"),
    ];
    for (profile, message) in cases {
        let token = app.oidc.opaque_token(profile);
        let (status, body) = app.call(Method::POST, "/users/self:update", Some(&token), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert_eq!(body, handler_error(422, message));
    }
    let (_, me) = app.call(Method::GET, "/users/self", Some(&alice.token), None).await;
    assert_eq!(me["email"], "alice@example.org");
    let mails = app.settled_mails(1).await;
    assert_eq!(mails.len(), 1, "only the welcome mail: {mails:?}");
});

backend_test!(update_self_needs_a_registered_user, |app| {
    let bob = app.user("bob");
    let (status, body) = app.call(Method::POST, "/users/self:update", Some(&bob.token), None).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("bob", "is_registered")));
    // Registration is checked before the e-mail claims.
    let token = app.oidc.opaque_token(MockUser::new("carol"));
    let (status, body) = app.call(Method::POST, "/users/self:update", Some(&token), None).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("carol", "is_registered")));
    let (status, body) = app.call(Method::POST, "/users/self:update", None, None).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
});
