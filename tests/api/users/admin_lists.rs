//! Admin rights and user lists.

use super::*;

backend_test!(try_admin_answers_204_only_to_admins, |app| {
    let root = app.admin("root").await;
    let raw = app.raw(Method::GET, "/users/self:try_admin", Some(&root.token)).await;
    assert_eq!(raw.status, StatusCode::NO_CONTENT);
    assert_eq!(raw.text, "");
    let alice = app.registered("alice").await;
    let (status, body) = app.call(Method::GET, "/users/self:try_admin", Some(&alice.token), None).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")));
    let bob =
        app.user_with(MockUser::new("bob").with_email("b@x.org", true).with_entitlement(ADMIN_ENTITLEMENT));
    let (status, body) = app.call(Method::GET, "/users/self:try_admin", Some(&bob.token), None).await;
    assert_eq!(
        (status, body),
        (StatusCode::FORBIDDEN, app.forbidden("bob", "is_registered")),
        "an entitled but unregistered user is not admin"
    );
    let (status, body) = app.call(Method::GET, "/users/self:try_admin", None, None).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
});

backend_test!(admin_entitlements_match_exactly, |app| {
    for (sub, entitlement) in [
        ("near", format!("{ADMIN_ENTITLEMENT}:extra")),
        ("prefix", "urn:eosc-perf".to_owned()),
        ("upper", ADMIN_ENTITLEMENT.to_uppercase()),
    ] {
        let user =
            app.user_with(MockUser::new(sub).with_email("x@x.org", true).with_entitlement(&entitlement));
        let (status, _) = app.call(Method::POST, "/users:register", Some(&user.token), None).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, body) = app.call(Method::GET, "/users/self:try_admin", Some(&user.token), None).await;
        assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden(sub, "is_admin")), "{entitlement}");
    }
    let several = app.user_with(
        MockUser::new("several")
            .with_email("x@x.org", true)
            .with_entitlement("urn:other")
            .with_entitlement(ADMIN_ENTITLEMENT),
    );
    app.call(Method::POST, "/users:register", Some(&several.token), None).await;
    let (status, _) = app.call(Method::GET, "/users/self:try_admin", Some(&several.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "any overlap suffices");
});

backend_test_with!(empty_admin_entitlements_make_nobody_admin, |backend| {
    let Some(app) = spawn_app_with(backend, &[("ADMIN_ENTITLEMENTS", "")]).await else { return };
    for (sub, entitlements) in [("root", vec![ADMIN_ENTITLEMENT]), ("alice", vec![]), ("empty", vec![""])] {
        let mut profile = MockUser::new(sub).with_email(&format!("{sub}@example.org"), true);
        for e in entitlements {
            profile = profile.with_entitlement(e);
        }
        let user = app.user_with(profile);
        let (status, _) = app.call(Method::POST, "/users:register", Some(&user.token), None).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, body) = app.call(Method::GET, "/users/self:try_admin", Some(&user.token), None).await;
        assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden(sub, "is_admin")), "{sub}");
        let (status, _) = app.call(Method::GET, "/users", Some(&user.token), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{sub}");
    }
});

backend_test!(admins_list_users_sorted_by_subject_by_default, |app| {
    let root = app.admin("root").await;
    app.registered("carol").await;
    app.registered("alice").await;
    app.registered("bob").await;
    let (status, body) = app.call(Method::GET, "/users", Some(&root.token), None).await;
    assert_eq!(status, StatusCode::OK);
    let iss = app.oidc.issuer();
    let subs: Vec<&str> =
        body["items"].as_array().unwrap().iter().map(|u| u["sub"].as_str().unwrap()).collect();
    assert_eq!(subs, ["alice", "bob", "carol", "root"]);
    assert_eq!(body["total"], 4);
    let alice = &body["items"][0];
    assert_eq!(
        alice,
        &json!({"sub": "alice", "iss": iss, "email": "alice@example.org",
                "registration_datetime": alice["registration_datetime"]})
    );
    assert!(alice["registration_datetime"].is_string());
});

backend_test_with!(the_default_user_order_is_issuer_then_subject, |backend| {
    let (first, second) = (MockOidc::start().await, MockOidc::start().await);
    let (low, high) = if first.issuer() < second.issuer() { (first, second) } else { (second, first) };
    let trusted = format!("{},{}", high.issuer(), low.issuer());
    let Some(app) = spawn_app_with(backend, &[("TRUSTED_OP_LIST", &trusted)]).await else { return };
    let register = async |op: &MockOidc, profile: MockUser| {
        let token = op.opaque_token(profile);
        let (status, body) = app.call(Method::POST, "/users:register", Some(&token), None).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        token
    };
    let admin = MockUser::new("root").with_email("root@x.org", true).with_entitlement(ADMIN_ENTITLEMENT);
    let root = register(&high, admin).await;
    register(&high, MockUser::new("amy").with_email("amy@x.org", true)).await;
    register(&low, MockUser::new("zed").with_email("zed@x.org", true)).await;
    // The same subject at two issuers is two users.
    register(&low, MockUser::new("amy").with_email("amy@low.org", true)).await;
    let (_, body) = app.call(Method::GET, "/users", Some(&root), None).await;
    let got: Vec<(String, String)> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["iss"].as_str().unwrap().to_owned(), u["sub"].as_str().unwrap().to_owned()))
        .collect();
    let (l, h) = (low.issuer(), high.issuer());
    assert_eq!(
        got,
        [(l.clone(), "amy".into()), (l, "zed".into()), (h.clone(), "amy".into()), (h, "root".into())]
    );
    let (_, body) = app.call(Method::GET, "/users?sort_by=-iss,%2Bsub", Some(&root), None).await;
    let subs: Vec<&str> =
        body["items"].as_array().unwrap().iter().map(|u| u["sub"].as_str().unwrap()).collect();
    assert_eq!(subs, ["amy", "root", "amy", "zed"]);
    let (_, body) = app.call(Method::GET, &format!("/users?iss={}", low.issuer()), Some(&root), None).await;
    assert_eq!(body["total"], 2);
});

backend_test!(user_lists_sort_by_each_documented_field, |app| {
    let root = app.admin("root").await;
    registered_with_email(&app, "a", "zz@x.org").await;
    registered_with_email(&app, "b", "aa@x.org").await;
    assert_eq!(subs(&app, &root.token, "/users?sort_by=%2Bemail").await, ["b", "root", "a"]);
    assert_eq!(subs(&app, &root.token, "/users?sort_by=-email").await, ["a", "root", "b"]);
    assert_eq!(subs(&app, &root.token, "/users?sort_by=-sub").await, ["root", "b", "a"]);
    assert_eq!(subs(&app, &root.token, "/users?sort_by=%2Bregistration_datetime").await, ["root", "a", "b"]);
    assert_eq!(subs(&app, &root.token, "/users?sort_by=-registration_datetime").await, ["b", "a", "root"]);
    let (status, body) = app.call(Method::GET, "/users?sort_by=%2Bname", Some(&root.token), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["message"]["KeyError"], "Unexpected field 'name'");
});

backend_test!(user_lists_filter_by_exact_sub_iss_and_email, |app| {
    let root = app.admin("root").await;
    registered_with_email(&app, "alice", "alice@example.org").await;
    registered_with_email(&app, "alice2", "alice@example.org").await;
    registered_with_email(&app, "bob", "Bob@example.org").await;
    let t = &root.token;
    assert_eq!(subs(&app, t, "/users?email=alice@example.org").await, ["alice", "alice2"]);
    assert_eq!(subs(&app, t, "/users?email=alice").await, Vec::<String>::new());
    assert_eq!(subs(&app, t, "/users?email=bob@example.org").await, Vec::<String>::new());
    assert_eq!(subs(&app, t, "/users?sub=alice").await, ["alice"]);
    assert_eq!(subs(&app, t, "/users?sub=alice&email=Bob@example.org").await, Vec::<String>::new());
    let iss = app.oidc.issuer();
    assert_eq!(subs(&app, t, &format!("/users?iss={iss}&sub=bob")).await, ["bob"]);
    assert_eq!(subs(&app, t, &format!("/users?iss={iss}/")).await, Vec::<String>::new());
    assert_eq!(subs(&app, t, "/users?per_page=2&page=2").await, ["bob", "root"]);
});

backend_test!(user_lists_refuse_unknown_parameters_and_date_filters, |app| {
    let root = app.admin("root").await;
    for param in ["upload_before=2020-01-01", "status=approved", "terms=a"] {
        let name = param.split('=').next().unwrap();
        let (status, body) = app.call(Method::GET, &format!("/users?{param}"), Some(&root.token), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{param}");
        assert_eq!(body, validation_error("query", json!({name: ["Unknown field."]})));
    }
    let (status, body) = app.call(Method::GET, "/users:search?email=a", Some(&root.token), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, validation_error("query", json!({"email": ["Unknown field."]})));
});

backend_test!(listing_and_searching_users_needs_an_admin, |app| {
    app.admin("root").await;
    let alice = app.registered("alice").await;
    let bob = app.user("bob");
    for path in ["/users", "/users:search", "/users?bad=1", "/users:search?per_page=0"] {
        let (status, body) = app.call(Method::GET, path, None, None).await;
        assert_eq!(
            (status, body),
            (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")),
            "{path}"
        );
        let (status, body) = app.call(Method::GET, path, Some(&bob.token), None).await;
        assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("bob", "is_registered")), "{path}");
        let (status, body) = app.call(Method::GET, path, Some(&alice.token), None).await;
        assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")), "{path}");
    }
});

backend_test!(searching_users_matches_email_substrings_case_sensitively, |app| {
    let root = app.admin("root").await;
    registered_with_email(&app, "alice", "alice@example.org").await;
    registered_with_email(&app, "bob", "bob@example.org").await;
    registered_with_email(&app, "carol", "Carol@Example.ORG").await;
    registered_with_email(&app, "dave", "dave@other.net").await;
    let t = &root.token;
    assert_eq!(sub_set(&app, t, "/users:search?terms=example").await, ["alice", "bob", "root"]);
    assert_eq!(sub_set(&app, t, "/users:search?terms=Example").await, ["carol"]);
    assert_eq!(sub_set(&app, t, "/users:search?terms=ali&terms=.org").await, ["alice"]);
    assert_eq!(sub_set(&app, t, "/users:search?terms[]=o&terms[]=.net").await, ["dave"]);
    assert_eq!(sub_set(&app, t, "/users:search?terms=alice&terms=bob").await, Vec::<String>::new());
    assert_eq!(sub_set(&app, t, "/users:search?terms=").await, ["alice", "bob", "carol", "dave", "root"]);
    assert_eq!(sub_set(&app, t, "/users:search").await, ["alice", "bob", "carol", "dave", "root"]);
    // The subject is not searched.
    assert_eq!(sub_set(&app, t, "/users:search?terms=dave").await, ["dave"]);
    assert_eq!(sub_set(&app, t, "/users:search?terms=carol").await, Vec::<String>::new());
    assert_eq!(subs(&app, t, "/users:search?terms=example&sort_by=-email").await, ["root", "bob", "alice"]);
});
