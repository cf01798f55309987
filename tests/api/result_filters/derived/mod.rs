//! The counts, numeric leaves and per-day counts that lists read (migration
//! `derive_result_data`) stay exact after every kind of write: uploads, admin deletes, claims
//! hiding and restoring, tag changes, tag removal, and the cascades of flavor, user, benchmark
//! and site removal. After each, the derived tables equal their naive computation and list
//! answers (totals, filters, sorts, pages, search) equal the naive answers.

mod naive;

use chrono::NaiveDate;
use uuid::Uuid;

use self::naive::{Snapshot, assert_derived_exact, midnight, numbers};
use super::*;
use crate::results::{approved_benchmark, approved_flavor, approved_site};

/// The catalog of the scenario.
struct World {
    f: Fixture,
    other: eosc_perf_tests::TestUser,
    benchmark2: String,
    site2: String,
    flavor2: String,
    gpu: String,
    hpc: String,
}

/// Fetches every page of `path` (2 per page) and asserts totals and ids against `expected`.
async fn assert_listed(app: &TestApp, path: &str, expected: &[Uuid]) {
    let expected: Vec<String> = expected.iter().map(ToString::to_string).collect();
    let sep = if path.contains('?') { '&' } else { '?' };
    let all = page(app, &format!("{path}{sep}per_page=100")).await;
    assert_eq!((all["total"].clone(), ids(&all)), (json!(expected.len()), expected.clone()), "{path}");
    for (n, chunk) in expected.chunks(2).enumerate() {
        let p = page(app, &format!("{path}{sep}per_page=2&page={}", n + 1)).await;
        assert_eq!(
            (p["total"].clone(), ids(&p)),
            (json!(expected.len()), chunk.to_vec()),
            "{path} page {}",
            n + 1
        );
    }
}

fn uuid(s: &str) -> Uuid {
    s.parse().unwrap()
}

/// Lists of the shapes the derived data answers, against the naive answers.
async fn assert_answers(app: &TestApp, s: &Snapshot, w: &World) {
    let visible = s.visible();
    let select = |keep: &dyn Fn(&infra::entity::result::Model) -> bool| -> Vec<Uuid> {
        visible.iter().filter(|r| keep(r)).map(|r| r.id).collect()
    };
    assert_listed(app, "/results", &select(&|_| true)).await;
    let mut newest_first: Vec<_> = visible.clone();
    newest_first.sort_by_key(|r| (std::cmp::Reverse(r.execution_datetime), r.id));
    let newest_first: Vec<Uuid> = newest_first.iter().map(|r| r.id).collect();
    assert_listed(app, "/results?sort_by=-execution_datetime", &newest_first).await;
    let (b, site, flavor) = (uuid(&w.f.benchmark), uuid(&w.site2), uuid(&w.flavor2));
    assert_listed(app, &format!("/results?benchmark_id={b}"), &select(&|r| r.benchmark_id == b)).await;
    assert_listed(app, &format!("/results?site_id={site}"), &select(&|r| r.site_id == site)).await;
    assert_listed(app, &format!("/results?flavor_id={flavor}"), &select(&|r| r.flavor_id == flavor)).await;
    for tag in [uuid(&w.gpu), uuid(&w.hpc)] {
        let tagged = select(&|r| s.tags_of(r.id).contains(&tag));
        assert_listed(app, &format!("/results?tags_ids={tag}"), &tagged).await;
        let both = select(&|r| r.benchmark_id == b && s.tags_of(r.id).contains(&tag));
        assert_listed(app, &format!("/results?tags_ids={tag}&benchmark_id={b}"), &both).await;
    }
    let path = "/results?filters=machine.cpu.count%20%3E%204";
    assert_listed(app, path, &select(&|r| many_cpus(r))).await;
    let by_benchmark = select(&|r| r.benchmark_id == b && many_cpus(r));
    assert_listed(app, &format!("{path}&benchmark_id={b}"), &by_benchmark).await;
    // Descending jsonb order: missing values first, then numbers from the largest; then ids.
    let mut by_score: Vec<_> = visible.iter().map(|r| (score(r), r.id)).collect();
    by_score.sort_by(|(x, i), (y, j)| y.partial_cmp(x).unwrap().then(i.cmp(j)));
    let by_score: Vec<Uuid> = by_score.iter().map(|(_, id)| *id).collect();
    assert_listed(app, "/results?sort_by=-json.score", &by_score).await;
    for term in ["bench", "beta", "b.org", "large", "hpc", "gpu", "nothing"] {
        let mut found = select(&|r| s.matches_term(r, term));
        found.sort();
        assert_listed(app, &format!("/results:search?terms={term}"), &found).await;
    }
    let (after, before) =
        (NaiveDate::from_ymd_opt(2020, 1, 2).unwrap(), NaiveDate::from_ymd_opt(2020, 1, 4).unwrap());
    let dated =
        select(&|r| r.execution_datetime > midnight(after) && r.execution_datetime < midnight(before));
    assert_listed(app, "/results?execution_after=2020-01-02&execution_before=2020-01-04", &dated).await;
    let after_only = select(&|r| r.execution_datetime > midnight(after));
    assert_listed(app, "/results?execution_after=2020-01-02", &after_only).await;
    let before_only = select(&|r| r.execution_datetime < midnight(before));
    assert_listed(app, "/results?execution_before=2020-01-04", &before_only).await;
}

/// Whether `machine.cpu.count` is a number above 4.
fn many_cpus(r: &infra::entity::result::Model) -> bool {
    numbers(&r.json).iter().any(|(p, v)| p == "machine.cpu.count" && *v > 4.0)
}

/// `score` for the descending order: missing sorts as +infinity (first).
fn score(r: &infra::entity::result::Model) -> f64 {
    r.json.get("score").and_then(Value::as_f64).unwrap_or(f64::INFINITY)
}

/// Asserts derived data and answers after the step `after`.
async fn check(app: &TestApp, w: &World, after: &str) {
    let snapshot = assert_derived_exact(app, after).await;
    assert_answers(app, &snapshot, w).await;
}

async fn world(app: &TestApp) -> World {
    let f = fixture(app).await;
    let other = app.registered("other").await;
    let any = json!({"type": "object"});
    let benchmark2 = approved_benchmark(app, &f, "other", "2", any).await;
    let site2 = approved_site(app, &f, "beta", "b.org").await;
    let flavor2 = approved_flavor(app, &f, &site2, "large").await;
    let gpu = id_of(&app.create_tag(&f.user, "gpu").await);
    let hpc = id_of(&app.create_tag(&f.user, "hpc").await);
    World { f, other, benchmark2, site2, flavor2, gpu, hpc }
}

/// A document with numbers at plain paths and at paths the side table leaves out.
fn doc(i: u64, cpus: u64, score: Option<f64>) -> Value {
    let mut d = json!({
        "time": i, "machine": {"cpu": {"count": cpus}, "os": "linux"}, "a_b": {"c": i},
        "arr": [1, {"x": 2}], "odd.key": 3, "0": 4, "text": "x", "big": 12_345_678_901_234_567_890_u64,
    });
    if let Some(s) = score {
        d["score"] = json!(s);
    }
    d
}

/// Uploader, benchmark, flavor, execution time, `machine.cpu.count`, tags.
type Upload<'a> = (&'a eosc_perf_tests::TestUser, &'a String, &'a String, &'a str, u64, Vec<&'a String>);

async fn send_ok(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> Value {
    let (status, reply) = app.call(method, path, Some(token), body).await;
    assert!(status.is_success(), "{path}: {status} {reply}");
    reply
}

backend_test!(derived_counts_and_numbers_stay_exact_after_every_kind_of_write, |app| {
    let w = world(&app).await;
    let (user, admin) = (&w.f.user, &w.f.admin);
    let (b1, b2, f1, f2) = (&w.f.benchmark, &w.benchmark2, &w.f.flavor, &w.flavor2);
    let plan: [Upload; 8] = [
        (user, b1, f1, "2020-01-01T10:00:00Z", 2, vec![&w.gpu]),
        (user, b1, f2, "2020-01-02T00:00:00Z", 8, vec![&w.hpc]),
        (user, b2, f1, "2020-01-02T12:00:00Z", 16, vec![&w.gpu, &w.hpc]),
        (user, b1, f1, "2020-01-03T00:00:00Z", 8, vec![]),
        (&w.other, b1, f2, "2020-01-03T08:00:00Z", 16, vec![&w.gpu]),
        (&w.other, b2, f2, "2020-01-04T00:00:00Z", 2, vec![]),
        (user, b1, f1, "2020-01-05T00:00:00Z", 16, vec![&w.hpc]),
        (user, b2, f2, "2020-01-01T23:59:59Z", 8, vec![]),
    ];
    let mut r = Vec::new();
    for (i, (who, b, fl, when, cpus, tags)) in plan.iter().enumerate() {
        let score = Some(0.5 * f64::from(u8::try_from(i % 3).unwrap()) + 1.0);
        r.push(upload_by(&app, who, b, fl, doc(i as u64, *cpus, score), when, tags).await);
    }
    check(&app, &w, "uploads").await;

    send_ok(&app, Method::DELETE, &format!("/results/{}", r[0]), &admin.token, None).await;
    check(&app, &w, "admin delete").await;
    let body = Some(json!({"message": "wrong"}));
    let claim =
        send_ok(&app, Method::POST, &format!("/results/{}:claim", r[1]), &w.other.token, body.clone()).await;
    check(&app, &w, "claim").await;
    send_ok(&app, Method::POST, &format!("/reports/claims/{}:reject", id_of(&claim)), &admin.token, None)
        .await;
    check(&app, &w, "claim reject").await;
    let claim = send_ok(&app, Method::POST, &format!("/results/{}:claim", r[2]), &w.other.token, body).await;
    send_ok(&app, Method::POST, &format!("/reports/claims/{}:approve", id_of(&claim)), &admin.token, None)
        .await;
    check(&app, &w, "claim approve").await;
    let tags = Some(json!({"tags_ids": [w.hpc]}));
    send_ok(&app, Method::PUT, &format!("/results/{}/tags", r[3]), &user.token, tags).await;
    send_ok(
        &app,
        Method::PUT,
        &format!("/results/{}/tags", r[6]),
        &user.token,
        Some(json!({"tags_ids": []})),
    )
    .await;
    check(&app, &w, "tag changes").await;
    send_ok(&app, Method::DELETE, &format!("/tags/{}", w.gpu), &admin.token, None).await;
    check(&app, &w, "tag removal").await;
    upload_by(&app, user, b1, f1, doc(9, 4, None), "2020-01-03T00:00:00Z", &[&w.hpc]).await;
    check(&app, &w, "an upload without score").await;
    let item = |b: &String, fl: &String, n: u64, when: &str, tags: Vec<&String>| {
        json!({"benchmark_id": b, "flavor_id": fl, "execution_datetime": when, "tags_ids": tags,
               "json": doc(n, 8, Some(2.5))})
    };
    let batch = json!({"results": [
        item(b1, f1, 11, "2020-01-06T00:00:00Z", vec![&w.hpc]),
        item(b1, f1, 11, "2020-01-06T01:00:00Z", vec![&w.hpc]),
        item(b2, f1, 12, "2020-01-07T00:00:00Z", vec![]),
    ]});
    send_ok(&app, Method::POST, "/results:batch", &user.token, Some(batch)).await;
    check(&app, &w, "a batch upload").await;
    send_ok(&app, Method::DELETE, &format!("/flavors/{}", w.flavor2), &admin.token, None).await;
    check(&app, &w, "flavor removal").await;
    upload_by(&app, &w.other, b2, f1, doc(10, 16, Some(3.0)), "2020-01-04T00:00:00Z", &[]).await;
    send_ok(&app, Method::POST, &format!("/users:remove?sub={}", w.other.sub), &admin.token, None).await;
    check(&app, &w, "user removal").await;
    send_ok(&app, Method::DELETE, &format!("/benchmarks/{}", w.benchmark2), &admin.token, None).await;
    check(&app, &w, "benchmark removal").await;
    send_ok(&app, Method::DELETE, &format!("/sites/{}", w.f.site), &admin.token, None).await;
    let snapshot = assert_derived_exact(&app, "site removal").await;
    assert!(snapshot.results.is_empty(), "the site's removal took every result left");
    assert_answers(&app, &snapshot, &w).await;
});
