//! Deleting, approving and rejecting a benchmark.

use super::*;

backend_test!(an_admin_deletes_a_benchmark_in_any_status, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let pending = id_of(&app.create_benchmark(&alice, "img", "pending", schema()).await);
    let accepted = approved(&app, &alice, "img", "approved").await;
    for id in [&pending, &accepted] {
        let path = format!("/benchmarks/{id}");
        let (status, resp) = app.call(Method::DELETE, &path, Some(&admin.token), None).await;
        assert_eq!((status, resp), (StatusCode::NO_CONTENT, Value::Null));
        let (status, resp) = app.get(&path).await;
        assert_eq!(
            (status, resp),
            (StatusCode::NOT_FOUND, handler_error(404, &format!("Benchmark {id} not found in the database")))
        );
        let (status, resp) = app.call(Method::DELETE, &path, Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "a second delete");
        assert_eq!(resp, handler_error(404, &format!("Benchmark {id} not found in the database")));
    }
    assert_eq!(page(&app, "/benchmarks").await["total"], 0);
    assert_eq!(page(&app, "/benchmarks?status=on_review").await["total"], 0);
    app.create_benchmark(&alice, "img", "pending", schema()).await;
});

backend_test!(deleting_a_benchmark_needs_an_admin_and_refuses_query_parameters, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let id = id_of(&app.create_benchmark(&alice, "img", "1", schema()).await);
    let path = format!("/benchmarks/{id}");
    let (status, resp) = app.call(Method::DELETE, &path, None, None).await;
    assert_eq!((status, resp), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let (status, resp) = app.call(Method::DELETE, &path, Some(&alice.token), None).await;
    assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")));
    let (status, resp) = app.call(Method::DELETE, &format!("{path}?force=1"), Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(resp, validation_error("query", json!({"force": ["Unknown field."]})));
    let (status, resp) = app.call(Method::DELETE, &format!("{path}?force=1"), Some(&alice.token), None).await;
    assert_eq!(
        (status, resp),
        (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")),
        "auth before query"
    );
    let (status, _) = app.get(&path).await;
    assert_eq!(status, StatusCode::OK, "still there");
});

backend_test!(approving_or_rejecting_an_approved_benchmark_is_422, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let id = approved(&app, &alice, "img", "1").await;
    for verb in ["approve", "reject"] {
        let (status, resp) =
            app.call(Method::POST, &format!("/benchmarks/{id}:{verb}"), Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{verb}");
        assert_eq!(resp, handler_error(422, &format!("Benchmark {id} was already approved")), "{verb}");
    }
    assert_eq!(ids(&app, "/benchmarks").await, [id], "still approved");
});

backend_test!(rejecting_a_pending_benchmark_deletes_it_and_a_second_reject_is_404, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let id = id_of(&app.create_benchmark(&alice, "img", "1", schema()).await);
    let (status, resp) =
        app.call(Method::POST, &format!("/benchmarks/{id}:reject"), Some(&admin.token), None).await;
    assert_eq!((status, resp), (StatusCode::NO_CONTENT, Value::Null));
    let not_found = handler_error(404, &format!("Benchmark {id} not found in the database"));
    let (status, resp) = app.get(&format!("/benchmarks/{id}")).await;
    assert_eq!((status, resp), (StatusCode::NOT_FOUND, not_found.clone()));
    for verb in ["reject", "approve"] {
        let (status, resp) =
            app.call(Method::POST, &format!("/benchmarks/{id}:{verb}"), Some(&admin.token), None).await;
        assert_eq!((status, resp), (StatusCode::NOT_FOUND, not_found.clone()), "{verb}");
    }
    assert_eq!(page(&app, "/benchmarks?status=on_review").await["total"], 0);
    app.create_benchmark(&alice, "img", "1", schema()).await;
});

backend_test!(approve_and_reject_need_an_admin_and_refuse_query_parameters, |app| {
    let alice = app.registered("alice").await;
    let admin = app.admin("root").await;
    let id = id_of(&app.create_benchmark(&alice, "img", "1", schema()).await);
    for verb in ["approve", "reject"] {
        let path = format!("/benchmarks/{id}:{verb}");
        let (status, resp) = app.call(Method::POST, &path, None, None).await;
        assert_eq!((status, resp), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
        let bob = app.user("bob");
        let (status, resp) = app.call(Method::POST, &path, Some(&bob.token), None).await;
        assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("bob", "is_registered")));
        let (status, resp) = app.call(Method::POST, &path, Some(&alice.token), None).await;
        assert_eq!((status, resp), (StatusCode::FORBIDDEN, app.forbidden("alice", "is_admin")), "{verb}");
        let (status, resp) = app.call(Method::POST, &format!("{path}?x=1"), Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{verb}");
        assert_eq!(resp, validation_error("query", json!({"x": ["Unknown field."]})));
    }
    let missing = uuid::Uuid::new_v4();
    let (status, resp) =
        app.call(Method::POST, &format!("/benchmarks/{missing}:approve?x=1"), Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "query before existence: {resp}");
    let (status, resp) =
        app.call(Method::POST, &format!("/benchmarks/{missing}:approve"), Some(&admin.token), None).await;
    assert_eq!(
        (status, resp),
        (
            StatusCode::NOT_FOUND,
            handler_error(404, &format!("Benchmark {missing} not found in the database"))
        )
    );
    assert_eq!(ids(&app, "/benchmarks?status=on_review").await, [id], "nothing was decided");
});
