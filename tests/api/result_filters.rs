//! `GET /results`: equality, tag and date filters, JSON filters (§2.13, Q6 fixed), sorting on
//! every documented column and on JSON paths (§2.10), and pagination of filtered lists.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

use chrono::Utc;
use eosc_perf_tests::{
    TestApp,
    app::{bare, validation_error},
    backend_test,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::results::{
    Fixture, approved_benchmark, approved_flavor, approved_site, fixture, hours_ago, id_of, id_set, ids,
    page, sorted, upload, upload_by, uploaded,
};

/// Three results that every documented sort column orders differently (the six permutations).
struct World {
    f: Fixture,
    /// r1, r2, r3 in upload order.
    r: [String; 3],
    benchmarks: [String; 3],
    sites: [String; 3],
    flavors: [String; 3],
}

/// | result | executed   | benchmark | site (address)  | flavor | time |
/// | r1     | 2020-01-03 | bench:2   | beta (b.org)    | large  | 5    |
/// | r2     | 2020-01-01 | bench:1   | gamma (a.org)   | small  | 3    |
/// | r3     | 2020-01-02 | alpha:3   | alpha (c.org)   | medium | 7    |
async fn world(app: &TestApp) -> World {
    let f = fixture(app).await;
    let any = json!({"type": "object"});
    let benchmarks = [
        approved_benchmark(app, &f, "bench", "2", any.clone()).await,
        approved_benchmark(app, &f, "bench", "1", any.clone()).await,
        approved_benchmark(app, &f, "alpha", "3", any).await,
    ];
    let sites = [
        approved_site(app, &f, "beta", "b.org").await,
        approved_site(app, &f, "gamma", "a.org").await,
        approved_site(app, &f, "alpha", "c.org").await,
    ];
    let flavors = [
        approved_flavor(app, &f, &sites[0], "large").await,
        approved_flavor(app, &f, &sites[1], "small").await,
        approved_flavor(app, &f, &sites[2], "medium").await,
    ];
    let executed = ["2020-01-03T00:00:00Z", "2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z"];
    let times = [5, 3, 7];
    let mut r: Vec<String> = Vec::new();
    for i in 0..3 {
        let doc = json!({"time": times[i]});
        r.push(upload_by(app, &f.user, &benchmarks[i], &flavors[i], doc, executed[i], &[]).await);
    }
    let r: [String; 3] = r.try_into().unwrap();
    World { f, r, benchmarks, sites, flavors }
}

/// The ids of `/results?<query>`, in order.
async fn listed(app: &TestApp, query: &str) -> Vec<String> {
    ids(&page(app, &format!("/results?{query}")).await)
}

/// The ids of `/results?<query>`, sorted.
async fn matching(app: &TestApp, query: &str) -> Vec<String> {
    id_set(&page(app, &format!("/results?{query}")).await)
}

fn reversed(mut v: Vec<String>) -> Vec<String> {
    v.reverse();
    v
}

fn sort_error(key_error: &str, hint: &str) -> Value {
    json!({"code": 422, "status": "Unprocessable Entity", "message": {"KeyError": key_error, "hint": hint}})
}

fn token_count_error(filter: &str, reason: &str) -> Value {
    json!({
        "code": 422,
        "status": "Unprocessable Entity",
        "errors": {
            "filter": filter,
            "reason": [reason],
            "hint": "Probably missing spaces (%20)",
            "example": "filters=machine.cpu.count%20%3E%205",
        },
    })
}

fn operator_error(filter: &str, op: &str) -> Value {
    json!({
        "code": 422,
        "status": "Unprocessable Entity",
        "message": {
            "filter": filter,
            "reason": [format!("Unknown filter operator: '{op}'")],
            "hint": "Use only one of ['==', '>', '<', '>=', '<=']",
            "example": "filters=machine.cpu.count%20%3E%205",
        },
    })
}

// ---------------------------------------------------------------------------------------------
// Equality, tag and date filters

backend_test!(results_filter_by_benchmark_site_and_flavor, |app| {
    let w = world(&app).await;
    for i in 0..3 {
        assert_eq!(listed(&app, &format!("benchmark_id={}", w.benchmarks[i])).await, vec![w.r[i].clone()]);
        assert_eq!(listed(&app, &format!("site_id={}", w.sites[i])).await, vec![w.r[i].clone()]);
        assert_eq!(listed(&app, &format!("flavor_id={}", w.flavors[i])).await, vec![w.r[i].clone()]);
    }
    let both = format!("benchmark_id={}&site_id={}", w.benchmarks[0], w.sites[1]);
    assert!(listed(&app, &both).await.is_empty(), "filters combine with AND");
    let second = approved_flavor(&app, &w.f, &w.sites[0], "other").await;
    let extra = upload_by(&app, &w.f.user, &w.benchmarks[1], &second, json!({}), &hours_ago(1), &[]).await;
    assert_eq!(matching(&app, &format!("site_id={}", w.sites[0])).await, sorted(&[&w.r[0], &extra]));
    assert_eq!(listed(&app, &format!("flavor_id={second}")).await, vec![extra.clone()]);
    assert_eq!(
        matching(&app, &format!("benchmark_id={}", w.benchmarks[1])).await,
        sorted(&[&w.r[1], &extra])
    );
    assert!(listed(&app, &format!("benchmark_id={}", uuid::Uuid::new_v4())).await.is_empty());
    assert!(listed(&app, &format!("benchmark_id={}", w.f.benchmark)).await.is_empty());
    let (status, body) = app.get("/results?site_id=kit&flavor_id=1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        validation_error(
            "query",
            json!({"site_id": ["Not a valid UUID."], "flavor_id": ["Not a valid UUID."]})
        )
    );
});

backend_test!(every_requested_tag_must_be_attached, |app| {
    let f = fixture(&app).await;
    let a = id_of(&app.create_tag(&f.user, "a").await);
    let b = id_of(&app.create_tag(&f.user, "b").await);
    let c = id_of(&app.create_tag(&f.user, "c").await);
    let ab = upload_by(&app, &f.user, &f.benchmark, &f.flavor, json!({}), &hours_ago(3), &[&a, &b]).await;
    let only_a = upload_by(&app, &f.user, &f.benchmark, &f.flavor, json!({}), &hours_ago(2), &[&a]).await;
    let none = uploaded(&app, &f, json!({}), &hours_ago(1)).await;
    assert_eq!(listed(&app, "").await, vec![ab.clone(), only_a.clone(), none]);
    assert_eq!(listed(&app, &format!("tags_ids={a}")).await, vec![ab.clone(), only_a.clone()]);
    assert_eq!(listed(&app, &format!("tags_ids={b}")).await, vec![ab.clone()]);
    assert_eq!(listed(&app, &format!("tags_ids={a}&tags_ids={b}")).await, vec![ab.clone()]);
    assert_eq!(listed(&app, &format!("tags_ids[]={a}&tags_ids[]={b}")).await, vec![ab.clone()]);
    assert_eq!(listed(&app, &format!("tags_ids[]={b}&tags_ids={a}")).await, vec![ab.clone()], "mixed forms");
    assert!(listed(&app, &format!("tags_ids={a}&tags_ids={c}")).await.is_empty());
    assert!(listed(&app, &format!("tags_ids={}", uuid::Uuid::new_v4())).await.is_empty());
    let (status, body) = app.get(&format!("/results?tags_ids={a}&tags_ids=nope")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body, validation_error("query", json!({"tags_ids": {"1": ["Not a valid UUID."]}})));
});

backend_test!(execution_date_filters_are_strict_against_midnight_utc, |app| {
    let f = fixture(&app).await;
    let before_midnight = uploaded(&app, &f, json!({}), "2020-05-20T23:59:59Z").await;
    let midnight = uploaded(&app, &f, json!({}), "2020-05-21T02:00:00+02:00").await;
    let after_midnight = uploaded(&app, &f, json!({}), "2020-05-21T00:00:01Z").await;
    let next_day = uploaded(&app, &f, json!({}), "2020-05-22T12:00:00+03:00").await;
    let all = vec![before_midnight.clone(), midnight.clone(), after_midnight.clone(), next_day.clone()];
    assert_eq!(listed(&app, "").await, all);
    assert_eq!(
        listed(&app, "execution_after=2020-05-21").await,
        vec![after_midnight.clone(), next_day.clone()]
    );
    assert_eq!(
        listed(&app, "execution_after=2020-5-21").await,
        vec![after_midnight.clone(), next_day.clone()]
    );
    assert_eq!(listed(&app, "execution_after=2020-05-20").await, all);
    assert_eq!(listed(&app, "execution_before=2020-05-21").await, vec![before_midnight.clone()]);
    assert_eq!(
        listed(&app, "execution_before=2020-05-22").await,
        vec![before_midnight.clone(), midnight.clone(), after_midnight.clone()]
    );
    assert_eq!(
        listed(&app, "execution_after=2020-05-20&execution_before=2020-05-22").await,
        vec![before_midnight, midnight, after_midnight.clone()]
    );
    assert_eq!(
        listed(&app, "execution_after=2020-05-21&execution_before=2020-05-22").await,
        vec![after_midnight]
    );
    assert!(listed(&app, "execution_after=2020-05-22&execution_before=2020-05-21").await.is_empty());
    for bad in ["2020-05-21T00:00:00", "21.05.2020", "2020-13-01"] {
        let (status, body) = app.get(&format!("/results?execution_before={bad}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(
            body,
            validation_error("query", json!({"execution_before": ["Not a valid date."]})),
            "{bad}"
        );
    }
});

backend_test!(upload_date_filters_are_strict_and_combine_with_the_others, |app| {
    let w = world(&app).await;
    let today = Utc::now().date_naive();
    let (yesterday, tomorrow) = (today.pred_opt().unwrap(), today.succ_opt().unwrap());
    let all = sorted(&[&w.r[0], &w.r[1], &w.r[2]]);
    assert_eq!(matching(&app, &format!("upload_after={yesterday}")).await, all);
    assert_eq!(matching(&app, &format!("upload_before={tomorrow}")).await, all);
    assert!(matching(&app, &format!("upload_after={tomorrow}")).await.is_empty());
    assert!(matching(&app, &format!("upload_before={today}")).await.is_empty());
    assert!(matching(&app, &format!("upload_before={yesterday}")).await.is_empty());
    let q = format!("upload_after={yesterday}&benchmark_id={}&execution_before=2020-01-03", w.benchmarks[1]);
    assert_eq!(listed(&app, &q).await, vec![w.r[1].clone()]);
    let (status, body) = app.get("/results?upload_after=today&uploader_email=x").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body,
        validation_error(
            "query",
            json!({"upload_after": ["Not a valid date."], "uploader_email": ["Unknown field."]})
        )
    );
});

// ---------------------------------------------------------------------------------------------
// JSON filters

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

backend_test!(filtered_lists_are_paginated_over_the_matching_rows_only, |app| {
    let f = fixture(&app).await;
    let mut by_time = Vec::new();
    for t in [4, 1, 7, 3, 6, 2, 5] {
        by_time.push((t, uploaded(&app, &f, json!({"time": t}), &format!("2020-01-0{t}T00:00:00Z")).await));
    }
    by_time.sort();
    let expected: Vec<String> = by_time.iter().filter(|(t, _)| *t > 2).map(|(_, id)| id.clone()).collect();
    let base = "/results?filters=time%20%3E%202&sort_by=%2Bjson.time&per_page=2";
    let first = page(&app, &format!("{base}&page=1")).await;
    assert_eq!(ids(&first), expected[0..2]);
    let envelope = |p: &Value| {
        let mut p = p.clone();
        p.as_object_mut().unwrap().remove("items");
        p
    };
    assert_eq!(
        envelope(&first),
        json!({"total": 5, "pages": 3, "page": 1, "per_page": 2, "has_prev": false, "has_next": true, "next_num": 2})
    );
    let second = page(&app, &format!("{base}&page=2")).await;
    assert_eq!(ids(&second), expected[2..4]);
    assert_eq!(
        envelope(&second),
        json!({"total": 5, "pages": 3, "page": 2, "per_page": 2, "has_prev": true, "has_next": true,
               "prev_num": 1, "next_num": 3})
    );
    let third = page(&app, &format!("{base}&page=3")).await;
    assert_eq!(ids(&third), expected[4..5]);
    assert_eq!(
        envelope(&third),
        json!({"total": 5, "pages": 3, "page": 3, "per_page": 2, "has_prev": true, "has_next": false, "prev_num": 2})
    );
    let (status, body) = app.get(&format!("{base}&page=4")).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, bare(404)));
    let empty = page(&app, "/results?filters=time%20%3E%20100").await;
    assert_eq!(
        (empty["total"].clone(), empty["pages"].clone(), empty["items"].clone()),
        (json!(0), json!(0), json!([]))
    );
});

backend_test!(hidden_results_are_left_out_of_lists_counts_and_pages, |app| {
    let f = fixture(&app).await;
    let a = uploaded(&app, &f, json!({"time": 1}), "2020-01-01T00:00:00Z").await;
    let b = uploaded(&app, &f, json!({"time": 2}), "2020-01-02T00:00:00Z").await;
    let c = uploaded(&app, &f, json!({"time": 3}), "2020-01-03T00:00:00Z").await;
    let (status, _) =
        app.call(reqwest::Method::DELETE, &format!("/results/{b}"), Some(&f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app
        .call(
            reqwest::Method::POST,
            &format!("/results/{c}:claim"),
            Some(&f.user.token),
            Some(json!({"message": "m"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let body = page(&app, "/results?per_page=1").await;
    assert_eq!(
        (ids(&body), body["total"].clone(), body["pages"].clone()),
        (vec![a.clone()], json!(1), json!(1))
    );
    assert!(listed(&app, "filters=time%20%3E%201").await.is_empty());
    assert_eq!(listed(&app, &format!("benchmark_id={}", f.benchmark)).await, vec![a]);
});

backend_test!(list_answers_follow_writes_made_through_another_replica, |app| {
    let f = fixture(&app).await;
    let replica = app.replica().await;
    let get = |base: String, path: &'static str| {
        let client = app.client.clone();
        async move {
            let resp = client.get(format!("{base}{path}")).send().await.expect("request");
            resp.json::<serde_json::Value>().await.expect("json")
        }
    };
    upload(&app, &f, json!({"time": 1}), "2021-01-01T00:00:00Z").await;
    // Warm both replicas' list caches.
    assert_eq!(get(app.address.clone(), "/results").await["total"], 1);
    assert_eq!(get(replica.clone(), "/results:search?terms=site0").await["total"], 1);
    // A write through the first replica is seen by the second at once.
    upload(&app, &f, json!({"time": 2}), "2021-01-02T00:00:00Z").await;
    assert_eq!(get(replica.clone(), "/results").await["total"], 2);
    // Renaming the site changes what a search matches, everywhere.
    let site = f.site.clone();
    let (status, _) = app
        .call(
            Method::PUT,
            &format!("/sites/{site}"),
            Some(&f.admin.token),
            Some(json!({"name": "renamed", "address": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(get(replica.clone(), "/results:search?terms=site0").await["total"], 0);
    assert_eq!(get(replica, "/results:search?terms=renamed").await["total"], 2);
    assert_eq!(get(app.address.clone(), "/results:search?terms=renamed").await["total"], 2);
});

backend_test!(concurrent_lists_after_each_write_see_that_write, |app| {
    let f = fixture(&app).await;
    let path = "/results?per_page=2&page=1";
    for n in 1..=4u64 {
        upload(&app, &f, json!({"time": n}), &format!("2021-01-0{n}T00:00:00Z")).await;
        // Readers that all miss the cache at once (they queue on one query) must each see the
        // write that completed before they started, and the page must be the full one.
        let readers = (0..8).map(|_| page(&app, path));
        for body in futures::future::join_all(readers).await {
            assert_eq!(body["total"], n);
            assert_eq!(body["items"].as_array().map(Vec::len), Some(n.min(2) as usize));
        }
    }
    // A tag edit changes a cached page's items.
    let tag = id_of(&app.create_tag(&f.user, "fresh").await);
    let first = ids(&page(&app, path).await)[0].clone();
    let (status, _) = app
        .call(
            Method::PUT,
            &format!("/results/{first}/tags"),
            Some(&f.user.token),
            Some(json!({"tags_ids": [tag.clone()]})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let body = page(&app, path).await;
    assert_eq!(body["items"][0]["tags"][0]["id"], json!(tag));
});
