//! `GET /results:stats`: every statistic checked against values computed here, on datasets
//! with known answers (ties, n = 1, constant values, mixed types at the metric, claimed and
//! deleted results, several tags), and 422 for every bad parameter.

use super::*;

/// numpy's default percentile, computed here from the definition: the value at fractional
/// rank (n − 1)·p between the two closest ranks.
fn percentile(values: &[f64], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = (v.len() - 1) as f64 * p;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    v[lo] * (1.0 - (rank - lo as f64)) + v[hi] * (rank - lo as f64)
}

fn close(got: &Value, want: f64) -> bool {
    got.as_f64().is_some_and(|g| (g - want).abs() <= 1e-9 * want.abs().max(1.0))
}

/// Checks a group's statistics against `values`.
fn assert_group(group: &Value, values: &[f64]) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    assert_eq!(group["count"], json!(values.len()), "{group}");
    assert!(close(&group["mean"], mean), "mean {group}");
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert!(close(&group["min"], min) && close(&group["max"], max), "{group}");
    for (key, p) in [("p5", 0.05), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p95", 0.95)] {
        assert!(close(&group[key], percentile(values, p)), "{key} of {values:?}: {group}");
    }
    if values.len() == 1 {
        assert!(group.get("stddev").is_none() && group.get("cv").is_none(), "{group}");
    } else {
        let sd = (values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        assert!(close(&group["stddev"], sd), "stddev {group}");
        assert!(close(&group["cv"], sd / mean), "cv {group}");
    }
}

/// Two sites, three flavors, two tags, and results whose `score` is numeric, missing, a
/// string or a boolean; one claimed and one deleted result with outlying scores.
struct World {
    f: Fixture,
    bench: String,
    sites: [String; 2],
    /// small (alpha), large (alpha), tiny (beta)
    flavors: [String; 3],
    tags: [String; 2],
}

async fn world(app: &TestApp) -> World {
    let f = fixture(app).await;
    let bench = approved_benchmark(app, &f, "stats/bench", "1", json!({"type": "object"})).await;
    let sites =
        [approved_site(app, &f, "alpha", "a.org").await, approved_site(app, &f, "beta", "b.org").await];
    let flavors = [
        approved_flavor(app, &f, &sites[0], "small").await,
        approved_flavor(app, &f, &sites[0], "large").await,
        approved_flavor(app, &f, &sites[1], "tiny").await,
    ];
    let tags = [id_of(&app.create_tag(&f.user, "t1").await), id_of(&app.create_tag(&f.user, "t2").await)];
    let w = World { f, bench, sites, flavors, tags };
    let (small, large, tiny) = (&w.flavors[0], &w.flavors[1], &w.flavors[2]);
    let (t1, t2) = (&w.tags[0], &w.tags[1]);
    up(app, &w, small.clone(), json!({"score": 1, "arch": "x86_64"}), vec![t1, t2]).await;
    up(app, &w, small.clone(), json!({"score": 2.0, "arch": "x86_64"}), vec![t2, t1]).await;
    up(app, &w, small.clone(), json!({"score": 3, "arch": "x86_64"}), vec![t1]).await;
    up(app, &w, small.clone(), json!({"score": 4, "arch": "x86_64"}), vec![]).await;
    for _ in 0..3 {
        up(app, &w, large.clone(), json!({"score": 10, "arch": "aarch64"}), vec![]).await;
    }
    up(app, &w, tiny.clone(), json!({"score": 5}), vec![]).await;
    // Skipped: a numeric string, no score, a boolean.
    up(app, &w, small.clone(), json!({"score": "7", "arch": "x86_64"}), vec![t1]).await;
    up(app, &w, large.clone(), json!({"arch": "aarch64"}), vec![]).await;
    up(app, &w, tiny.clone(), json!({"score": true}), vec![]).await;
    // Hidden: claimed, deleted.
    let claimed = up(app, &w, small.clone(), json!({"score": 1000, "arch": "x86_64"}), vec![t1]).await;
    let path = format!("/results/{claimed}:claim");
    let (status, body) =
        app.call(Method::POST, &path, Some(&w.f.admin.token), Some(json!({"message": "odd"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let deleted = up(app, &w, tiny.clone(), json!({"score": 2000}), vec![]).await;
    let (status, _) =
        app.call(Method::DELETE, &format!("/results/{deleted}"), Some(&w.f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    w
}

async fn up(app: &TestApp, w: &World, flavor: String, doc: Value, tags: Vec<&String>) -> String {
    upload_by(app, &w.f.user, &w.bench, &flavor, doc, &hours_ago(2), &tags).await
}

async fn stats(app: &TestApp, w: &World, query: &str) -> Value {
    page(app, &format!("/results:stats?benchmark_id={}&metric=json.score{query}", w.bench)).await
}

fn named(id: &str, name: &str) -> Value {
    json!({"id": id, "name": name})
}

backend_test!(stats_without_groups_cover_every_visible_numeric_value, |app| {
    let w = world(&app).await;
    let body = stats(&app, &w, "").await;
    assert_eq!((&body["metric"], &body["skipped"]), (&json!("json.score"), &json!(3)), "{body}");
    let groups = body["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["group"], json!({}));
    assert_group(&groups[0], &[1.0, 2.0, 3.0, 4.0, 10.0, 10.0, 10.0, 5.0]);
    // Known answers: numpy.percentile([1,2,3,4,5,10,10,10], [5,25,50,75,95]).
    for (key, want) in [("p5", 1.35), ("p25", 2.75), ("p50", 4.5), ("p75", 10.0), ("p95", 10.0)] {
        assert!(close(&groups[0][key], want), "{key}: {body}");
    }
});

backend_test!(stats_by_flavor_handle_a_single_value_and_constant_values, |app| {
    let w = world(&app).await;
    let body = stats(&app, &w, "&group_by=flavor").await;
    let groups = body["groups"].as_array().unwrap();
    let keys: Vec<&Value> = groups.iter().map(|g| &g["group"]).collect();
    assert_eq!(
        keys,
        vec![
            &json!({"flavor": named(&w.flavors[1], "large")}),
            &json!({"flavor": named(&w.flavors[0], "small")}),
            &json!({"flavor": named(&w.flavors[2], "tiny")}),
        ],
        "ordered by name"
    );
    assert_group(&groups[0], &[10.0, 10.0, 10.0]);
    assert_eq!((&groups[0]["stddev"], &groups[0]["cv"]), (&json!(0.0), &json!(0.0)));
    assert_group(&groups[1], &[1.0, 2.0, 3.0, 4.0]);
    assert_group(&groups[2], &[5.0]);
    assert_eq!(body["skipped"], json!(3));
});

backend_test!(stats_by_site_and_flavor_nest_keys_in_order, |app| {
    let w = world(&app).await;
    let body = stats(&app, &w, "&group_by=site&group_by=flavor").await;
    let keys: Vec<Value> = body["groups"].as_array().unwrap().iter().map(|g| g["group"].clone()).collect();
    let (alpha, beta) = (named(&w.sites[0], "alpha"), named(&w.sites[1], "beta"));
    assert_eq!(
        keys,
        vec![
            json!({"site": alpha, "flavor": named(&w.flavors[1], "large")}),
            json!({"site": alpha, "flavor": named(&w.flavors[0], "small")}),
            json!({"site": beta, "flavor": named(&w.flavors[2], "tiny")}),
        ]
    );
    let by_site = stats(&app, &w, "&group_by=site").await;
    assert_group(&by_site["groups"][0], &[1.0, 2.0, 3.0, 4.0, 10.0, 10.0, 10.0]);
    assert_group(&by_site["groups"][1], &[5.0]);
});

backend_test!(a_result_with_several_tags_counts_in_each_tag, |app| {
    let w = world(&app).await;
    let body = stats(&app, &w, "&group_by=tag").await;
    let groups = body["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 3, "{body}");
    assert_eq!(groups[0]["group"], json!({"tag": named(&w.tags[0], "t1")}));
    assert_group(&groups[0], &[1.0, 2.0, 3.0]);
    assert_eq!(groups[1]["group"], json!({"tag": named(&w.tags[1], "t2")}));
    assert_group(&groups[1], &[1.0, 2.0]);
    assert_eq!(groups[2]["group"], json!({"tag": null}), "untagged last");
    assert_group(&groups[2], &[4.0, 10.0, 10.0, 10.0, 5.0]);
    assert_eq!(body["skipped"], json!(3), "a skipped result counts once");
});

backend_test!(json_group_keys_and_filters_narrow_the_values, |app| {
    let w = world(&app).await;
    let body = stats(&app, &w, "&group_by=json.arch").await;
    let groups = body["groups"].as_array().unwrap();
    let keys: Vec<&Value> = groups.iter().map(|g| &g["group"]).collect();
    assert_eq!(
        keys,
        vec![&json!({"json.arch": null}), &json!({"json.arch": "aarch64"}), &json!({"json.arch": "x86_64"})]
    );
    assert_group(&groups[0], &[5.0]);
    assert_group(&groups[2], &[1.0, 2.0, 3.0, 4.0]);
    let filtered = stats(&app, &w, "&filters=score%20%3E%202&group_by=flavor").await;
    assert_group(&filtered["groups"][0], &[10.0, 10.0, 10.0]);
    assert_group(&filtered["groups"][1], &[3.0, 4.0]);
    assert_eq!(filtered["skipped"], json!(0), "the JSON filter only matches numbers");
    let one = stats(&app, &w, &format!("&flavor_id={}&tags_ids={}", w.flavors[0], w.tags[1])).await;
    assert_group(&one["groups"][0], &[1.0, 2.0]);
    let none = stats(&app, &w, "&filters=score%20%3E%2099999").await;
    assert_eq!(none, json!({"groups": [], "metric": "json.score", "skipped": 0}));
    // Strings (and a missing path) are never numbers: all 11 visible results are skipped.
    let arch = page(&app, &format!("/results:stats?benchmark_id={}&metric=json.arch", w.bench)).await;
    assert_eq!(arch, json!({"groups": [], "metric": "json.arch", "skipped": 11}));
});

backend_test!(every_bad_stats_parameter_answers_422, |app| {
    let cases: Vec<(&str, Value)> = vec![
        ("", json!({"metric": ["Missing data for required field."]})),
        ("metric=score", json!({"metric": ["Must be a JSON path: json.<path.separated.by.dots>."]})),
        ("metric=json.", json!({"metric": ["Must be a JSON path: json.<path.separated.by.dots>."]})),
        (
            "metric=json.a&group_by=flavor&group_by=sites",
            json!({"group_by": {"1": ["Must be one of: benchmark, site, flavor, tag, json.<path.separated.by.dots>."]}}),
        ),
        ("metric=json.a&group_by=tag&group_by=tag", json!({"group_by": {"1": ["Repeated group key."]}})),
        (
            "metric=json.a&group_by=tag&group_by=site&group_by=flavor&group_by=benchmark",
            json!({"group_by": ["Longer than maximum length 3."]}),
        ),
        ("metric=json.a&site_id=x", json!({"site_id": ["Not a valid UUID."]})),
        ("metric=json.a&page=1", json!({"page": ["Unknown field."]})),
    ];
    for (query, errors) in cases {
        let (status, body) = app.get(&format!("/results:stats?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body, validation_error("query", errors), "{query}");
    }
    let (status, body) = app.get("/results:stats?metric=json.a&filters=a==1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
});

/// Sets the hourly price of a flavor (keeping its name).
pub async fn set_price(app: &TestApp, admin: &TestUser, flavor: &str, name: &str, amount: f64) {
    let body = json!({"name": name, "price": {"amount": amount, "currency": "EUR", "per": "hour", "as_of": "2026-11-30"}});
    let (status, resp) =
        app.call(Method::PUT, &format!("/flavors/{flavor}"), Some(&admin.token), Some(body)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{resp}");
}

backend_test!(groups_of_one_priced_flavor_carry_the_price_and_p50_per_price, |app| {
    let w = world(&app).await;
    set_price(&app, &w.f.admin, &w.flavors[1], "large", 2.0).await;
    set_price(&app, &w.f.admin, &w.flavors[2], "tiny", 0.0).await;
    let body = stats(&app, &w, "&group_by=flavor").await;
    let g = body["groups"].as_array().unwrap();
    let price = json!({"amount": 2.0, "currency": "EUR", "per": "hour", "as_of": "2026-11-30"});
    assert_eq!((&g[0]["price"], &g[0]["p50_per_price"]), (&price, &json!(5.0)), "large: 10 / 2");
    assert!(g[1].get("price").is_none() && g[1].get("p50_per_price").is_none(), "small has no price");
    assert_eq!(g[2]["price"]["amount"], json!(0.0));
    assert!(g[2].get("p50_per_price").is_none(), "no value per price at a price of 0");
    let one = stats(&app, &w, &format!("&flavor_id={}", w.flavors[1])).await;
    assert_eq!((&one["groups"][0]["price"], &one["groups"][0]["p50_per_price"]), (&price, &json!(5.0)));
    let sites = stats(&app, &w, "&group_by=site").await;
    assert!(sites["groups"][0].get("price").is_none(), "a site's group holds several flavors");
});

backend_test!(execution_dates_and_a_rejected_claim_change_what_counts, |app| {
    let w = world(&app).await;
    let (small, t1) = (&w.flavors[0], &w.tags[0]);
    let old = "2020-05-20T10:00:00Z";
    let early = upload_by(&app, &w.f.user, &w.bench, small, json!({"score": 100}), old, &[]).await;
    upload_by(&app, &w.f.user, &w.bench, small, json!({"score": "n/a"}), old, &[t1]).await;
    let only_old = stats(&app, &w, "&execution_before=2020-05-21&group_by=flavor").await;
    assert_eq!(only_old["skipped"], json!(1), "{only_old}");
    assert_group(&only_old["groups"][0], &[100.0]);
    let recent = stats(&app, &w, "&execution_after=2020-05-21&group_by=flavor").await;
    assert_eq!(recent["skipped"], json!(3), "{recent}");
    assert_group(&recent["groups"][1], &[1.0, 2.0, 3.0, 4.0]);

    let path = format!("/results/{early}:claim");
    let (status, claim) =
        app.call(Method::POST, &path, Some(&w.f.admin.token), Some(json!({"message": "odd"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{claim}");
    let hidden = stats(&app, &w, "&execution_before=2020-05-21").await;
    assert_eq!((&hidden["groups"], &hidden["skipped"]), (&json!([]), &json!(1)), "claimed: {hidden}");
    let reject = format!("/reports/claims/{}:reject", id_of(&claim));
    let (status, body) = app.call(Method::POST, &reject, Some(&w.f.admin.token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let back = stats(&app, &w, "&execution_before=2020-05-21").await;
    assert_group(&back["groups"][0], &[100.0]);
});
