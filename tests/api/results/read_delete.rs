//! One result: missing ids on every route, and the admin delete that hides it.

use super::*;

backend_test!(a_missing_result_is_404_on_every_result_route, |app| {
    let f = fixture(&app).await;
    let nobody = uuid::Uuid::new_v4();
    let expected = handler_error(404, &format!("Result {nobody} not found in the database"));
    let (status, body) = app.get(&format!("/results/{nobody}")).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, expected.clone()));
    for (method, path, token, body) in [
        (Method::DELETE, format!("/results/{nobody}"), &f.admin, None),
        (Method::PUT, format!("/results/{nobody}/tags"), &f.user, Some(json!({"tags_ids": []}))),
        (Method::GET, format!("/results/{nobody}/claims"), &f.user, None),
        (Method::GET, format!("/results/{nobody}/uploader"), &f.admin, None),
        (Method::POST, format!("/results/{nobody}:claim"), &f.user, Some(json!({"message": "m"}))),
    ] {
        let (status, reply) = app.call(method.clone(), &path, Some(&token.token), body).await;
        assert_eq!((status, reply), (StatusCode::NOT_FOUND, expected.clone()), "{method} {path}");
    }
    let (status, body) = app.get("/results/not-a-uuid").await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
});

backend_test!(deleting_a_result_needs_an_admin, |app| {
    let f = fixture(&app).await;
    let id = uploaded(&app, &f, json!({"time": 1}), &hours_ago(1)).await;
    let path = format!("/results/{id}");
    let (status, body) = app.call(Method::DELETE, &path, None, None).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let (status, body) = app.call(Method::DELETE, &path, Some(&f.user.token), None).await;
    assert_eq!(
        (status, body),
        (StatusCode::FORBIDDEN, app.forbidden("uploader", "is_admin")),
        "not even the owner"
    );
    assert_eq!(ids(&page(&app, "/results").await), vec![id]);
});

backend_test!(an_admin_delete_hides_the_result_but_keeps_it_and_everything_around_it, |app| {
    let f = fixture(&app).await;
    let tag = id_of(&app.create_tag(&f.user, "gpu").await);
    let keep = uploaded(&app, &f, json!({"time": 1}), &hours_ago(2)).await;
    let gone =
        upload_by(&app, &f.user, &f.benchmark, &f.flavor, json!({"time": 2}), &hours_ago(1), &[&tag]).await;
    let before = page(&app, &format!("/results/{gone}")).await;
    let mails = app.settled_mails(FIXTURE_MAILS).await.len();
    let (status, body) =
        app.call(Method::DELETE, &format!("/results/{gone}"), Some(&f.admin.token), None).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    assert_eq!(ids(&page(&app, "/results").await), vec![keep.clone()]);
    assert_eq!(ids(&page(&app, "/results:search").await), vec![keep.clone()]);
    assert_eq!(ids(&page(&app, &format!("/results?tags_ids={tag}")).await), Vec::<String>::new());
    assert_eq!(page(&app, &format!("/results/{gone}")).await, before, "still readable by id, unchanged");
    let (status, _) = app.call(Method::DELETE, &format!("/results/{gone}"), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "a repeated delete is 204 again");
    let mine = page_as(&app, Some(&f.user.token), "/users/self/results").await;
    assert_eq!(id_set(&mine), sorted(&[&keep, &gone]), "the owner still sees it");
    for path in [
        format!("/benchmarks/{}", f.benchmark),
        format!("/sites/{}", f.site),
        format!("/flavors/{}", f.flavor),
        format!("/tags/{tag}"),
    ] {
        assert_eq!(app.get(&path).await.0, StatusCode::OK, "{path} survives");
    }
    assert_eq!(app.settled_mails(mails).await.len(), mails, "deleting sends no mail");
});

// ---------------------------------------------------------------------------------------------
// PUT /results/{id}/tags
