//! The claims of one result (`GET /results/{id}/claims`).

use super::*;

backend_test!(a_results_claims_are_shown_to_its_owner_and_admins_with_the_claimers_email, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let other = uploaded(&app, &f, json!({}), &hours_ago(2)).await;
    let created = claim(&app, &claimer, &result, "odd").await;
    claim(&app, &claimer, &other, "unrelated").await;
    let path = format!("/results/{result}/claims");
    let listed = page_as(&app, Some(&f.user.token), &path).await;
    assert_eq!(
        (listed["items"].clone(), listed["total"].clone()),
        (json!([]), json!(0)),
        "default: approved only"
    );
    let pending = page_as(&app, Some(&f.user.token), &format!("{path}?status=on_review")).await;
    assert_eq!(pending["items"], json!([created]), "the owner sees the claim and the claimer's email");
    assert_eq!(pending["items"][0]["uploader"]["email"], "claimer@example.org");
    let pending = page_as(&app, Some(&f.admin.token), &format!("{path}?status=on_review")).await;
    assert_eq!(pending["items"], json!([created]));
});

backend_test!(a_results_claims_check_user_then_query_then_result_then_ownership, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    claim(&app, &claimer, &result, "odd").await;
    let nobody = uuid::Uuid::new_v4();
    let missing = format!("/results/{nobody}/claims");
    let (status, body) = app.call(Method::GET, &format!("{missing}?status=x"), None, None).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let stranger = app.user("stranger");
    let (status, body) =
        app.call(Method::GET, &format!("{missing}?status=x"), Some(&stranger.token), None).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("stranger", "is_registered")));
    let (status, body) =
        app.call(Method::GET, &format!("{missing}?status=x"), Some(&claimer.token), None).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            validation_error("query", json!({"status": ["Must be one of: on_review, approved."]}))
        )
    );
    let (status, body) = app.call(Method::GET, &missing, Some(&claimer.token), None).await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, handler_error(404, &format!("Result {nobody} not found in the database")))
    );
    let path = format!("/results/{result}/claims?status=on_review");
    let (status, body) = app.call(Method::GET, &path, Some(&claimer.token), None).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, bare(403)), "the claimer is not the owner");
    assert_eq!(page_as(&app, Some(&f.user.token), &path).await["total"], 1, "while the owner may look");
});

// ---------------------------------------------------------------------------------------------
// Cascades: hard-deleted results orphan their claims
