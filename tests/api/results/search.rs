//! `GET /results:search`, and NUL characters anywhere in results.

use super::*;

/// Two results on different benchmarks, sites and flavors; `fast` tags the first.
struct SearchWorld {
    f: Fixture,
    first: String,
    second: String,
}

async fn search_world(app: &TestApp) -> SearchWorld {
    let f = fixture(app).await;
    let fast = id_of(&app.create_tag(&f.user, "fast").await);
    let _unused = app
        .call(
            Method::POST,
            "/tags",
            Some(&f.user.token),
            Some(json!({"name": "fastest", "description": "about speed"})),
        )
        .await;
    let other = approved_benchmark(app, &f, "other/img", "2.0", json!({})).await;
    let kit = approved_site(app, &f, "kit", "karlsruhe.de").await;
    let large = approved_flavor(app, &f, &kit, "gpu-large").await;
    let first =
        upload_by(app, &f.user, &f.benchmark, &f.flavor, json!({"time": 1}), &hours_ago(2), &[&fast]).await;
    let second = upload_by(app, &f.user, &other, &large, json!({"time": 2}), &hours_ago(1), &[]).await;
    SearchWorld { f, first, second }
}

async fn search(app: &TestApp, query: &str) -> Vec<String> {
    id_set(&page(app, &format!("/results:search?{query}")).await)
}

backend_test!(searching_results_matches_benchmark_site_and_flavor_names_by_substring, |app| {
    let w = search_world(&app).await;
    let (first, second) = (vec![w.first.clone()], vec![w.second.clone()]);
    assert_eq!(search(&app, "").await, sorted(&[&w.first, &w.second]));
    for (term, expected) in [
        ("deephdc/bench:1.0", &first),
        ("bench:1", &first),
        ("img:2", &second),
        ("other/", &second),
        ("ite0", &first),
        ("kit", &second),
        ("karlsruhe", &second),
        ("site0.example", &first),
        ("mall", &first),
        ("large", &second),
    ] {
        assert_eq!(&search(&app, &format!("terms={term}")).await, expected, "{term}");
    }
    for term in ["Bench", "KIT", "nothing", "about", "time"] {
        assert!(search(&app, &format!("terms={term}")).await.is_empty(), "{term} matches nothing");
    }
});

backend_test!(searching_results_matches_tag_names_exactly, |app| {
    let w = search_world(&app).await;
    assert_eq!(search(&app, "terms=fast").await, vec![w.first.clone()]);
    assert!(search(&app, "terms=fas").await.is_empty(), "no substring match on tags");
    assert!(search(&app, "terms=fastest").await.is_empty(), "an unattached tag");
    assert!(search(&app, "terms=Fast").await.is_empty(), "case-sensitive");
});

backend_test!(search_terms_must_all_match, |app| {
    let w = search_world(&app).await;
    assert_eq!(search(&app, "terms=bench&terms=small").await, vec![w.first.clone()]);
    assert_eq!(search(&app, "terms[]=bench&terms=fast").await, vec![w.first.clone()]);
    assert!(search(&app, "terms=bench&terms=kit").await.is_empty());
    assert_eq!(search(&app, "terms=example&terms=large").await, Vec::<String>::new());
    assert_eq!(search(&app, "terms=.&terms=e").await, sorted(&[&w.first, &w.second]));
});

backend_test!(search_hides_hidden_results_and_refuses_list_filters, |app| {
    let w = search_world(&app).await;
    let (status, _) =
        app.call(Method::DELETE, &format!("/results/{}", w.second), Some(&w.f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(search(&app, "").await, vec![w.first.clone()]);
    assert!(search(&app, "terms=kit").await.is_empty());
    for param in [
        format!("benchmark_id={}", w.f.benchmark),
        "filters=time%20%3E%201".to_owned(),
        format!("site_id={}", w.f.site),
        "execution_after=2020-01-01".to_owned(),
    ] {
        let (status, body) = app.get(&format!("/results:search?{param}")).await;
        let name = param.split('=').next().unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{param}");
        assert_eq!(body, validation_error("query", json!({name: ["Unknown field."]})), "{param}");
    }
});

backend_test!(search_pages_and_filters_on_upload_dates, |app| {
    let w = search_world(&app).await;
    let today = Utc::now().date_naive();
    let tomorrow = today.succ_opt().unwrap();
    let yesterday = today.pred_opt().unwrap();
    assert_eq!(search(&app, &format!("upload_after={yesterday}")).await, sorted(&[&w.first, &w.second]));
    assert!(search(&app, &format!("upload_after={tomorrow}")).await.is_empty());
    assert!(search(&app, &format!("upload_before={today}")).await.is_empty());
    let body = page(&app, "/results:search?per_page=1&page=2&sort_by=%2Bexecution_datetime").await;
    assert_eq!(
        (ids(&body), body["total"].clone(), body["pages"].clone()),
        (vec![w.second.clone()], json!(2), json!(2))
    );
    let (status, body) = app.get("/results:search?per_page=1&page=3").await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
});

backend_test!(nul_characters_in_documents_filters_terms_and_claims_are_422_not_500, |app| {
    let f = fixture(&app).await;
    let id = uploaded(&app, &f, json!({"time": 1}), &hours_ago(1)).await;
    for doc in [json!({"name": "a\u{0}b"}), json!({"a\u{0}": 1}), json!({"deep": [{"x": "\u{0}"}]})] {
        let (status, body) = upload(&app, &f, doc.clone(), &hours_ago(1)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{doc}: {body}");
        assert!(body["errors"]["json"].is_object(), "{doc}: {body}");
    }
    for path in [
        "/results?filters=name%20%3D%3D%20a%00",
        "/results:search?terms=%00",
        "/results?sort_by=%2Bjson.a%00",
    ] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {body}");
        assert!(body["errors"]["query"].is_object(), "{path}: {body}");
    }
    let path = format!("/results/{id}:claim");
    let (status, body) =
        app.call(Method::POST, &path, Some(&f.user.token), Some(json!({"message": "x\u{0}"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["errors"]["json"]["message"].is_array(), "{body}");
    assert_eq!(ids(&page(&app, "/results").await), vec![id], "nothing stored, nothing hidden");
});
