//! `GET /results:ranking`: ranks, medians, confidence intervals, deltas and Mann–Whitney
//! p-values checked against values computed here; unranked entries; 422 for every bad
//! parameter.

use super::*;

/// Four flavors of one benchmark on two sites: `six` 10..=15, `three` 1..=3, `best` 20..=22,
/// `one` 100 (a single result).
struct World {
    admin: TestUser,
    bench: String,
    sites: [String; 2],
    /// six, three, best, one
    flavors: [String; 4],
}

async fn world(app: &TestApp) -> World {
    let f = fixture(app).await;
    let bench = approved_benchmark(app, &f, "rank/bench", "1", json!({"type": "object"})).await;
    let sites =
        [approved_site(app, &f, "north", "n.org").await, approved_site(app, &f, "south", "s.org").await];
    let flavors = [
        approved_flavor(app, &f, &sites[0], "six").await,
        approved_flavor(app, &f, &sites[0], "three").await,
        approved_flavor(app, &f, &sites[1], "best").await,
        approved_flavor(app, &f, &sites[1], "one").await,
    ];
    let values: [&[i64]; 4] = [&[13, 10, 15, 11, 14, 12], &[2, 1, 3], &[21, 20, 22], &[100]];
    for (flavor, scores) in flavors.iter().zip(values) {
        for score in scores {
            upload_by(app, &f.user, &bench, flavor, json!({"score": score}), &hours_ago(1), &[]).await;
        }
    }
    World { admin: f.admin, bench, sites, flavors }
}

async fn ranking(app: &TestApp, w: &World, query: &str) -> Value {
    page(app, &format!("/results:ranking?benchmark_id={}&metric=json.score{query}", w.bench)).await
}

/// The two-sided exact Mann–Whitney p-value of two samples with no overlap: U = 0, so
/// p = 2 / C(n1 + n2, n1).
fn separated_p(n1: u64, n2: u64) -> f64 {
    let mut choose = 1.0;
    for i in 0..n1 {
        choose = choose * (n2 + n1 - i) as f64 / (i + 1) as f64;
    }
    2.0 / choose
}

fn close(got: &Value, want: f64) -> bool {
    got.as_f64().is_some_and(|g| (g - want).abs() <= 1e-9 * want.abs().max(1.0))
}

fn flavor_ids(body: &Value) -> Vec<String> {
    body["entries"].as_array().unwrap().iter().map(|e| id_of(&e["flavor"])).collect()
}

backend_test!(flavors_rank_by_median_against_the_best_entry, |app| {
    let w = world(&app).await;
    let body = ranking(&app, &w, "&order=higher_is_better").await;
    let [six, three, best, one] = &w.flavors;
    assert_eq!(flavor_ids(&body), vec![best.clone(), six.clone(), three.clone(), one.clone()]);
    assert_eq!(
        (&body["benchmark_id"], &body["metric"], &body["order"], &body["by"], &body["baseline"]),
        (&json!(w.bench), &json!("json.score"), &json!("higher_is_better"), &json!("flavor"), &json!(best)),
    );
    let e = body["entries"].as_array().unwrap();
    let ranks: Vec<&Value> = e.iter().map(|e| &e["rank"]).collect();
    assert_eq!(ranks, vec![&json!(1), &json!(2), &json!(3), &Value::Null]);
    assert_eq!(e[0]["flavor"]["name"], json!("best"));
    assert_eq!((&e[0]["n"], &e[0]["median"], &e[0]["delta_pct"]), (&json!(3), &json!(21.0), &json!(0.0)));
    assert!(e[0].get("p_value").is_none() && e[0].get("significant").is_none(), "baseline: {}", e[0]);
    // six: median 12.5; n = 6 gives the interval [x(1), x(6)] (coverage 1 − 2/64).
    assert_eq!((&e[1]["n"], &e[1]["median"], &e[1]["ci95"]), (&json!(6), &json!(12.5), &json!([10.0, 15.0])));
    assert!(close(&e[1]["delta_pct"], (12.5 - 21.0) / 21.0 * 100.0), "{}", e[1]);
    assert!(close(&e[1]["p_value"], separated_p(6, 3)), "{}", e[1]);
    assert_eq!(e[1]["significant"], json!(true), "2/84 < 0.05");
    let mean = 12.5;
    let sd = ((1..=6).map(|k| (f64::from(9 + k) - mean).powi(2)).sum::<f64>() / 5.0).sqrt();
    assert!(close(&e[1]["cv"], sd / mean), "{}", e[1]);
    assert!(e[2].get("ci95").is_none(), "three values have no 95% interval");
    assert!(close(&e[2]["p_value"], separated_p(3, 3)), "{}", e[2]);
    assert_eq!(e[2]["significant"], json!(false), "2/20 is not below 0.05");
    assert_eq!(
        (&e[3]["reason"], &e[3]["n"], &e[3]["median"]),
        (&json!("too_few_samples"), &json!(1), &json!(100.0))
    );
});

backend_test!(lower_is_better_with_a_baseline_and_min_samples, |app| {
    let w = world(&app).await;
    let [six, three, best, one] = &w.flavors;
    let body = ranking(&app, &w, &format!("&order=lower_is_better&baseline={six}")).await;
    assert_eq!(flavor_ids(&body), vec![three.clone(), six.clone(), best.clone(), one.clone()]);
    assert_eq!(body["baseline"], json!(six));
    let e = body["entries"].as_array().unwrap();
    assert!(close(&e[0]["delta_pct"], (2.0 - 12.5) / 12.5 * 100.0), "{}", e[0]);
    assert_eq!(e[1]["delta_pct"], json!(0.0));
    let all = ranking(&app, &w, "&order=higher_is_better&min_samples=1").await;
    assert_eq!(flavor_ids(&all)[0], one.clone(), "one result is enough with min_samples=1");
    assert_eq!(all["entries"][0]["rank"], json!(1));
    let few = ranking(&app, &w, &format!("&order=higher_is_better&flavor_id={three}")).await;
    assert_eq!(flavor_ids(&few), vec![three.clone()]);
});

backend_test!(sites_rank_with_their_pooled_results, |app| {
    let w = world(&app).await;
    let body = ranking(&app, &w, "&order=higher_is_better&by=site").await;
    let e = body["entries"].as_array().unwrap();
    assert_eq!(body["by"], json!("site"));
    assert_eq!(
        (id_of(&e[0]["site"]), &e[0]["n"], &e[0]["median"]),
        (w.sites[1].clone(), &json!(4), &json!(21.5))
    );
    assert_eq!(
        (id_of(&e[1]["site"]), &e[1]["n"], &e[1]["median"]),
        (w.sites[0].clone(), &json!(9), &json!(11.0))
    );
    assert!(e[0].get("flavor").is_none());
    assert!(close(&e[1]["p_value"], separated_p(9, 4)), "{}", e[1]);
});

backend_test!(no_results_no_entries_and_no_baseline, |app| {
    let w = world(&app).await;
    let body = ranking(&app, &w, "&order=higher_is_better&filters=score%20%3E%201000").await;
    assert_eq!(body["entries"], json!([]));
    assert!(body.get("baseline").is_none(), "{body}");
});

backend_test!(every_bad_ranking_parameter_answers_422, |app| {
    let w = world(&app).await;
    let base = format!("benchmark_id={}&metric=json.score", w.bench);
    let cases: Vec<(String, Value)> = vec![
        (
            "metric=json.a".into(),
            json!({"benchmark_id": ["Missing data for required field."], "order": ["Missing data for required field."]}),
        ),
        (
            format!("{base}&order=best"),
            json!({"order": ["Must be one of: higher_is_better, lower_is_better."]}),
        ),
        (format!("{base}&order=higher_is_better&by=tag"), json!({"by": ["Must be one of: flavor, site."]})),
        (
            format!("{base}&order=higher_is_better&rank_by=mean"),
            json!({"rank_by": ["Must be one of: median, price."]}),
        ),
        (
            format!("{base}&order=higher_is_better&min_samples=0"),
            json!({"min_samples": ["Must be greater than or equal to 1."]}),
        ),
        (
            format!("{base}&order=higher_is_better&min_samples=x"),
            json!({"min_samples": ["Not a valid integer."]}),
        ),
        (format!("{base}&order=higher_is_better&baseline=x"), json!({"baseline": ["Not a valid UUID."]})),
        (
            format!("benchmark_id={}&metric=score&order=higher_is_better", w.bench),
            json!({"metric": ["Must be a JSON path: json.<path.separated.by.dots>."]}),
        ),
        (format!("{base}&order=higher_is_better&group_by=site"), json!({"group_by": ["Unknown field."]})),
    ];
    for (query, errors) in cases {
        let (status, body) = app.get(&format!("/results:ranking?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body, validation_error("query", errors), "{query}");
    }
    let one = &w.flavors[3];
    for baseline in [one.clone(), w.sites[0].clone()] {
        let (status, body) =
            app.get(&format!("/results:ranking?{base}&order=higher_is_better&baseline={baseline}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let message = body["errors"]["error"].as_str().unwrap_or_default();
        assert!(message.starts_with(&format!("Baseline {baseline} is not a ranked entry")), "{body}");
    }
});

backend_test!(rank_by_price_adjusts_the_median_by_the_hourly_price, |app| {
    let w = world(&app).await;
    let [six, three, best, one] = &w.flavors;
    for (flavor, name, amount) in [(six, "six", 1.0), (best, "best", 4.0), (three, "three", 0.5)] {
        super::stats::set_price(&app, &w.admin, flavor, name, amount).await;
    }
    let higher = ranking(&app, &w, "&order=higher_is_better&rank_by=price").await;
    assert_eq!(flavor_ids(&higher), vec![six.clone(), best.clone(), three.clone(), one.clone()]);
    let e = higher["entries"].as_array().unwrap();
    let adjusted: Vec<&Value> = e.iter().map(|e| &e["price_adjusted"]).collect();
    assert_eq!(adjusted, vec![&json!(12.5), &json!(5.25), &json!(4.0), &Value::Null]);
    assert_eq!(e[0]["flavor"]["price"]["amount"], json!(1.0), "the flavor carries its spec");
    assert_eq!(higher["baseline"], json!(six));
    let lower = ranking(&app, &w, "&order=lower_is_better&rank_by=price").await;
    assert_eq!(flavor_ids(&lower)[..3], [three.clone(), six.clone(), best.clone()]);
    let e = lower["entries"].as_array().unwrap();
    assert_eq!((&e[0]["price_adjusted"], &e[2]["price_adjusted"]), (&json!(1.0), &json!(84.0)));
    let unpriced = ranking(&app, &w, "&order=higher_is_better&rank_by=price&min_samples=1").await;
    let last = unpriced["entries"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((id_of(&last["flavor"]), &last["reason"]), (one.clone(), &json!("no_price")));
    let by_median = ranking(&app, &w, "&order=higher_is_better").await;
    assert_eq!(by_median["entries"][0]["price_adjusted"], json!(5.25), "shown when priced, whatever the key");
});
