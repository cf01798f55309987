//! Tag lists and search.

use super::*;

backend_test!(tags_are_listed_by_name_by_default_and_filtered_by_exact_name, |app| {
    let user = app.registered("alice").await;
    for name in ["charlie", "alpha", "bravo", "alphabet"] {
        app.create_tag(&user, name).await;
    }
    assert_eq!(names(&app, "/tags").await, ["alpha", "alphabet", "bravo", "charlie"]);
    assert_eq!(names(&app, "/tags?sort_by=-name").await, ["charlie", "bravo", "alphabet", "alpha"]);
    assert_eq!(names(&app, "/tags?sort_by=%2Bdescription").await, ["alpha", "alphabet", "bravo", "charlie"]);
    assert_eq!(names(&app, "/tags?name=alpha").await, ["alpha"]);
    assert_eq!(names(&app, "/tags?name=alph").await, Vec::<String>::new());
    let (_, page) = app.get("/tags?name=bravo").await;
    let id = page["items"][0]["id"].as_str().unwrap();
    assert_eq!(
        page,
        json!({"items": [{"id": id, "name": "bravo", "description": "about bravo"}],
               "total": 1, "pages": 1, "page": 1, "per_page": 100, "has_prev": false, "has_next": false})
    );
});

backend_test!(tag_lists_can_be_sorted_by_id, |app| {
    let user = app.registered("alice").await;
    let mut ids = Vec::new();
    for name in ["a", "b", "c", "d"] {
        ids.push(app.create_tag(&user, name).await["id"].as_str().unwrap().to_owned());
    }
    ids.sort();
    let (_, page) = app.get("/tags?sort_by=%2Bid").await;
    let got: Vec<&str> =
        page["items"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(got, ids);
    let (_, page) = app.get("/tags?sort_by=-id").await;
    let got: Vec<&str> =
        page["items"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    ids.reverse();
    assert_eq!(got, ids);
});

backend_test!(tag_lists_refuse_status_and_upload_dates, |app| {
    for param in ["status=approved", "upload_before=2020-01-01", "upload_after=2020-01-01"] {
        let name = param.split('=').next().unwrap();
        let (status, body) = app.get(&format!("/tags?{param}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{param}");
        assert_eq!(body, validation_error("query", json!({name: ["Unknown field."]})));
        let (status, body) = app.get(&format!("/tags:search?{param}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "search {param}");
        assert_eq!(body, validation_error("query", json!({name: ["Unknown field."]})));
    }
});

backend_test!(tag_lists_refuse_sorting_by_upload_datetime, |app| {
    let (status, body) = app.get("/tags?sort_by=%2Bupload_datetime").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        json!({"code": 422, "status": "Unprocessable Entity",
               "message": {"KeyError": "Unexpected field 'upload_datetime'", "hint": "Use ',' to separate fields"}})
    );
});

backend_test!(searching_tags_matches_name_or_description_case_sensitively, |app| {
    search_fixture(&app).await;
    assert_eq!(name_set(&app, "/tags:search?terms=gpu").await, ["cuda", "gpu-fast"]);
    assert_eq!(name_set(&app, "/tags:search?terms=GPU").await, ["GPU-big"]);
    assert_eq!(name_set(&app, "/tags:search?terms=pu").await, ["cpu", "cuda", "gpu-fast"]);
    assert_eq!(name_set(&app, "/tags:search?terms=arg").await, ["GPU-big"]);
    assert_eq!(name_set(&app, "/tags:search?terms=nothing").await, Vec::<String>::new());
});

backend_test!(searching_tags_requires_every_term, |app| {
    search_fixture(&app).await;
    // "gpu" in the name and "Fast" in the description of the same tag.
    assert_eq!(name_set(&app, "/tags:search?terms=gpu&terms=Fast").await, ["gpu-fast"]);
    assert_eq!(name_set(&app, "/tags:search?terms=gpu&terms=runs").await, ["cuda"]);
    assert_eq!(name_set(&app, "/tags:search?terms=cpu&terms=cuda").await, Vec::<String>::new());
});

backend_test!(an_empty_search_term_or_no_term_matches_every_tag, |app| {
    search_fixture(&app).await;
    let all = ["GPU-big", "cpu", "cuda", "gpu-fast"];
    assert_eq!(name_set(&app, "/tags:search?terms=").await, all);
    assert_eq!(name_set(&app, "/tags:search").await, all);
    let (_, page) = app.get("/tags:search?terms=").await;
    assert_eq!(page["total"], 4);
});

backend_test!(tag_search_pages_and_sorts, |app| {
    search_fixture(&app).await;
    assert_eq!(names(&app, "/tags:search?terms=u&sort_by=-name&per_page=2").await, ["gpu-fast", "cuda"]);
    let (status, page) = app.get("/tags:search?terms=u&sort_by=-name&per_page=2&page=2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["name"], "cpu");
});

backend_test!(tag_search_refuses_the_list_filters, |app| {
    let (status, body) = app.get("/tags:search?name=gpu").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, validation_error("query", json!({"name": ["Unknown field."]})));
});
