//! The pagination envelope and its parameters.

use super::*;

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
