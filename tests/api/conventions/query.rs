//! Query strings: sort keys, bracket suffixes, repeated and unknown parameters.

use super::*;

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
