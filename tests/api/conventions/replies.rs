//! Replies: content types, key order, the spec and swagger page, HEAD and OPTIONS.

use super::*;

backend_test!(a_204_has_an_empty_body_and_a_json_content_type, |app| {
    let root = app.admin("root").await;
    let id = app.create_tag(&root, "gpu").await["id"].as_str().unwrap().to_owned();
    let put = send_raw(
        app.request(Method::PUT, &format!("/tags/{id}")).bearer_auth(&root.token).json(&json!({"name": "g"})),
    )
    .await;
    let replies = [
        ("PUT tag", put),
        ("try_admin", app.raw(Method::GET, "/users/self:try_admin", Some(&root.token)).await),
        ("update self", app.raw(Method::POST, "/users/self:update", Some(&root.token)).await),
        ("remove", app.raw(Method::POST, "/users:remove?sub=nobody", Some(&root.token)).await),
        ("DELETE tag", app.raw(Method::DELETE, &format!("/tags/{id}"), Some(&root.token)).await),
    ];
    for (what, resp) in replies {
        assert_eq!(resp.status, StatusCode::NO_CONTENT, "{what}: {}", resp.text);
        assert_eq!(resp.text, "", "{what}");
        assert_json_content_type(&resp, what);
    }
});

backend_test!(every_json_reply_says_application_json, |app| {
    let root = app.admin("root").await;
    let alice = app.registered("alice").await;
    let id = app.create_tag(&root, "gpu").await["id"].as_str().unwrap().to_owned();
    let json_post = |path: &str, token: &str, body: &str| {
        app.request(Method::POST, path)
            .bearer_auth(token)
            .header("Content-Type", "application/json")
            .body(body.to_owned())
    };
    let replies = [
        (200, app.raw(Method::GET, "/tags", None).await),
        (200, app.raw(Method::GET, &format!("/tags/{id}"), None).await),
        (200, app.raw(Method::GET, "/users", Some(&root.token)).await),
        (200, app.raw(Method::GET, "/api-spec.json", None).await),
        (201, send_raw(json_post("/tags", &alice.token, r#"{"name":"cpu"}"#)).await),
        (400, send_raw(json_post("/tags", &alice.token, "{")).await),
        (401, app.raw(Method::GET, "/users/self", None).await),
        (401, app.raw(Method::GET, "/users/self", Some("unknown-token")).await),
        (403, app.raw(Method::GET, "/users", Some(&alice.token)).await),
        (404, app.raw(Method::GET, "/nope", None).await),
        (404, app.raw(Method::GET, &format!("/tags/{}", uuid::Uuid::new_v4()), None).await),
        (405, app.raw(Method::DELETE, "/tags", None).await),
        (409, send_raw(json_post("/tags", &alice.token, r#"{"name":"gpu"}"#)).await),
        (422, app.raw(Method::GET, "/tags?x=1", None).await),
        (422, app.raw(Method::GET, "/tags?sort_by=x", None).await),
    ];
    for (code, resp) in replies {
        assert_eq!(resp.status.as_u16(), code, "{}", resp.text);
        assert_json_content_type(&resp, &code.to_string());
        let _ = resp.json();
    }
});

backend_test!(json_keys_are_sorted_at_every_level, |app| {
    let root = app.admin("root").await;
    let id = app.create_tag(&root, "gpu").await["id"].as_str().unwrap().to_owned();
    let tag = format!(r#"{{"description":"about gpu","id":"{id}","name":"gpu"}}"#);
    assert_eq!(app.raw(Method::GET, &format!("/tags/{id}"), None).await.text, tag);
    assert_eq!(
        app.raw(Method::GET, "/tags", None).await.text,
        format!(
            r#"{{"has_next":false,"has_prev":false,"items":[{tag}],"page":1,"pages":1,"per_page":100,"total":1}}"#
        )
    );
    let me = app.raw(Method::GET, "/users/self", Some(&root.token)).await;
    let dt = me.json()["registration_datetime"].as_str().unwrap().to_owned();
    assert_eq!(
        me.text,
        format!(
            r#"{{"email":"root@example.org","iss":"{}","registration_datetime":"{dt}","sub":"root"}}"#,
            app.oidc.issuer()
        )
    );
    let alice = app.registered("alice").await;
    assert_eq!(
        app.raw(Method::GET, "/users", Some(&alice.token)).await.text,
        format!(
            r#"{{"error":"Forbidden","error_description":"User alice@{} does not meet requirements","error_details":"Evaluation of: is_admin"}}"#,
            app.oidc.issuer()
        )
    );
    assert_eq!(
        app.raw(Method::GET, "/tags?sort_by=x", None).await.text,
        r#"{"code":422,"message":{"KeyError":"Unexpected field ''","hint":"Use ',' to separate fields"},"status":"Unprocessable Entity"}"#
    );
    assert_eq!(
        app.raw(Method::GET, &format!("/tags/{}", uuid::Uuid::nil()), None).await.text,
        r#"{"code":404,"errors":{"error":"Record 00000000-0000-0000-0000-000000000000 not found in the database"},"status":"Not Found"}"#
    );
    assert_eq!(
        app.raw(Method::GET, "/users/self", None).await.json(),
        unauthenticated("No authorization header")
    );
    assert_eq!(
        app.raw(Method::GET, "/users/self", None).await.text,
        r#"{"error":"Unauthenticated","error_description":"No authorization header"}"#
    );
});

backend_test!(the_root_serves_the_swagger_page, |app| {
    let resp = app.raw(Method::GET, "/", None).await;
    assert_eq!(resp.status, StatusCode::OK);
    assert!(resp.header("content-type").unwrap_or_default().starts_with("text/html"), "{:?}", resp.headers);
    assert!(resp.text.contains("\"/api-spec.json\""), "{}", resp.text);
    let resp = send_raw(app.request(Method::GET, "/api/v1/").header("X-Script-Name", "/api/v1")).await;
    assert_eq!(resp.status, StatusCode::OK);
    assert!(resp.text.contains("\"/api/v1/api-spec.json\""), "{}", resp.text);
});

backend_test!(the_spec_is_served_as_json, |app| {
    let resp = app.raw(Method::GET, "/api-spec.json", None).await;
    assert_eq!(resp.status, StatusCode::OK);
    assert_json_content_type(&resp, "spec");
    let spec = resp.json();
    assert_eq!(spec["openapi"], "3.0.2");
    assert_eq!(spec["info"]["title"], "EOSC Performance API");
    assert!(spec["paths"]["/tags"]["get"].is_object());
});

backend_test!(head_is_answered_like_get_without_a_body, |app| {
    let root = app.admin("root").await;
    let id = app.create_tag(&root, "gpu").await["id"].as_str().unwrap().to_owned();
    let cases = [
        (format!("/tags/{id}"), None, StatusCode::OK),
        ("/tags".to_owned(), None, StatusCode::OK),
        ("/tags:search?terms=g".to_owned(), None, StatusCode::OK),
        ("/users/self".to_owned(), Some(root.token.as_str()), StatusCode::OK),
        ("/users/self".to_owned(), None, StatusCode::UNAUTHORIZED),
        (format!("/tags/{}", uuid::Uuid::new_v4()), None, StatusCode::NOT_FOUND),
        ("/tags?x=1".to_owned(), None, StatusCode::UNPROCESSABLE_ENTITY),
        ("/nope".to_owned(), None, StatusCode::NOT_FOUND),
    ];
    for (path, token, status) in cases {
        let resp = app.raw(Method::HEAD, &path, token).await;
        assert_eq!(resp.status, status, "HEAD {path}");
        assert_eq!(resp.text, "", "HEAD {path}");
        assert_json_content_type(&resp, &path);
    }
    let resp = app.raw(Method::HEAD, "/users:register", None).await;
    assert_eq!(resp.status, StatusCode::METHOD_NOT_ALLOWED, "no HEAD where there is no GET");
});

backend_test!(options_lists_the_allowed_methods_without_auth_or_cors, |app| {
    let id = uuid::Uuid::new_v4();
    let cases = [
        ("/tags".to_owned(), vec!["GET", "HEAD", "OPTIONS", "POST"]),
        (format!("/tags/{id}"), vec!["DELETE", "GET", "HEAD", "OPTIONS", "PUT"]),
        ("/tags:search".to_owned(), vec!["GET", "HEAD", "OPTIONS"]),
        ("/users:register".to_owned(), vec!["OPTIONS", "POST"]),
        ("/users:remove".to_owned(), vec!["OPTIONS", "POST"]),
        ("/users/self:try_admin".to_owned(), vec!["GET", "HEAD", "OPTIONS"]),
    ];
    for (path, methods) in cases {
        let resp = app.raw(Method::OPTIONS, &path, None).await;
        assert_eq!(resp.status, StatusCode::OK, "OPTIONS {path}");
        let mut allow: Vec<&str> =
            resp.header("allow").unwrap_or_default().split(',').map(str::trim).collect();
        allow.sort_unstable();
        assert_eq!(allow, methods, "OPTIONS {path}");
        assert!(resp.header("content-type").unwrap_or_default().starts_with("text/html"), "OPTIONS {path}");
        assert_eq!(resp.text, "");
        assert_eq!(resp.header("access-control-allow-origin"), None, "no CORS by default");
    }
    let resp = app.raw(Method::GET, "/tags", None).await;
    assert_eq!(resp.header("access-control-allow-origin"), None, "no CORS by default");
});
