//! Claiming a result: checks, the claim, its submit and mail, what stays hidden.

use super::*;

backend_test!(claiming_checks_the_user_then_the_body_then_the_result, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let nobody = uuid::Uuid::new_v4();
    let path = format!("/results/{nobody}:claim");
    let (status, body) = app.call(Method::POST, &path, None, Some(json!({}))).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let stranger = app.user("stranger");
    let (status, body) = app.call(Method::POST, &path, Some(&stranger.token), Some(json!({}))).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("stranger", "is_registered")));
    let (status, body) = app.call(Method::POST, &path, Some(&claimer.token), Some(json!({}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, validation_error("json", json!({"message": ["Missing data for required field."]})));
    let (status, body) =
        app.call(Method::POST, &path, Some(&claimer.token), Some(json!({"message": "m"}))).await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, handler_error(404, &format!("Result {nobody} not found in the database")))
    );
    let path = format!("/results/{result}:claim");
    for (sent, errors) in [
        (json!({"message": 3}), json!({"message": ["Not a valid string."]})),
        (json!({"message": null}), json!({"message": ["Field may not be null."]})),
        (json!({"message": "m", "result_id": result}), json!({"result_id": ["Unknown field."]})),
        (json!(["m"]), json!({"_schema": ["Invalid input type."]})),
    ] {
        let (status, body) = app.call(Method::POST, &path, Some(&claimer.token), Some(sent.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{sent}");
        assert_eq!(body, validation_error("json", errors), "{sent}");
    }
    let (status, body) = app.call(Method::POST, &path, Some(&claimer.token), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no body counts as {{}}: {body}");
    assert_eq!(visible(&app).await, vec![result], "refused claims hide nothing");
    let admin = &f.admin;
    let pending = page_as(&app, Some(&admin.token), "/reports/claims?status=on_review").await;
    assert_eq!(pending["total"], 0);
});

backend_test!(a_claim_is_returned_whole_and_hides_its_result_from_lists_and_search, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let other = uploaded(&app, &f, json!({"time": 2}), &hours_ago(2)).await;
    let before = Utc::now().naive_utc();
    let created = claim(&app, &claimer, &result, "suspicious numbers").await;
    let after = Utc::now().naive_utc();
    let me = page_as(&app, Some(&claimer.token), "/users/self").await;
    let id = id_of(&created);
    assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 4);
    let at = created["upload_datetime"].as_str().unwrap().to_owned();
    assert_eq!(
        created,
        json!({
            "id": id,
            "message": "suspicious numbers",
            "resource_type": "result",
            "resource_id": result,
            "upload_datetime": at,
            "uploader": me,
        })
    );
    let at = naive(&at);
    assert!(before - Duration::seconds(2) <= at && at <= after + Duration::seconds(2), "{at}");
    assert_eq!(visible(&app).await, vec![other.clone()]);
    assert_eq!(id_set(&page(&app, "/results:search").await), vec![other.clone()]);
    assert!(ids(&page(&app, "/results:search?terms=bench").await).iter().all(|r| *r != result));
    assert_eq!(
        page(&app, &format!("/results/{result}")).await["id"],
        result.as_str(),
        "still readable by id"
    );
    let mine = page_as(&app, Some(&f.user.token), "/users/self/results").await;
    assert_eq!(id_set(&mine), sorted(&[&result, &other]), "the owner still sees it");
});

backend_test!(a_pending_claim_is_a_claim_submit_pointing_at_the_claim_and_naming_the_claimer, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let created = claim(&app, &claimer, &result, "odd").await;
    let submits = page_as(&app, Some(&f.admin.token), "/reports/submits?resource_type=claim").await;
    let me = page_as(&app, Some(&claimer.token), "/users/self").await;
    assert_eq!(
        submits["items"],
        json!([{
            "resource_type": "claim",
            "resource_id": created["id"],
            "upload_datetime": submits["items"][0]["upload_datetime"],
            "uploader": me,
        }])
    );
    let submitted = naive(submits["items"][0]["upload_datetime"].as_str().unwrap());
    let claimed = naive(created["upload_datetime"].as_str().unwrap());
    assert!((submitted - claimed).num_seconds().abs() <= 1, "{submitted} vs {claimed}");
});

backend_test!(a_claim_mails_the_results_uploader_with_support_in_cc_and_both_ids, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let created = claim(&app, &claimer, &result, "odd").await;
    let claim_id = id_of(&created);
    let subject = format!("Claim submitted on result: {result}");
    let mail = app.mail_titled(&subject).await;
    assert_addressed(&mail, &f.user);
    assert_eq!(mail.header("result-id").as_deref(), Some(result.as_str()));
    assert_eq!(mail.header("claim-id").as_deref(), Some(claim_id.as_str()));
    assert!(mail.body().contains(&result) && mail.body().contains(&claim_id), "{}", mail.body());
    let subjects = app.subjects_after(&subject).await;
    assert_eq!(count(&subjects, &subject), 1, "{subjects:?}");
    let to_claimer: Vec<String> = app
        .smtp
        .messages()
        .iter()
        .filter(|m| m.recipients.contains(&claimer.email) && m.subject() != "Thank you for registering")
        .map(ReceivedMail::subject)
        .collect();
    assert!(to_claimer.is_empty(), "the claimer gets nothing yet: {to_claimer:?}");
});

backend_test!(anyone_registered_may_claim_even_their_own_or_an_already_hidden_result, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let own = claim(&app, &f.user, &result, "mine is wrong").await;
    assert_eq!(own["resource_id"], result.as_str());
    assert_eq!(own["uploader"]["sub"], "uploader");
    let again = claim(&app, &claimer, &result, "also wrong").await;
    assert_eq!(again["resource_id"], result.as_str());
    let by_admin = claim(&app, &f.admin, &result, "indeed").await;
    let deleted = uploaded(&app, &f, json!({}), &hours_ago(2)).await;
    let (status, _) =
        app.call(Method::DELETE, &format!("/results/{deleted}"), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let on_deleted = claim(&app, &claimer, &deleted, "gone anyway").await;
    let pending = claim_ids(&app, &f.admin, "/reports/claims?status=on_review").await;
    assert_eq!(pending, sorted(&[&id_of(&own), &id_of(&again), &id_of(&by_admin), &id_of(&on_deleted)]));
    assert!(visible(&app).await.is_empty());
});

// ---------------------------------------------------------------------------------------------
// Several claims on one result (Q2 fixed)

backend_test!(every_claim_of_a_result_keeps_its_resource_id_and_is_listed, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let second_claimer = app.registered("second").await;
    let first = claim(&app, &claimer, &result, "first").await;
    let second = claim(&app, &second_claimer, &result, "second").await;
    let expected = sorted(&[&id_of(&first), &id_of(&second)]);
    let admin = &f.admin;
    let listed = page_as(&app, Some(&admin.token), "/reports/claims?status=on_review").await;
    assert_eq!(id_set(&listed), expected);
    for item in listed["items"].as_array().unwrap() {
        assert_eq!(item["resource_id"], result.as_str(), "{item}");
    }
    for c in [&first, &second] {
        let got = page_as(&app, Some(&admin.token), &format!("/reports/claims/{}", id_of(c))).await;
        assert_eq!(&got, c, "each claim still names its result");
    }
    let path = format!("/results/{result}/claims?status=on_review");
    assert_eq!(claim_ids(&app, &f.user, &path).await, expected, "the owner sees both");
    assert_eq!(claim_ids(&app, admin, &path).await, expected);
    let submits = page_as(&app, Some(&admin.token), "/reports/submits?resource_type=claim").await;
    let mut submitted: Vec<String> = submits["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["resource_id"].as_str().unwrap().to_owned())
        .collect();
    submitted.sort();
    assert_eq!(submitted, expected);
});

backend_test!(a_result_stays_hidden_until_its_last_pending_claim_is_rejected, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let first = id_of(&claim(&app, &claimer, &result, "first").await);
    let second = id_of(&claim(&app, &f.admin, &result, "second").await);
    decided(&app, &f.admin, &first, "reject").await;
    let subjects = app.subjects_after(&format!("Resource rejected: {first}")).await;
    assert!(visible(&app).await.is_empty(), "another claim is still pending");
    let restored = format!("Result restored: {result}");
    assert_eq!(count(&subjects, &restored), 0, "{subjects:?}");
    let path = format!("/results/{result}/claims?status=on_review");
    assert_eq!(claim_ids(&app, &f.user, &path).await, vec![second.clone()]);
    decided(&app, &f.admin, &second, "reject").await;
    assert_eq!(visible(&app).await, vec![result.clone()]);
    let subjects = app.subjects_after(&restored).await;
    assert_eq!(count(&subjects, &restored), 1, "{subjects:?}");
    assert!(claim_ids(&app, &f.user, &path).await.is_empty());
});

backend_test!(approving_one_claim_leaves_the_other_pending_and_the_result_hidden, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let first = id_of(&claim(&app, &claimer, &result, "first").await);
    let second = id_of(&claim(&app, &f.admin, &result, "second").await);
    decided(&app, &f.admin, &first, "approve").await;
    assert!(visible(&app).await.is_empty());
    assert_eq!(claim_ids(&app, &f.admin, "/reports/claims").await, vec![first.clone()]);
    assert_eq!(claim_ids(&app, &f.admin, "/reports/claims?status=on_review").await, vec![second.clone()]);
    let path = format!("/results/{result}/claims");
    assert_eq!(claim_ids(&app, &f.user, &path).await, vec![first]);
    assert_eq!(claim_ids(&app, &f.user, &format!("{path}?status=on_review")).await, vec![second]);
});

backend_test!(rejecting_the_pending_claim_of_a_result_with_an_approved_claim_keeps_it_hidden, |app| {
    let (f, claimer, result) = claimed_world(&app).await;
    let first = id_of(&claim(&app, &claimer, &result, "first").await);
    let second = id_of(&claim(&app, &f.admin, &result, "second").await);
    decided(&app, &f.admin, &first, "approve").await;
    decided(&app, &f.admin, &second, "reject").await;
    let subjects = app.subjects_after(&format!("Resource rejected: {second}")).await;
    assert!(visible(&app).await.is_empty(), "an approved claim confirmed the result is wrong");
    assert_eq!(count(&subjects, &format!("Result restored: {result}")), 0, "{subjects:?}");
});

// ---------------------------------------------------------------------------------------------
// /reports/claims and /reports/claims/{id}
