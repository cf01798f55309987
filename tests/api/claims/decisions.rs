//! Approving and rejecting claims.

use super::*;

backend_test!(approving_a_claim_keeps_the_result_hidden_drops_the_submit_and_mails_the_claimer, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let id = id_of(&claim(&app, &claimer, &result, "odd").await);
    decided(&app, &f.admin, &id, "approve").await;
    assert!(visible(&app).await.is_empty(), "the result stays hidden");
    assert_eq!(page(&app, &format!("/results/{result}")).await["id"], result.as_str());
    let submits = page_as(&app, Some(&f.admin.token), "/reports/submits?resource_type=claim").await;
    assert_eq!(submits["total"], 0, "{submits}");
    let subject = format!("Resource approved: {id}");
    let mail = app.mail_titled(&subject).await;
    assert_addressed(&mail, &claimer);
    assert_eq!(mail.header("resource-id").as_deref(), Some(id.as_str()));
    assert!(mail.body().contains(&id), "{}", mail.body());
    let subjects = app.subjects_after(&subject).await;
    assert_eq!(count(&subjects, &format!("Result restored: {result}")), 0, "{subjects:?}");
    assert_eq!(count(&subjects, &subject), 1, "{subjects:?}");
});

backend_test!(rejecting_the_only_claim_restores_the_result_and_mails_claimer_and_owner, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let before = page(&app, &format!("/results/{result}")).await;
    let id = id_of(&claim(&app, &claimer, &result, "odd").await);
    decided(&app, &f.admin, &id, "reject").await;
    assert_eq!(visible(&app).await, vec![result.clone()]);
    assert_eq!(page(&app, &format!("/results/{result}")).await, before, "restored unchanged");
    let (status, body) =
        app.call(Method::GET, &format!("/reports/claims/{id}"), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the claim is gone: {body}");
    for q in ["", "?status=on_review"] {
        assert!(claim_ids(&app, &f.admin, &format!("/reports/claims{q}")).await.is_empty(), "{q}");
    }
    let submits = page_as(&app, Some(&f.admin.token), "/reports/submits?resource_type=claim").await;
    assert_eq!(submits["total"], 0);
    let rejected = format!("Resource rejected: {id}");
    let mail = app.mail_titled(&rejected).await;
    assert_addressed(&mail, &claimer);
    assert_eq!(mail.header("resource-id").as_deref(), Some(id.as_str()));
    let restored = format!("Result restored: {result}");
    let mail = app.mail_titled(&restored).await;
    assert_addressed(&mail, &f.user);
    assert_eq!(mail.header("result-id").as_deref(), Some(result.as_str()));
    assert!(mail.body().contains(&result), "{}", mail.body());
    let subjects = app.subjects_after(&restored).await;
    assert_eq!((count(&subjects, &rejected), count(&subjects, &restored)), (1, 1), "{subjects:?}");
});

backend_test!(rejecting_a_claim_on_an_admin_deleted_result_keeps_it_hidden_without_a_restore_mail, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let (status, _) =
        app.call(Method::DELETE, &format!("/results/{result}"), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let id = id_of(&claim(&app, &claimer, &result, "odd").await);
    decided(&app, &f.admin, &id, "reject").await;
    assert!(visible(&app).await.is_empty(), "an admin delete is final");
    let subjects = app.subjects_after(&format!("Resource rejected: {id}")).await;
    assert_eq!(count(&subjects, &format!("Result restored: {result}")), 0, "{subjects:?}");
    // Claimed first, deleted by an admin afterwards: the same.
    let other = uploaded(&app, &f, json!({}), &hours_ago(2)).await;
    let id = id_of(&claim(&app, &claimer, &other, "odd").await);
    let (status, _) =
        app.call(Method::DELETE, &format!("/results/{other}"), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    decided(&app, &f.admin, &id, "reject").await;
    assert!(visible(&app).await.is_empty());
    let subjects = app.subjects_after(&format!("Resource rejected: {id}")).await;
    assert_eq!(count(&subjects, &format!("Result restored: {other}")), 0, "{subjects:?}");
});

backend_test!(a_decided_claim_cannot_be_decided_again, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let approved = id_of(&claim(&app, &claimer, &result, "odd").await);
    decided(&app, &f.admin, &approved, "approve").await;
    for verb in ["approve", "reject"] {
        let (status, body) = decide(&app, Some(&f.admin), &approved, verb).await;
        assert_eq!(
            (status, body),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                handler_error(422, &format!("Resource {approved} was already approved"))
            ),
            "{verb}"
        );
    }
    assert_eq!(claim_ids(&app, &f.admin, "/reports/claims").await, vec![approved]);
    let other = uploaded(&app, &f, json!({}), &hours_ago(2)).await;
    let rejected = id_of(&claim(&app, &claimer, &other, "odd").await);
    decided(&app, &f.admin, &rejected, "reject").await;
    for verb in ["approve", "reject"] {
        let (status, body) = decide(&app, Some(&f.admin), &rejected, verb).await;
        assert_eq!(
            (status, body),
            (
                StatusCode::NOT_FOUND,
                handler_error(404, &format!("Claim {rejected} not found in the database"))
            ),
            "{verb}"
        );
    }
});

backend_test!(deciding_a_claim_needs_an_admin_and_refuses_any_query_parameter, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let id = id_of(&claim(&app, &claimer, &result, "odd").await);
    for verb in ["approve", "reject"] {
        let path = format!("/reports/claims/{id}:{verb}");
        let (status, body) = app.call(Method::POST, &format!("{path}?x=1"), None, None).await;
        assert_eq!(
            (status, body),
            (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")),
            "{verb}"
        );
        for user in [&claimer, &f.user] {
            let (status, body) =
                app.call(Method::POST, &format!("{path}?x=1"), Some(&user.token), None).await;
            assert_eq!(
                (status, body),
                (StatusCode::FORBIDDEN, app.forbidden(&user.sub, "is_admin")),
                "{verb}"
            );
        }
        for (query, name) in [("x=1", "x"), ("status=approved", "status"), ("per_page=1", "per_page")] {
            let (status, body) =
                app.call(Method::POST, &format!("{path}?{query}"), Some(&f.admin.token), None).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{verb}?{query}");
            assert_eq!(body, validation_error("query", json!({name: ["Unknown field."]})), "{verb}?{query}");
        }
        let nobody = uuid::Uuid::new_v4();
        let (status, body) = decide(&app, Some(&f.admin), &nobody.to_string(), verb).await;
        assert_eq!(
            (status, body),
            (StatusCode::NOT_FOUND, handler_error(404, &format!("Claim {nobody} not found in the database"))),
            "{verb}"
        );
    }
    assert_eq!(
        claim_ids(&app, &f.admin, "/reports/claims?status=on_review").await,
        vec![id],
        "still pending"
    );
    assert!(visible(&app).await.is_empty());
});

// ---------------------------------------------------------------------------------------------
// GET /results/{id}/claims
