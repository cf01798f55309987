//! Sorting result lists.

use super::*;

backend_test!(results_are_sorted_by_execution_datetime_by_default, |app| {
    let w = world(&app).await;
    let [r1, r2, r3] = w.r.clone();
    assert_eq!(listed(&app, "").await, vec![r2.clone(), r3.clone(), r1.clone()]);
    assert_eq!(listed(&app, "sort_by=%2Bexecution_datetime").await, vec![r2.clone(), r3.clone(), r1.clone()]);
    assert_eq!(listed(&app, "sort_by=-execution_datetime").await, vec![r1, r3, r2]);
});

backend_test!(results_sort_on_every_documented_column_both_ways, |app| {
    let w = world(&app).await;
    let [r1, r2, r3] = w.r.clone();
    let by_id = |keys: &[String; 3]| {
        let mut pairs: Vec<(String, String)> = keys.iter().cloned().zip(w.r.iter().cloned()).collect();
        pairs.sort();
        pairs.into_iter().map(|(_, r)| r).collect::<Vec<String>>()
    };
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("execution_datetime", vec![r2.clone(), r3.clone(), r1.clone()]),
        ("upload_datetime", vec![r1.clone(), r2.clone(), r3.clone()]),
        ("benchmark_name", vec![r3.clone(), r2.clone(), r1.clone()]),
        ("site_name", vec![r3.clone(), r1.clone(), r2.clone()]),
        ("site_address", vec![r2.clone(), r1.clone(), r3.clone()]),
        ("flavor_name", vec![r1.clone(), r3.clone(), r2.clone()]),
        ("json.time", vec![r2.clone(), r1.clone(), r3.clone()]),
        ("json", vec![r2.clone(), r1.clone(), r3.clone()]),
        ("id", sorted(&[&r1, &r2, &r3])),
        ("benchmark_id", by_id(&w.benchmarks)),
        ("site_id", by_id(&w.sites)),
        ("flavor_id", by_id(&w.flavors)),
    ];
    for (field, ascending) in cases {
        assert_eq!(listed(&app, &format!("sort_by=%2B{field}")).await, ascending, "+{field}");
        assert_eq!(listed(&app, &format!("sort_by=-{field}")).await, reversed(ascending), "-{field}");
    }
    for field in ["deleted", "uploader_sub", "uploader_iss"] {
        let (status, body) = app.get(&format!("/results?sort_by=%2B{field}")).await;
        assert_eq!((status, body["total"].clone()), (StatusCode::OK, json!(3)), "{field}: {body}");
    }
});

backend_test!(sort_keys_apply_left_to_right, |app| {
    let w = world(&app).await;
    let f = &w.f;
    let [r1, r2, r3] = w.r.clone();
    // r4 shares r2's benchmark and sorts before it on time, after it on execution.
    let r4 = upload_by(
        &app,
        &f.user,
        &w.benchmarks[1],
        &w.flavors[0],
        json!({"time": 1}),
        "2020-02-01T00:00:00Z",
        &[],
    )
    .await;
    assert_eq!(
        listed(&app, "sort_by=%2Bbenchmark_name,%2Bjson.time").await,
        vec![r3.clone(), r4.clone(), r2.clone(), r1.clone()]
    );
    assert_eq!(
        listed(&app, "sort_by=%2Bbenchmark_name,-json.time").await,
        vec![r3.clone(), r2.clone(), r4.clone(), r1.clone()]
    );
    assert_eq!(
        listed(&app, "sort_by=-site_name,,%2Bexecution_datetime,").await,
        vec![r2.clone(), r1.clone(), r4.clone(), r3.clone()],
        "empty entries are skipped"
    );
    let (status, body) = app.get("/results?sort_by=").await;
    assert_eq!((status, body["total"].clone()), (StatusCode::OK, json!(4)), "an empty sort_by: {body}");
});

backend_test!(json_path_sorting_orders_types_like_jsonb_and_puts_missing_values_last, |app| {
    let f = fixture(&app).await;
    let values = [
        json!(10),
        json!("b"),
        json!(true),
        Value::Null,
        json!({"k": 1}),
        json!(2),
        json!([1]),
        json!("a"),
        json!(false),
        json!(2.5),
    ];
    let mut by_value = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let when = format!("2020-01-{:02}T00:00:00Z", i + 1);
        by_value.push((v.clone(), uploaded(&app, &f, json!({"v": v, "n": i}), &when).await));
    }
    let missing = uploaded(&app, &f, json!({"n": 99}), "2020-02-01T00:00:00Z").await;
    let id = |v: Value| by_value.iter().find(|(x, _)| *x == v).unwrap().1.clone();
    let ascending = vec![
        id(Value::Null),
        id(json!("a")),
        id(json!("b")),
        id(json!(2)),
        id(json!(2.5)),
        id(json!(10)),
        id(json!(false)),
        id(json!(true)),
        id(json!([1])),
        id(json!({"k": 1})),
        missing.clone(),
    ];
    assert_eq!(
        listed(&app, "sort_by=%2Bjson.v").await,
        ascending,
        "null < string < number < boolean < array < object, missing last"
    );
    assert_eq!(listed(&app, "sort_by=-json.v").await, reversed(ascending), "missing first descending");
});

backend_test!(json_paths_sort_through_nested_objects_and_array_indexes, |app| {
    let f = fixture(&app).await;
    let three = uploaded(&app, &f, json!({"a": {"b": 3}, "x": [30, 0]}), "2020-01-01T00:00:00Z").await;
    let one = uploaded(&app, &f, json!({"a": {"b": 1}, "x": [10]}), "2020-01-02T00:00:00Z").await;
    let two = uploaded(&app, &f, json!({"a": {"b": 2}, "x": {"0": 20}}), "2020-01-03T00:00:00Z").await;
    let none = uploaded(&app, &f, json!({"a": 1, "x": []}), "2020-01-04T00:00:00Z").await;
    assert_eq!(
        listed(&app, "sort_by=%2Bjson.a.b").await,
        vec![one.clone(), two.clone(), three.clone(), none.clone()]
    );
    assert_eq!(
        listed(&app, "sort_by=-json.a.b").await,
        vec![none.clone(), three.clone(), two.clone(), one.clone()]
    );
    assert_eq!(
        listed(&app, "sort_by=%2Bjson.x.0").await,
        vec![one.clone(), two.clone(), three.clone(), none.clone()]
    );
    assert_eq!(
        listed(&app, "sort_by=-json.x.0").await,
        vec![none.clone(), three.clone(), two.clone(), one.clone()]
    );
    assert_eq!(
        listed(&app, "sort_by=%2Bjson.nowhere,-execution_datetime").await,
        vec![none, two, one, three],
        "a path missing everywhere leaves the next key in charge"
    );
});

backend_test!(bad_sort_keys_are_422_with_the_original_message_objects, |app| {
    let f = fixture(&app).await;
    uploaded(&app, &f, json!({"time": 1}), &hours_ago(1)).await;
    let field = "Use ',' to separate fields";
    let operator = "Use '+'(asc) or '-'(desc) before sort field";
    for (sort_by, expected) in [
        ("bogus", sort_error("Unexpected field 'ogus'", field)),
        ("execution_datetime", sort_error("Unexpected field 'xecution_datetime'", field)),
        ("*execution_datetime", sort_error("Unknown order operator '*'", operator)),
        ("+execution_datetime", sort_error("Unknown order operator ' '", operator)),
        ("%2Btags", sort_error("Unexpected field 'tags'", field)),
        ("%2Bbenchmark", sort_error("Unexpected field 'benchmark'", field)),
        ("-uploader", sort_error("Unexpected field 'uploader'", field)),
        ("%2Bjsonx", sort_error("Unexpected field 'jsonx'", field)),
        ("%2Bname", sort_error("Unexpected field 'name'", field)),
        ("%2Bexecution_datetime,-nope", sort_error("Unexpected field 'nope'", field)),
        ("%2Bexecution_datetime,~json.time", sort_error("Unknown order operator '~'", operator)),
    ] {
        let (status, body) = app.get(&format!("/results?sort_by={sort_by}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{sort_by}: {body}");
        assert_eq!(body, expected, "{sort_by}");
    }
});

// ---------------------------------------------------------------------------------------------
// Pagination and hidden results
