//! `filters`: conditions on the result documents.

use super::*;

/// Four documents with clashing types at the same paths; returns their ids.
async fn typed_docs(app: &TestApp, f: &Fixture) -> [String; 4] {
    let docs = [
        json!({"time": 10, "score": 1.5, "ok": true, "name": "alpha", "cpu": {"count": 4},
               "runs": [{"t": 1}, {"t": 9}]}),
        json!({"time": 11, "score": 11.0, "ok": false, "name": "beta", "cpu": {"count": 8}, "runs": [{"t": 5}]}),
        json!({"time": 1000, "score": -2, "ok": "true", "name": "Gamma", "cpu": {"count": "8"}, "runs": []}),
        json!({"other": "two", "name": 11, "ok": 1, "cpu": "none", "runs": {"0": {"t": 1}}}),
    ];
    let mut out = Vec::new();
    for (i, doc) in docs.into_iter().enumerate() {
        let when = format!("2020-01-0{}T00:00:00Z", i + 1);
        out.push(uploaded(app, f, doc, &when).await);
    }
    out.try_into().unwrap()
}

/// Asserts that each filter (URL-encoded) selects exactly these documents (indexes).
async fn assert_filters(app: &TestApp, docs: &[String; 4], cases: &[(&str, &[usize])]) {
    for (filter, expected) in cases {
        let want: Vec<String> = expected.iter().map(|i| docs[*i].clone()).collect();
        let (status, body) = app.get(&format!("/results?filters={filter}")).await;
        assert_eq!(status, StatusCode::OK, "{filter}: {body}");
        assert_eq!(ids(&body), want, "{filter}");
    }
}

backend_test!(number_filters_compare_json_numbers_with_each_operator, |app| {
    let f = fixture(&app).await;
    let d = typed_docs(&app, &f).await;
    assert_filters(
        &app,
        &d,
        &[
            ("time%20%3D%3D%2011", &[1]),
            ("time%20%3E%2010", &[1, 2]),
            ("time%20%3E%3D%2010", &[0, 1, 2]),
            ("time%20%3C%2011", &[0]),
            ("time%20%3C%3D%2011", &[0, 1]),
            ("time%20%3C%200", &[]),
            ("score%20%3D%3D%2011", &[1]),
            ("score%20%3D%3D%2011.0", &[1]),
            ("score%20%3D%3D%201.5", &[0]),
            ("score%20%3E%201.4", &[0, 1]),
            ("score%20%3C%20-1", &[2]),
            ("score%20%3D%3D%20-2.0", &[2]),
            ("score%20%3E%20%2B1.49", &[0, 1]),
            ("time%20%3D%3D%201e1", &[0]),
            ("time%20%3D%3D%201E3", &[2]),
            ("time%20%3D%3D%201_000", &[2]),
            ("time%20%3E%20.5e1", &[0, 1, 2]),
            ("time%20%3C%20inf", &[0, 1, 2]),
            ("time%20%3E%20-Infinity", &[0, 1, 2]),
        ],
    )
    .await;
});

backend_test!(number_and_boolean_filters_skip_values_of_other_types_instead_of_failing, |app| {
    let f = fixture(&app).await;
    let d = typed_docs(&app, &f).await;
    assert_filters(
        &app,
        &d,
        &[
            ("name%20%3D%3D%2011", &[3]),
            ("name%20%3E%200", &[3]),
            ("cpu.count%20%3D%3D%208", &[1]),
            ("cpu.count%20%3E%200", &[0, 1]),
            ("other%20%3E%200", &[]),
            ("ok%20%3D%3D%201", &[3]),
            ("ok%20%3D%3D%20true", &[0]),
            ("ok%20%3D%3D%20True", &[0]),
            ("ok%20%3D%3D%20TRUE", &[0]),
            ("ok%20%3D%3D%20false", &[1]),
            ("ok%20%3D%3D%20FALSE", &[1]),
            ("ok%20%3D%3D%20False", &[1]),
            ("ok%20%3E%20false", &[0]),
            ("time%20%3D%3D%20true", &[]),
            ("runs%20%3E%200", &[]),
        ],
    )
    .await;
});

backend_test!(text_filters_compare_the_json_text_at_the_path, |app| {
    let f = fixture(&app).await;
    let d = typed_docs(&app, &f).await;
    assert_filters(
        &app,
        &d,
        &[
            ("name%20%3D%3D%20alpha", &[0]),
            ("name%20%3D%3D%20Gamma", &[2]),
            ("name%20%3D%3D%20gamma", &[]),
            ("name%20%3E%3D%20beta", &[1]),
            // Byte order: uppercase before lowercase, digits (the number 11) before letters.
            ("name%20%3C%20b", &[0, 2, 3]),
            ("other%20%3D%3D%20two", &[3]),
            ("ok%20%3D%3D%20yes", &[]),
            ("cpu%20%3D%3D%20none", &[3]),
        ],
    )
    .await;
});

backend_test!(filters_follow_nested_paths_and_array_indexes_and_skip_missing_paths, |app| {
    let f = fixture(&app).await;
    let d = typed_docs(&app, &f).await;
    assert_filters(
        &app,
        &d,
        &[
            ("cpu.count%20%3C%205", &[0]),
            ("runs.0.t%20%3D%3D%201", &[0, 3]),
            ("runs.1.t%20%3D%3D%209", &[0]),
            ("runs.0.t%20%3E%3D%201", &[0, 1, 3]),
            ("runs.5.t%20%3D%3D%201", &[]),
            ("missing%20%3D%3D%201", &[]),
            ("missing.deeper%20%3C%20z", &[]),
            ("time.x%20%3E%200", &[]),
        ],
    )
    .await;
});

backend_test!(several_filters_are_anded_with_each_other_and_the_other_parameters, |app| {
    let f = fixture(&app).await;
    let d = typed_docs(&app, &f).await;
    let both = "filters=time%20%3E%2010&filters=cpu.count%20%3D%3D%208";
    assert_eq!(listed(&app, both).await, vec![d[1].clone()]);
    assert_eq!(listed(&app, "filters[]=time%20%3E%2010&filters[]=score%20%3C%200").await, vec![d[2].clone()]);
    assert_eq!(listed(&app, "filters=time+>+10").await, vec![d[1].clone(), d[2].clone()], "+ is a space");
    assert_eq!(
        listed(&app, "filters=time%20%3E%2010&execution_after=2020-01-02&sort_by=-execution_datetime").await,
        vec![d[2].clone()]
    );
    let other = approved_benchmark(&app, &f, "other", "1", json!({})).await;
    let extra = upload_by(&app, &f.user, &other, &f.flavor, json!({"time": 500}), &hours_ago(1), &[]).await;
    assert_eq!(
        listed(&app, "filters=time%20%3E%2010").await,
        vec![d[1].clone(), d[2].clone(), extra.clone()]
    );
    assert_eq!(listed(&app, &format!("filters=time%20%3E%2010&benchmark_id={other}")).await, vec![extra]);
});

backend_test!(a_filter_without_exactly_three_tokens_is_422_with_the_unpacking_error, |app| {
    let f = fixture(&app).await;
    typed_docs(&app, &f).await;
    for (query, filter, reason) in [
        ("time", "time", "not enough values to unpack (expected 3, got 1)"),
        ("time%3E10", "time>10", "not enough values to unpack (expected 3, got 1)"),
        ("", "", "not enough values to unpack (expected 3, got 1)"),
        ("time%20%3E", "time >", "not enough values to unpack (expected 3, got 2)"),
        ("time%20%3E%2010%20x", "time > 10 x", "too many values to unpack (expected 3)"),
        ("time%20%20%3E%2010", "time  > 10", "too many values to unpack (expected 3)"),
        ("time%20%3E%2010%20", "time > 10 ", "too many values to unpack (expected 3)"),
        ("name%20%3D%3D%20two%20words", "name == two words", "too many values to unpack (expected 3)"),
    ] {
        let (status, body) = app.get(&format!("/results?filters={query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body, token_count_error(filter, reason), "{query}");
    }
    let (status, body) = app.get("/results?filters=time%20%3E%201&filters=oops").await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            token_count_error("oops", "not enough values to unpack (expected 3, got 1)")
        )
    );
});

backend_test!(an_unknown_filter_operator_is_422_with_the_message_object, |app| {
    let f = fixture(&app).await;
    typed_docs(&app, &f).await;
    for (query, filter, op) in [
        ("time%20!%3D%2010", "time != 10", "!="),
        ("time%20%3D%2010", "time = 10", "="),
        ("time%20%3D%3E%2010", "time => 10", "=>"),
        ("time%20eq%2010", "time eq 10", "eq"),
        ("time%20%3E%3E%2010", "time >> 10", ">>"),
    ] {
        let (status, body) = app.get(&format!("/results?filters={query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body, operator_error(filter, op), "{query}");
    }
});

// ---------------------------------------------------------------------------------------------
// Sorting
