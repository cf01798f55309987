//! A result's tags (`PUT /results/{id}/tags`) and its uploader.

use super::*;

backend_test!(the_owner_replaces_clears_or_keeps_the_tags_of_a_result, |app| {
    let f = fixture(&app).await;
    let a = id_of(&app.create_tag(&f.user, "a").await);
    let b = id_of(&app.create_tag(&f.user, "b").await);
    let c = id_of(&app.create_tag(&f.user, "c").await);
    let id = upload_by(&app, &f.user, &f.benchmark, &f.flavor, json!({}), &hours_ago(1), &[&a]).await;
    let (status, body) = put_tags(&app, Some(&f.user), &id, json!({"tags_ids": [b, c]})).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    assert_eq!(tag_ids_of(&app, &id).await, sorted(&[&b, &c]));
    assert_eq!(ids(&page(&app, &format!("/results?tags_ids={b}&tags_ids={c}")).await), vec![id.clone()]);
    assert!(ids(&page(&app, &format!("/results?tags_ids={a}")).await).is_empty());
    let (status, _) = put_tags(&app, Some(&f.user), &id, json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(tag_ids_of(&app, &id).await, sorted(&[&b, &c]), "{{}} changes nothing");
    let (status, _) = put_tags(&app, Some(&f.user), &id, json!({"tags_ids": [a, a]})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "duplicates are tolerated");
    assert_eq!(tag_ids_of(&app, &id).await, vec![a.clone()]);
    let (status, _) = put_tags(&app, Some(&f.user), &id, json!({"tags_ids": []})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(tag_ids_of(&app, &id).await.is_empty(), "[] clears");
    for t in [&a, &b, &c] {
        assert_eq!(app.get(&format!("/tags/{t}")).await.0, StatusCode::OK, "the tags themselves stay");
    }
});

backend_test!(admins_may_retag_any_result_even_hidden_but_other_users_get_a_bare_403, |app| {
    let f = fixture(&app).await;
    let other = app.registered("other").await;
    let a = id_of(&app.create_tag(&f.user, "a").await);
    let id = uploaded(&app, &f, json!({}), &hours_ago(1)).await;
    let (status, body) = put_tags(&app, Some(&other), &id, json!({"tags_ids": [a]})).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, bare(403)));
    assert!(tag_ids_of(&app, &id).await.is_empty());
    let (status, _) = app.call(Method::DELETE, &format!("/results/{id}"), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = put_tags(&app, Some(&f.admin), &id, json!({"tags_ids": [a]})).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    assert_eq!(tag_ids_of(&app, &id).await, vec![a.clone()]);
    let (status, _) = put_tags(&app, Some(&f.user), &id, json!({"tags_ids": []})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "the owner too, on a hidden result");
    assert!(tag_ids_of(&app, &id).await.is_empty());
});

backend_test!(retagging_checks_auth_then_body_then_result_then_ownership_then_tags, |app| {
    let f = fixture(&app).await;
    let other = app.registered("other").await;
    let a = id_of(&app.create_tag(&f.user, "a").await);
    let id = upload_by(&app, &f.user, &f.benchmark, &f.flavor, json!({}), &hours_ago(1), &[&a]).await;
    let nobody = uuid::Uuid::new_v4().to_string();
    let (status, body) = put_tags(&app, None, &nobody, json!({"tags_ids": ["x"]})).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
    let stranger = app.user("stranger");
    let (status, body) = put_tags(&app, Some(&stranger), &nobody, json!({"tags_ids": ["x"]})).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, app.forbidden("stranger", "is_registered")));
    let (status, body) = put_tags(&app, Some(&other), &nobody, json!({"tags_ids": ["x", a]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, validation_error("json", json!({"tags_ids": {"0": ["Not a valid UUID."]}})));
    let (status, body) = put_tags(&app, Some(&other), &nobody, json!({"tags_ids": [nobody]})).await;
    assert_eq!(
        (status, body),
        (StatusCode::NOT_FOUND, handler_error(404, &format!("Result {nobody} not found in the database")))
    );
    let (status, body) = put_tags(&app, Some(&other), &id, json!({"tags_ids": [nobody]})).await;
    assert_eq!((status, body), (StatusCode::FORBIDDEN, bare(403)), "non-owners learn nothing about tags");
    let (status, body) = put_tags(&app, Some(&f.user), &id, json!({"tags_ids": [nobody]})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "an unknown tag is 404, not 500: {body}");
    assert!(body["errors"]["error"].as_str().unwrap().contains(&nobody), "{body}");
    let (status, _) = put_tags(&app, Some(&f.admin), &id, json!({"tags_ids": [a, nobody]})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(tag_ids_of(&app, &id).await, vec![a.clone()], "a refused update changes nothing");
});

backend_test!(retag_bodies_are_validated_like_marshmallow, |app| {
    let f = fixture(&app).await;
    let id = uploaded(&app, &f, json!({}), &hours_ago(1)).await;
    for (body, errors) in [
        (json!({"tags_ids": "x"}), json!({"tags_ids": ["Not a valid list."]})),
        (json!({"tags_ids": null}), json!({"tags_ids": ["Field may not be null."]})),
        (json!({"tags": []}), json!({"tags": ["Unknown field."]})),
        (json!([]), json!({"_schema": ["Invalid input type."]})),
    ] {
        let (status, reply) = put_tags(&app, Some(&f.user), &id, body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(reply, validation_error("json", errors), "{body}");
    }
});

// ---------------------------------------------------------------------------------------------
// GET /results/{id}/uploader

backend_test!(admins_see_who_uploaded_a_result_even_a_hidden_one, |app| {
    let f = fixture(&app).await;
    let id = uploaded(&app, &f, json!({}), &hours_ago(1)).await;
    let me = page_as(&app, Some(&f.user.token), "/users/self").await;
    let path = format!("/results/{id}/uploader");
    assert_eq!(page_as(&app, Some(&f.admin.token), &path).await, me);
    assert_eq!(me["email"], "uploader@example.org");
    let (status, _) = app.call(Method::DELETE, &format!("/results/{id}"), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(page_as(&app, Some(&f.admin.token), &path).await, me, "hidden results too");
    let (status, body) = app.call(Method::GET, &path, Some(&f.user.token), None).await;
    assert_eq!(
        (status, body),
        (StatusCode::FORBIDDEN, app.forbidden("uploader", "is_admin")),
        "not the owner"
    );
    let (status, body) = app.call(Method::GET, &path, None, None).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, unauthenticated("No authorization header")));
});

// ---------------------------------------------------------------------------------------------
// GET /results:search
