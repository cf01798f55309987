//! `/users`: registration, self-service, admin listing, search and removal.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use std::time::Duration;

use chrono::{NaiveDateTime, Utc};
use eosc_perf_tests::{
    TestApp,
    app::{ADMIN_ENTITLEMENT, bare, forbidden, handler_error, unauthenticated, validation_error},
    backend_test, backend_test_with,
    oidc::{MockOidc, MockUser},
    spawn_app_with,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn parse_datetime(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .unwrap_or_else(|e| panic!("{text:?} is not a naive ISO datetime: {e}"))
}

/// The `(sub, email)` of each user of a page, in order.
async fn listed(app: &TestApp, token: &str, path: &str) -> Vec<(String, String)> {
    let (status, body) = app.call(Method::GET, path, Some(token), None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|u| (u["sub"].as_str().unwrap().to_owned(), u["email"].as_str().unwrap().to_owned()))
        .collect()
}

/// The subjects of a page, in order.
async fn subs(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    listed(app, token, path).await.into_iter().map(|(s, _)| s).collect()
}

/// Like [`subs`], sorted.
async fn sub_set(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    let mut subs = subs(app, token, path).await;
    subs.sort();
    subs
}

/// Registers `user` (opaque token) and returns the response.
async fn register(app: &TestApp, user: MockUser) -> (StatusCode, Value) {
    let token = app.oidc.opaque_token(user);
    app.call(Method::POST, "/users:register", Some(&token), None).await
}

/// A registered user whose e-mail differs from the `<sub>@example.org` default.
async fn registered_with_email(app: &TestApp, sub: &str, email: &str) {
    let (status, body) = register(app, MockUser::new(sub).with_email(email, true)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

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
