//! Claims when what they point at is deleted.

use super::*;

/// A second user's result on the fixture's benchmark and flavor, claimed by `claimer`.
async fn foreign_claimed(app: &TestApp, f: &Fixture, claimer: &TestUser) -> (String, String) {
    let other = app.registered("other").await;
    let result =
        upload_by(app, &other, &f.benchmark, &f.flavor, json!({"time": 3}), &hours_ago(3), &[]).await;
    let claim_id = id_of(&claim(app, claimer, &result, "odd").await);
    (result, claim_id)
}

/// Asserts that `claim_id` is listed pending without `resource_id`, with its submit.
async fn assert_orphaned(app: &TestApp, admin: &TestUser, claim_id: &str) {
    let pending = page_as(app, Some(&admin.token), "/reports/claims?status=on_review").await;
    let item = pending["items"].as_array().unwrap().iter().find(|c| c["id"] == claim_id).cloned();
    let item = item.unwrap_or_else(|| panic!("{claim_id} still listed: {pending}"));
    assert!(item.get("resource_id").is_none(), "orphaned claims have no resource_id: {item}");
    assert_eq!(item["resource_type"], "result");
    let got = page_as(app, Some(&admin.token), &format!("/reports/claims/{claim_id}")).await;
    assert_eq!(got, item);
    let submits = page_as(app, Some(&admin.token), "/reports/submits?resource_type=claim").await;
    assert!(submits["items"].as_array().unwrap().iter().any(|s| s["resource_id"] == claim_id), "{submits}");
}

backend_test!(deleting_a_benchmark_deletes_every_result_on_it_and_orphans_their_claims, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let mine = id_of(&claim(&app, &claimer, &result, "odd").await);
    let (foreign, theirs) = foreign_claimed(&app, &f, &claimer).await;
    let (status, _) =
        app.call(Method::DELETE, &format!("/benchmarks/{}", f.benchmark), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for r in [&result, &foreign] {
        assert_eq!(app.get(&format!("/results/{r}")).await.0, StatusCode::NOT_FOUND, "{r} is hard-deleted");
    }
    assert!(
        page_as(&app, Some(&f.user.token), "/users/self/results").await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    for c in [&mine, &theirs] {
        assert_orphaned(&app, &f.admin, c).await;
    }
    decided(&app, &f.admin, &mine, "reject").await;
    decided(&app, &f.admin, &theirs, "approve").await;
    let subjects = app.subjects_after(&format!("Resource rejected: {mine}")).await;
    assert_eq!(count(&subjects, &format!("Resource approved: {theirs}")), 1, "{subjects:?}");
    assert!(!subjects.iter().any(|s| s.starts_with("Result restored")), "{subjects:?}");
    assert_eq!(claim_ids(&app, &f.admin, "/reports/claims").await, vec![theirs.clone()]);
    let approved = page_as(&app, Some(&f.admin.token), "/reports/claims").await;
    assert!(approved["items"][0].get("resource_id").is_none(), "{approved}");
});

backend_test!(deleting_a_site_or_a_flavor_deletes_their_results_and_orphans_the_claims, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let kit = approved_site(&app, &f, "kit", "kit.edu").await;
    let gpu = approved_flavor(&app, &f, &kit, "gpu").await;
    let on_kit = upload_by(&app, &f.user, &f.benchmark, &gpu, json!({}), &hours_ago(2), &[]).await;
    let on_small = id_of(&claim(&app, &claimer, &result, "odd").await);
    let on_gpu = id_of(&claim(&app, &claimer, &on_kit, "odd").await);
    let (status, _) =
        app.call(Method::DELETE, &format!("/flavors/{}", f.flavor), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&format!("/results/{result}")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/results/{on_kit}")).await.0, StatusCode::OK, "other flavors' results stay");
    assert_orphaned(&app, &f.admin, &on_small).await;
    let (status, _) = app.call(Method::DELETE, &format!("/sites/{kit}"), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&format!("/results/{on_kit}")).await.0, StatusCode::NOT_FOUND);
    assert_orphaned(&app, &f.admin, &on_gpu).await;
    decided(&app, &f.admin, &on_gpu, "reject").await;
    decided(&app, &f.admin, &on_small, "reject").await;
    assert!(claim_ids(&app, &f.admin, "/reports/claims?status=on_review").await.is_empty());
});

backend_test!(removing_a_user_deletes_their_claims_and_results_and_the_results_on_their_catalog, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    // `claimer` also uploads a benchmark that someone else's result uses, and claims `result`.
    let theirs = id_of(&app.create_benchmark(&claimer, "claimer/img", "1", json!({})).await);
    app.approve_as(&f.admin, "benchmark", &theirs).await;
    let other = app.registered("other").await;
    let on_theirs = upload_by(&app, &other, &theirs, &f.flavor, json!({}), &hours_ago(2), &[]).await;
    let by_claimer = id_of(&claim(&app, &claimer, &result, "odd").await);
    let own = upload_by(&app, &claimer, &f.benchmark, &f.flavor, json!({}), &hours_ago(3), &[]).await;
    let on_own = id_of(&claim(&app, &other, &own, "odd").await);
    let (status, _) = app
        .call(Method::POST, &format!("/users:remove?sub={}", claimer.sub), Some(&f.admin.token), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for r in [&own, &on_theirs] {
        assert_eq!(app.get(&format!("/results/{r}")).await.0, StatusCode::NOT_FOUND, "{r}");
    }
    let (status, _) =
        app.call(Method::GET, &format!("/reports/claims/{by_claimer}"), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the removed user's claims are gone");
    assert_orphaned(&app, &f.admin, &on_own).await;
    assert_eq!(
        page(&app, &format!("/results/{result}")).await["id"],
        result.as_str(),
        "the claimed result stays"
    );
    let pending = claim_ids(&app, &f.admin, "/reports/claims?status=on_review").await;
    assert_eq!(pending, vec![on_own]);
});
