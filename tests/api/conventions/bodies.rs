//! Request bodies: malformed JSON, non-objects, other content types, NUL characters.

use super::*;

backend_test!(malformed_json_is_a_400, |app| {
    let user = app.registered("alice").await;
    for body in ["{", "{\"name\": }", "not json", "{\"name\": \"a\"} trailing"] {
        let resp = post_tag_raw(&app, &user, Some("application/json"), body).await;
        assert_eq!(resp.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(
            resp.text,
            r#"{"code":400,"errors":{"json":["Invalid JSON body."]},"status":"Bad Request"}"#
        );
        assert_json_content_type(&resp, body);
    }
});

backend_test!(a_json_body_that_is_not_an_object_is_422, |app| {
    let user = app.registered("alice").await;
    for body in ["[1]", "[]", "\"gpu\"", "1", "true"] {
        let resp = post_tag_raw(&app, &user, Some("application/json"), body).await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(
            resp.json(),
            validation_error("json", json!({"_schema": ["Invalid input type."]})),
            "{body}"
        );
    }
});

backend_test!(a_body_under_another_content_type_counts_as_empty, |app| {
    let user = app.registered("alice").await;
    let missing = validation_error("json", json!({"name": ["Missing data for required field."]}));
    for content_type in [Some("text/plain"), Some("application/x-www-form-urlencoded"), None] {
        let resp = post_tag_raw(&app, &user, content_type, r#"{"name": "gpu"}"#).await;
        assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY, "{content_type:?}");
        assert_eq!(resp.json(), missing, "{content_type:?}");
    }
    // Not even parsed: malformed text under another type is not a 400.
    let resp = post_tag_raw(&app, &user, Some("text/plain"), "{").await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    // No body at all, declared JSON.
    let resp = post_tag_raw(&app, &user, Some("application/json"), "").await;
    assert_eq!(resp.json(), missing);
    let (_, page) = app.get("/tags").await;
    assert_eq!(page["total"], 0);
    // The parameters of the content type do not matter.
    let resp = post_tag_raw(&app, &user, Some("application/json; charset=utf-8"), r#"{"name": "gpu"}"#).await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.text);
});

backend_test!(nul_characters_in_bodies_and_query_terms_are_422, |app| {
    let root = app.admin("root").await;
    for body in [json!({"name": "a\u{0}b"}), json!({"name": "ok", "description": "x\u{0}"})] {
        let (status, resp) = app.call(Method::POST, "/tags", Some(&root.token), Some(body.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!((resp["code"].as_u64(), resp["status"].as_str()), (Some(422), Some(UNPROCESSABLE)));
        let field = if body["name"] == "ok" { "description" } else { "name" };
        assert!(resp["errors"]["json"][field][0].is_string(), "{resp}");
    }
    let id = app.create_tag(&root, "gpu").await["id"].as_str().unwrap().to_owned();
    let (status, resp) = app
        .call(Method::PUT, &format!("/tags/{id}"), Some(&root.token), Some(json!({"name": "\u{0}"})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp["errors"]["json"]["name"][0].is_string(), "{resp}");
    for path in
        ["/tags:search?terms=%00", "/tags:search?terms=gpu&terms=a%00", "/tags?name=%00", "/tags?sort_by=%00"]
    {
        let (status, resp) = app.get(path).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {resp}");
        assert!(resp["errors"]["query"].is_object(), "{path}: {resp}");
    }
    for path in ["/users:search?terms=%00", "/users?email=%00"] {
        let (status, resp) = app.call(Method::GET, path, Some(&root.token), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {resp}");
    }
    let (status, resp) = app.call(Method::POST, "/users:remove?sub=%00", Some(&root.token), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{resp}");
    let (_, page) = app.get("/tags").await;
    assert_eq!(item_names(&page), ["gpu"]);
});
