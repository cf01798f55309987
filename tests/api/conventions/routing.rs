//! Routing: unknown routes and methods, UUIDs in paths, slashes, the script name.

use super::*;

backend_test!(an_unknown_route_is_a_bare_404, |app| {
    for path in ["/nope", "/tags/x/y", "/users/other", "/tags:nope", "/api/v1/tags"] {
        let resp = app.raw(Method::GET, path, None).await;
        assert_eq!(resp.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(resp.text, r#"{"code":404,"status":"Not Found"}"#, "{path}");
        assert_json_content_type(&resp, path);
    }
});

backend_test!(a_wrong_method_is_a_bare_405, |app| {
    let id = uuid::Uuid::new_v4();
    let cases = [
        (Method::DELETE, "/tags".to_owned()),
        (Method::PUT, "/tags".to_owned()),
        (Method::PATCH, format!("/tags/{id}")),
        (Method::POST, format!("/tags/{id}")),
        (Method::POST, "/tags:search".to_owned()),
        (Method::GET, "/users:register".to_owned()),
        (Method::POST, "/users".to_owned()),
        (Method::POST, "/users/self:try_admin".to_owned()),
    ];
    for (method, path) in cases {
        let resp = app.raw(method.clone(), &path, None).await;
        assert_eq!(resp.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert_eq!(resp.json(), json!({"code": 405, "status": "Method Not Allowed"}), "{method} {path}");
        assert_json_content_type(&resp, &path);
    }
});

backend_test!(a_malformed_uuid_in_a_path_is_a_bare_404_before_auth, |app| {
    let root = app.admin("root").await;
    let simple = uuid::Uuid::new_v4().simple().to_string();
    let braced = format!("{{{}}}", uuid::Uuid::new_v4());
    let urn = uuid::Uuid::new_v4().urn().to_string();
    let ids = [
        "not-a-uuid",
        "1234",
        "0a0be4b8-fd4d-450d-8178-8947e707cce",
        "0a0be4b8-fd4d-450d-8178-8947e707cce2x",
    ];
    for id in ids.iter().map(|s| (*s).to_owned()).chain([simple, braced, urn]) {
        let path = format!("/tags/{id}");
        for (method, token) in [
            (Method::GET, None),
            (Method::PUT, None),
            (Method::DELETE, None),
            (Method::PUT, Some(root.token.as_str())),
            (Method::DELETE, Some(root.token.as_str())),
            // Methods the route does not serve: still no route at all, not a 405.
            (Method::POST, None),
            (Method::PATCH, Some(root.token.as_str())),
            (Method::OPTIONS, None),
        ] {
            let resp = app.raw(method.clone(), &path, token).await;
            assert_eq!(resp.status, StatusCode::NOT_FOUND, "{method} {path}: {}", resp.text);
            assert_eq!(resp.json(), bare(404), "{method} {path}");
        }
    }
});

backend_test!(an_uppercase_uuid_in_a_path_is_accepted, |app| {
    tags(&app, &["gpu"]).await;
    let (_, page) = app.get("/tags").await;
    let id = page["items"][0]["id"].as_str().unwrap();
    let (status, body) = app.get(&format!("/tags/{}", id.to_uppercase())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["id"], id);
});

backend_test!(trailing_slashes_are_strict_and_doubled_slashes_merge, |app| {
    tags(&app, &["gpu"]).await;
    for path in ["/tags/", "/users/self/", "/tags:search/", "/api-spec.json/"] {
        let (status, body) = app.get(path).await;
        assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)), "{path}");
    }
    let (status, page) = app.get("//tags").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(item_names(&page), ["gpu"]);
    let (status, page) = app.get("//tags:search?terms=g").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(item_names(&page), ["gpu"]);
    let (status, spec) = app.get("//api-spec.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(spec["openapi"], "3.0.2");
});

backend_test!(a_percent_encoded_colon_matches_a_custom_method, |app| {
    tags(&app, &["gpu"]).await;
    let (status, page) = app.get("/tags%3Asearch?terms=g").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(item_names(&page), ["gpu"]);
});

backend_test!(the_script_name_prefix_is_stripped, |app| {
    let user = tags(&app, &["gpu"]).await;
    let prefixed = |method: Method, path: &str| app.request(method, path).header("X-Script-Name", "/api/v1");
    let resp = send_raw(prefixed(Method::GET, "/api/v1/tags")).await;
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.text);
    assert_eq!(item_names(&resp.json()), ["gpu"]);
    let resp = send_raw(prefixed(Method::GET, "/api/v1/tags?name=gpu&per_page=1")).await;
    assert_eq!(resp.json()["per_page"], 1);
    let resp = send_raw(prefixed(Method::GET, "/api/v1/tags:search?terms=gp")).await;
    assert_eq!(item_names(&resp.json()), ["gpu"]);
    let resp = send_raw(
        prefixed(Method::POST, "/api/v1/tags").bearer_auth(&user.token).json(&json!({"name": "cpu"})),
    )
    .await;
    assert_eq!(resp.status, StatusCode::CREATED, "{}", resp.text);
    let id = resp.json()["id"].as_str().unwrap().to_owned();
    let resp = send_raw(prefixed(Method::GET, &format!("/api/v1/tags/{id}"))).await;
    assert_eq!(resp.json()["name"], "cpu");
    let resp = send_raw(prefixed(Method::GET, "/api/v1/users/self").bearer_auth(&user.token)).await;
    assert_eq!(resp.json()["sub"], "alice");
    let resp = send_raw(prefixed(Method::GET, "/api/v1/api-spec.json")).await;
    assert_eq!(resp.status, StatusCode::OK);
    // Without the prefix the path still works; another prefix does not.
    let resp = send_raw(prefixed(Method::GET, "/tags")).await;
    assert_eq!(resp.status, StatusCode::OK);
    let resp = send_raw(prefixed(Method::GET, "/api/v2/tags")).await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND);
});
