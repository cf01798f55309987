//! Listing and reading claims.

use super::*;

backend_test!(admins_list_claims_approved_by_default_and_pending_with_status_on_review, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let id = id_of(&claim(&app, &claimer, &result, "odd").await);
    let admin = &f.admin;
    let listed = page_as(&app, Some(&admin.token), "/reports/claims").await;
    assert_eq!(
        (listed["items"].clone(), listed["total"].clone()),
        (json!([]), json!(0)),
        "pending are not listed"
    );
    assert_eq!(claim_ids(&app, admin, "/reports/claims?status=on_review").await, vec![id.clone()]);
    assert_eq!(claim_ids(&app, admin, "/reports/claims?status[]=on_review").await, vec![id.clone()]);
    decided(&app, admin, &id, "approve").await;
    assert_eq!(claim_ids(&app, admin, "/reports/claims").await, vec![id.clone()]);
    assert_eq!(claim_ids(&app, admin, "/reports/claims?status=approved").await, vec![id.clone()]);
    assert!(claim_ids(&app, admin, "/reports/claims?status=on_review").await.is_empty());
    let (status, body) =
        app.call(Method::GET, "/reports/claims?status=rejected", Some(&admin.token), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, validation_error("query", json!({"status": ["Must be one of: on_review, approved."]})));
});

backend_test!(listing_and_reading_claims_needs_an_admin_before_the_query_is_checked, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let id = id_of(&claim(&app, &claimer, &result, "odd").await);
    for path in ["/reports/claims?bad=1".to_owned(), format!("/reports/claims/{id}")] {
        let (status, body) = app.call(Method::GET, &path, None, None).await;
        assert_eq!(
            (status, body),
            (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")),
            "{path}"
        );
        for user in [&claimer, &f.user] {
            let (status, body) = app.call(Method::GET, &path, Some(&user.token), None).await;
            assert_eq!(
                (status, body),
                (StatusCode::FORBIDDEN, app.forbidden(&user.sub, "is_admin")),
                "{path}"
            );
        }
    }
    let (status, body) = app.call(Method::GET, "/reports/claims?bad=1", Some(&f.admin.token), None).await;
    assert_eq!(
        (status, body),
        (StatusCode::UNPROCESSABLE_ENTITY, validation_error("query", json!({"bad": ["Unknown field."]})))
    );
});

backend_test!(admins_read_a_claim_in_any_status_by_id, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let created = claim(&app, &claimer, &result, "odd").await;
    let id = id_of(&created);
    let path = format!("/reports/claims/{id}");
    assert_eq!(page_as(&app, Some(&f.admin.token), &path).await, created);
    decided(&app, &f.admin, &id, "approve").await;
    assert_eq!(page_as(&app, Some(&f.admin.token), &path).await, created, "approved: same representation");
    let nobody = uuid::Uuid::new_v4();
    let (status, body) =
        app.call(Method::GET, &format!("/reports/claims/{nobody}"), Some(&f.admin.token), None).await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, handler_error(404, &format!("Claim {nobody} not found in the database")))
    );
    let (status, body) =
        app.call(Method::GET, &format!("/reports/claims/{result}"), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a result id is no claim id: {body}");
});

backend_test!(claim_lists_sort_by_upload_time_by_default_and_by_documented_fields, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let admin = &f.admin;
    let mut made = Vec::new();
    for message in ["b", "c", "a"] {
        made.push(id_of(&claim(&app, &claimer, &result, message).await));
    }
    let base = "/reports/claims?status=on_review";
    let list = |q: &str| {
        let path = format!("{base}&{q}");
        let app = &app;
        async move { ids(&page_as(app, Some(&admin.token), &path).await) }
    };
    assert_eq!(list("").await, made);
    assert_eq!(list("sort_by=%2Bupload_datetime").await, made);
    let mut newest_first = made.clone();
    newest_first.reverse();
    assert_eq!(list("sort_by=-upload_datetime").await, newest_first);
    assert_eq!(list("sort_by=%2Bmessage").await, vec![made[2].clone(), made[0].clone(), made[1].clone()]);
    assert_eq!(list("sort_by=%2Bid").await, sorted(&[&made[0], &made[1], &made[2]]));
    assert_eq!(list("sort_by=%2Bresource_type,-upload_datetime").await, newest_first);
    assert_eq!(list("sort_by=-status,%2Bupload_datetime").await, made);
    let paged = page_as(&app, Some(&admin.token), &format!("{base}&per_page=2&page=2")).await;
    assert_eq!(
        (ids(&paged), paged["total"].clone(), paged["pages"].clone()),
        (vec![made[2].clone()], json!(3), json!(2))
    );
    let (status, body) =
        app.call(Method::GET, &format!("{base}&per_page=2&page=3"), Some(&admin.token), None).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
    for (sort_by, key_error) in [
        ("%2Bresource_id", "Unexpected field 'resource_id'"),
        ("%2Buploader", "Unexpected field 'uploader'"),
        ("upload_datetime", "Unexpected field 'pload_datetime'"),
    ] {
        let (status, body) =
            app.call(Method::GET, &format!("{base}&sort_by={sort_by}"), Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{sort_by}");
        assert_eq!(
            body["message"],
            json!({"KeyError": key_error, "hint": "Use ',' to separate fields"}),
            "{sort_by}"
        );
    }
});

backend_test!(claim_lists_filter_on_upload_dates_strictly, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let id = id_of(&claim(&app, &claimer, &result, "odd").await);
    let today = Utc::now().date_naive();
    let (yesterday, tomorrow) = (today.pred_opt().unwrap(), today.succ_opt().unwrap());
    let base = "/reports/claims?status=on_review";
    assert_eq!(
        claim_ids(&app, &f.admin, &format!("{base}&upload_after={yesterday}")).await,
        vec![id.clone()]
    );
    assert_eq!(claim_ids(&app, &f.admin, &format!("{base}&upload_before={tomorrow}")).await, vec![id]);
    assert!(claim_ids(&app, &f.admin, &format!("{base}&upload_after={tomorrow}")).await.is_empty());
    assert!(claim_ids(&app, &f.admin, &format!("{base}&upload_before={today}")).await.is_empty());
});

// ---------------------------------------------------------------------------------------------
// Approve and reject
