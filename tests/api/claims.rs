//! Claims (§4.2, §4.3, §5.5, §8): claiming hides a result; admins list, read, approve and reject
//! claims; rejecting the last pending claim restores the result (Q1 fixed); a result carries
//! several claims (Q2 fixed); cascades orphan claims; the claim mails.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use chrono::{Duration, NaiveDateTime, Utc};
use eosc_perf_tests::{
    TestApp, TestUser,
    app::{SUPPORT, bare, handler_error, unauthenticated, validation_error},
    backend_test,
    smtp::ReceivedMail,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::results::{
    Fixture, approved_flavor, approved_site, fixture, hours_ago, id_of, id_set, ids, page, page_as, sorted,
    upload_by, uploaded,
};

const FROM: &str = "perf@example.org";

/// Claims `result` as `user` with `message`; asserts 201 and returns the claim.
async fn claim(app: &TestApp, user: &TestUser, result: &str, message: &str) -> Value {
    let path = format!("/results/{result}:claim");
    let (status, body) =
        app.call(Method::POST, &path, Some(&user.token), Some(json!({"message": message}))).await;
    assert_eq!(status, StatusCode::CREATED, "claim {result}: {body}");
    body
}

/// `POST /reports/claims/{id}:<verb>` as `user`.
async fn decide(app: &TestApp, user: Option<&TestUser>, claim: &str, verb: &str) -> (StatusCode, Value) {
    let path = format!("/reports/claims/{claim}:{verb}");
    app.call(Method::POST, &path, user.map(|u| u.token.as_str()), None).await
}

/// Approves or rejects `claim` as `admin`, asserting 204.
async fn decided(app: &TestApp, admin: &TestUser, claim: &str, verb: &str) {
    let (status, body) = decide(app, Some(admin), claim, verb).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null), "{verb} {claim}");
}

/// The public list's ids.
async fn visible(app: &TestApp) -> Vec<String> {
    id_set(&page(app, "/results").await)
}

/// The ids of a 200 claim page fetched with `user`'s token.
async fn claim_ids(app: &TestApp, user: &TestUser, path: &str) -> Vec<String> {
    id_set(&page_as(app, Some(&user.token), path).await)
}

fn naive(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .unwrap_or_else(|e| panic!("{text:?} is not a naive ISO datetime: {e}"))
}

/// A mail to `to` with support in Cc, from the server's address.
fn assert_addressed(mail: &ReceivedMail, to: &TestUser) {
    let subject = mail.subject();
    assert_eq!(mail.from, FROM, "{subject}");
    assert_eq!(mail.recipients, vec![to.email.clone(), SUPPORT.to_owned()], "{subject}: envelope");
    assert_eq!(mail.header("to").as_deref(), Some(to.email.as_str()), "{subject}");
    assert_eq!(mail.header("cc").as_deref(), Some(SUPPORT), "{subject}");
}

fn count(subjects: &[String], subject: &str) -> usize {
    subjects.iter().filter(|s| s.as_str() == subject).count()
}

/// The fixture, a second registered user and one result of the fixture's user.
async fn claimed_world(app: &TestApp) -> (Fixture, TestUser, String) {
    let f = fixture(app).await;
    let claimer = app.registered("claimer").await;
    let result = uploaded(app, &f, json!({"time": 1}), &hours_ago(1)).await;
    (f, claimer, result)
}

// ---------------------------------------------------------------------------------------------
// POST /results/{id}:claim

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
