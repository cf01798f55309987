//! Shared conventions, exercised through `/tags` and `/users`: pagination, sorting, query and
//! body parsing, routing, error shapes and serialisation.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use eosc_perf_tests::{
    TestApp, TestUser,
    app::{RawResponse, bare, send_raw, unauthenticated, validation_error},
    backend_test,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const UNPROCESSABLE: &str = "Unprocessable Entity";

/// Creates tags `names` (descriptions `about <name>`) as a fresh registered user.
async fn tags(app: &TestApp, names: &[&str]) -> TestUser {
    let user = app.registered("alice").await;
    for name in names {
        app.create_tag(&user, name).await;
    }
    user
}

fn item_names(page: &Value) -> Vec<&str> {
    page["items"].as_array().expect("items").iter().map(|t| t["name"].as_str().expect("name")).collect()
}

fn sort_error(key_error: &str, hint: &str) -> Value {
    json!({"code": 422, "status": UNPROCESSABLE, "message": {"KeyError": key_error, "hint": hint}})
}

const FIELD_HINT: &str = "Use ',' to separate fields";
const ORDER_HINT: &str = "Use '+'(asc) or '-'(desc) before sort field";

/// POSTs `body` to `/tags` with a content type, as `user`.
async fn post_tag_raw(app: &TestApp, user: &TestUser, content_type: Option<&str>, body: &str) -> RawResponse {
    let mut req = app.request(Method::POST, "/tags").bearer_auth(&user.token).body(body.to_owned());
    if let Some(ct) = content_type {
        req = req.header("Content-Type", ct);
    }
    send_raw(req).await
}

fn assert_json_content_type(resp: &RawResponse, what: &str) {
    assert_eq!(resp.header("content-type"), Some("application/json"), "{what}: {}", resp.text);
}

backend_test!(an_empty_first_page_is_200_with_zero_pages, |app| {
    let resp = app.raw(Method::GET, "/tags", None).await;
    assert_eq!(resp.status, StatusCode::OK);
    assert_eq!(
        resp.text,
        r#"{"has_next":false,"has_prev":false,"items":[],"page":1,"pages":0,"per_page":100,"total":0}"#
    );
    let (status, body) = app.get("/tags?per_page=7").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((body["pages"].as_u64(), body["per_page"].as_u64()), (Some(0), Some(7)));
});

backend_test!(a_page_beyond_the_end_is_a_bare_404, |app| {
    let resp = app.raw(Method::GET, "/tags?page=2", None).await;
    assert_eq!(resp.status, StatusCode::NOT_FOUND);
    assert_eq!(resp.text, r#"{"code":404,"status":"Not Found"}"#);
    assert_json_content_type(&resp, "page 2 of nothing");
    tags(&app, &["a", "b", "c"]).await;
    let (status, _) = app.get("/tags?per_page=2&page=2").await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app.get("/tags?per_page=2&page=3").await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
    let (status, body) = app.get("/tags?page=99").await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
});

backend_test!(the_pagination_envelope_links_pages_only_when_they_exist, |app| {
    tags(&app, &["a", "b", "c", "d", "e"]).await;
    let (_, first) = app.get("/tags?per_page=2").await;
    let mut expected = json!({"items": first["items"], "total": 5, "pages": 3, "page": 1, "per_page": 2,
                              "has_prev": false, "has_next": true, "next_num": 2});
    assert_eq!(first, expected);
    assert_eq!(item_names(&first), ["a", "b"]);
    let (_, middle) = app.get("/tags?per_page=2&page=2").await;
    expected = json!({"items": middle["items"], "total": 5, "pages": 3, "page": 2, "per_page": 2,
                      "has_prev": true, "has_next": true, "prev_num": 1, "next_num": 3});
    assert_eq!(middle, expected);
    assert_eq!(item_names(&middle), ["c", "d"]);
    let (_, last) = app.get("/tags?per_page=2&page=3").await;
    expected = json!({"items": last["items"], "total": 5, "pages": 3, "page": 3, "per_page": 2,
                      "has_prev": true, "has_next": false, "prev_num": 2});
    assert_eq!(last, expected);
    assert_eq!(item_names(&last), ["e"]);
    let (_, whole) = app.get("/tags?per_page=5").await;
    assert_eq!((whole["pages"].as_u64(), whole["has_next"].as_bool()), (Some(1), Some(false)));
    assert!(whole.get("next_num").is_none() && whole.get("prev_num").is_none());
});

backend_test!(per_page_and_page_out_of_range_or_not_integers_are_422, |app| {
    let per_page = "Must be greater than or equal to 1 and less than or equal to 100.";
    let cases = [
        ("per_page=0", json!({"per_page": [per_page]})),
        ("per_page=101", json!({"per_page": [per_page]})),
        ("per_page=-1", json!({"per_page": [per_page]})),
        ("page=0", json!({"page": ["Must be greater than or equal to 1."]})),
        ("page=-3", json!({"page": ["Must be greater than or equal to 1."]})),
        ("page=x", json!({"page": ["Not a valid integer."]})),
        ("per_page=1.5", json!({"per_page": ["Not a valid integer."]})),
        ("per_page=", json!({"per_page": ["Not a valid integer."]})),
        (
            "per_page=0&page=0",
            json!({"per_page": [per_page], "page": ["Must be greater than or equal to 1."]}),
        ),
    ];
    for (query, errors) in cases {
        let (status, body) = app.get(&format!("/tags?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(body, validation_error("query", errors), "{query}");
    }
    for query in ["per_page=1", "per_page=100", "page=1"] {
        let (status, _) = app.get(&format!("/tags?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}");
    }
    let (status, body) = app.get("/tags:search?per_page=101").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, validation_error("query", json!({"per_page": [per_page]})));
});

backend_test!(sort_errors_carry_the_original_message_objects, |app| {
    let cases = [
        ("Bad%20sort%20command", sort_error("Unexpected field 'ad sort command'", FIELD_HINT)),
        ("name", sort_error("Unexpected field 'ame'", FIELD_HINT)),
        ("%2Bnope", sort_error("Unexpected field 'nope'", FIELD_HINT)),
        ("*name", sort_error("Unknown order operator '*'", ORDER_HINT)),
        ("%2Aname", sort_error("Unknown order operator '*'", ORDER_HINT)),
        ("%2Bname,-nope", sort_error("Unexpected field 'nope'", FIELD_HINT)),
        ("%2Bname;-id", sort_error("Unexpected field 'name;-id'", FIELD_HINT)),
    ];
    for (sort_by, expected) in cases {
        for path in ["/tags", "/tags:search"] {
            let (status, body) = app.get(&format!("{path}?sort_by={sort_by}")).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path} {sort_by}");
            assert_eq!(body, expected, "{path} {sort_by}");
        }
    }
});

backend_test!(an_unencoded_plus_in_sort_by_is_a_space, |app| {
    let (status, body) = app.get("/tags?sort_by=+name").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, sort_error("Unknown order operator ' '", ORDER_HINT));
});

backend_test!(sort_keys_apply_left_to_right_and_empty_entries_are_skipped, |app| {
    let user = app.registered("alice").await;
    for (name, description) in [("a", "y"), ("b", "x"), ("c", "y"), ("d", "x")] {
        let (status, _) = app
            .call(
                Method::POST,
                "/tags",
                Some(&user.token),
                Some(json!({"name": name, "description": description})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (_, page) = app.get("/tags?sort_by=-name").await;
    assert_eq!(item_names(&page), ["d", "c", "b", "a"]);
    let (_, page) = app.get("/tags?sort_by=%2Bdescription,-name").await;
    assert_eq!(item_names(&page), ["d", "b", "c", "a"]);
    let (_, page) = app.get("/tags?sort_by=,-description,,%2Bname,").await;
    assert_eq!(item_names(&page), ["a", "c", "b", "d"]);
    let (status, page) = app.get("/tags?sort_by=").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 4);
    let (_, page) = app.get("/tags:search?sort_by=-name").await;
    assert_eq!(item_names(&page), ["d", "c", "b", "a"]);
});

backend_test!(a_bracket_suffix_is_stripped_from_every_query_name, |app| {
    tags(&app, &["gpu", "gpu-fast", "cpu"]).await;
    let (status, page) = app.get("/tags:search?terms[]=gpu&terms[]=fast").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(item_names(&page), ["gpu-fast"]);
    let (_, page) = app.get("/tags:search?terms%5B%5D=gpu&terms=fast").await;
    assert_eq!(item_names(&page), ["gpu-fast"]);
    let (_, page) = app.get("/tags?per_page[]=1&page[]=2&sort_by[]=-name").await;
    assert_eq!((page["per_page"].as_u64(), page["page"].as_u64()), (Some(1), Some(2)));
    assert_eq!(item_names(&page), ["gpu"]);
    let (_, page) = app.get("/tags?name[]=cpu").await;
    assert_eq!(item_names(&page), ["cpu"]);
    let (status, body) = app.get("/tags?bogus[]=1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, validation_error("query", json!({"bogus": ["Unknown field."]})));
    let (_, body) = app.get("/tags?per_page[]=0").await;
    assert!(body["errors"]["query"]["per_page"].is_array(), "{body}");
});

backend_test!(the_first_value_of_a_repeated_scalar_wins, |app| {
    tags(&app, &["a", "b", "c"]).await;
    let (status, page) = app.get("/tags?per_page=1&per_page=50").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["per_page"], 1);
    let (status, page) = app.get("/tags?per_page=2&per_page=0").await;
    assert_eq!(status, StatusCode::OK, "the second value is not even validated: {page}");
    assert_eq!(page["per_page"], 2);
    let (_, page) = app.get("/tags?name=b&name=c").await;
    assert_eq!(item_names(&page), ["b"]);
    let (_, page) = app.get("/tags?sort_by=-name&sort_by=%2Bname").await;
    assert_eq!(item_names(&page), ["c", "b", "a"]);
});

backend_test!(an_unknown_query_parameter_is_422, |app| {
    let resp = app.raw(Method::GET, "/tags?x=1", None).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        resp.json(),
        json!({"code": 422, "status": UNPROCESSABLE, "errors": {"query": {"x": ["Unknown field."]}}})
    );
    assert_eq!(
        resp.text,
        r#"{"code":422,"errors":{"query":{"x":["Unknown field."]}},"status":"Unprocessable Entity"}"#
    );
    let (status, body) = app.get("/tags:search?terms=a&x=1&y=").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, validation_error("query", json!({"x": ["Unknown field."], "y": ["Unknown field."]})));
    let (status, body) = app.get("/tags?x=1&per_page=0").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        validation_error(
            "query",
            json!({"x": ["Unknown field."], "per_page": ["Must be greater than or equal to 1 and less than or equal to 100."]})
        )
    );
});

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
