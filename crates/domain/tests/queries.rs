//! Lists (contract §2.9-§2.13): exact and JSON filters, search terms, date ranges, sort keys,
//! pagination totals and out-of-range pages.

#![allow(clippy::unwrap_used, reason = "tests: a failed unwrap is a failed test")]

mod common;

use chrono::TimeDelta;
use common::{Catalog, Fixture, first_page, with_status};
use eosc_perf_domain::{
    DateRange, DomainError, PageRequest, Status,
    benchmark::{Benchmark, BenchmarkFilter, BenchmarkSort},
    filter::parse_filter,
    query::{ListParams, parse_sort},
    result::{BenchmarkResult, ResultFilter, ResultSort},
    site::{Site, SiteFilter, SiteSort},
    tag::{TagDraft, TagFilter, TagSort},
    user::{UserFilter, UserSort},
};
use eosc_perf_domain::{ResultId, SiteId};
use serde_json::json;

/// Alice's results on two catalogs: times 5, 20, 11.0 on `img/a`, a text time on `img/b`.
async fn results_fixture() -> (Fixture, Catalog, Catalog, Vec<BenchmarkResult>) {
    let f = Fixture::new().await;
    let a = f.approved_catalog("img/alpha", "site-north", "small").await;
    let b = f.approved_catalog("img/beta", "site-south", "large").await;
    let gpu = f
        .domain
        .tags
        .create(&f.user(&f.alice).await, TagDraft { name: "gpu".into(), description: None })
        .await
        .unwrap();
    let r1 = f.upload(&f.alice, &a, json!({"time": 5, "cpu": {"model": "x86"}}), 48, vec![]).await;
    let r2 = f.upload(&f.alice, &a, json!({"time": 20, "cpu": {"model": "arm"}}), 24, vec![gpu.id]).await;
    let r3 = f.upload(&f.bob, &a, json!({"time": 11.0, "ok": true}), 2, vec![]).await;
    let r4 = f.upload(&f.bob, &b, json!({"time": 3}), 1, vec![gpu.id]).await;
    (f, a, b, vec![r1, r2, r3, r4])
}

async fn ids(f: &Fixture, filter: &ResultFilter, sort: &str) -> Vec<ResultId> {
    let sort = parse_sort::<ResultSort>(sort).unwrap();
    let page = f.domain.results.list(filter, &sort, first_page()).await.unwrap();
    page.items.into_iter().map(|r| r.id).collect()
}

async fn by(f: &Fixture, filter: ResultFilter) -> Vec<ResultId> {
    ids(f, &filter, "+execution_datetime").await
}

async fn search(f: &Fixture, terms: &[&str]) -> Vec<ResultId> {
    let filter = ResultFilter { terms: terms.iter().map(|t| t.to_string()).collect(), ..Default::default() };
    by(f, filter).await
}

async fn sites(f: &Fixture, p: ListParams<SiteSort>, filter: SiteFilter) -> Vec<SiteId> {
    let page = f.domain.catalog.list::<Site>(&filter, &p).await.unwrap();
    page.items.into_iter().map(|s| s.id).collect()
}

async fn tag_names(f: &Fixture, filter: TagFilter, sort: &str) -> Vec<String> {
    let sort = parse_sort::<TagSort>(sort).unwrap();
    let page = f.domain.tags.list(&filter, &sort, first_page()).await.unwrap();
    page.items.into_iter().map(|t| t.name).collect()
}

async fn user_subs(f: &Fixture, terms: Vec<String>, sort: &str) -> Vec<String> {
    let sort = parse_sort::<UserSort>(sort).unwrap();
    let filter = UserFilter { terms, ..UserFilter::default() };
    let page = f.domain.users.list(&f.root().await, &filter, &sort, first_page()).await.unwrap();
    page.items.into_iter().map(|u| u.sub).collect()
}

fn json_filters(filters: &[&str]) -> ResultFilter {
    ResultFilter {
        filters: filters.iter().map(|t| parse_filter(t).unwrap()).collect(),
        ..ResultFilter::default()
    }
}

#[tokio::test]
async fn json_filters_compare_numbers_booleans_and_text() {
    let (f, _, _, r) = results_fixture().await;
    assert_eq!(ids(&f, &json_filters(&["time > 10"]), "+json.time").await, vec![r[2].id, r[1].id]);
    assert_eq!(ids(&f, &json_filters(&["time == 11"]), "").await, vec![r[2].id], "11 matches 11.0");
    assert_eq!(
        ids(&f, &json_filters(&["time >= 5", "time <= 11"]), "+json.time").await,
        vec![r[0].id, r[2].id]
    );
    assert_eq!(ids(&f, &json_filters(&["ok == true"]), "").await, vec![r[2].id]);
    assert_eq!(ids(&f, &json_filters(&["cpu.model == arm"]), "").await, vec![r[1].id]);
    assert!(ids(&f, &json_filters(&["cpu.model > 1"]), "").await.is_empty(), "type clash: no match (Q6)");
}

#[tokio::test]
async fn results_sort_by_columns_and_json_paths_with_missing_values_last() {
    let (f, _, _, r) = results_fixture().await;
    let all = ResultFilter::default();
    assert_eq!(ids(&f, &all, "+execution_datetime").await, vec![r[0].id, r[1].id, r[2].id, r[3].id]);
    assert_eq!(ids(&f, &all, "-json.time").await, vec![r[1].id, r[2].id, r[0].id, r[3].id]);
    let by_model = ids(&f, &all, "+json.cpu.model,+execution_datetime").await;
    assert_eq!(by_model, vec![r[1].id, r[0].id, r[2].id, r[3].id], "arm < x86, missing last");
    let by_name = ids(&f, &all, "-benchmark_name,-execution_datetime").await;
    assert_eq!(by_name, vec![r[3].id, r[2].id, r[1].id, r[0].id]);
}

#[tokio::test]
async fn results_filter_by_context_tags_dates_and_owner() {
    let (f, a, b, r) = results_fixture().await;
    let tagged = f.domain.tags.list(&TagFilter::default(), &[], first_page()).await.unwrap().items[0].id;
    assert_eq!(
        by(&f, ResultFilter { benchmark_id: Some(b.benchmark.id), ..Default::default() }).await,
        vec![r[3].id]
    );
    assert_eq!(by(&f, ResultFilter { site_id: Some(a.site.id), ..Default::default() }).await.len(), 3);
    assert_eq!(
        by(&f, ResultFilter { flavor_id: Some(b.flavor.id), ..Default::default() }).await,
        vec![r[3].id]
    );
    assert_eq!(
        by(&f, ResultFilter { tags_ids: vec![tagged], ..Default::default() }).await,
        vec![r[1].id, r[3].id]
    );
    let today = f.now().date_naive();
    let executed = DateRange { before: Some(today), after: None };
    assert_eq!(by(&f, ResultFilter { executed, ..Default::default() }).await, vec![r[0].id, r[1].id]);
    let bob = f.user(&f.bob).await.key();
    assert_eq!(by(&f, ResultFilter { owner: Some(bob), ..Default::default() }).await, vec![r[2].id, r[3].id]);
}

#[tokio::test]
async fn result_search_matches_names_by_substring_and_tags_exactly() {
    let (f, _, _, r) = results_fixture().await;
    assert_eq!(search(&f, &["beta"]).await, vec![r[3].id], "benchmark image:tag");
    assert_eq!(search(&f, &["img/alpha:1.0"]).await.len(), 3);
    assert_eq!(search(&f, &["south street"]).await, vec![r[3].id], "site address");
    assert_eq!(search(&f, &["gpu"]).await, vec![r[1].id, r[3].id], "tag name");
    assert!(search(&f, &["gp"]).await.is_empty(), "tags match exactly");
    assert_eq!(search(&f, &["alpha", "gpu"]).await, vec![r[1].id], "terms combine with AND");
    assert!(search(&f, &["ALPHA"]).await.is_empty(), "case-sensitive");
    assert_eq!(search(&f, &["sma_l"]).await.len(), 3, "`_` is a wildcard");
}

#[tokio::test]
async fn pages_count_the_total_and_refuse_pages_past_the_last() {
    let (f, _, _, r) = results_fixture().await;
    let sort = parse_sort::<ResultSort>("+execution_datetime").unwrap();
    let page = |n| PageRequest { page: n, per_page: 3 };
    let second = f.domain.results.list(&ResultFilter::default(), &sort, page(2)).await.unwrap();
    assert_eq!((second.total, second.pages(), second.has_prev(), second.has_next()), (4, 2, true, false));
    assert_eq!(second.items.iter().map(|x| x.id).collect::<Vec<_>>(), vec![r[3].id]);
    let err = f.domain.results.list(&ResultFilter::default(), &sort, page(3)).await.unwrap_err();
    assert!(matches!(err, DomainError::PageOutOfRange));
    let none = json_filters(&["time > 100"]);
    let empty = f.domain.results.list(&none, &sort, PageRequest::default()).await.unwrap();
    assert_eq!((empty.total, empty.pages()), (0, 0), "an empty first page is fine");
}

#[tokio::test]
async fn catalog_lists_filter_search_and_sort() {
    let f = Fixture::new().await;
    let alpha = f.approved_catalog("img/alpha", "Karlsruhe", "small").await;
    let beta = f.approved_catalog("img/beta", "Bologna", "large").await;
    let pending = f.submit_site(&f.bob, "Krakow").await;
    let sorted = |sort: &str| ListParams {
        status: Some(Status::Approved),
        sort: parse_sort::<SiteSort>(sort).unwrap(),
        ..ListParams::default()
    };
    assert_eq!(sites(&f, sorted("+name"), SiteFilter::default()).await, vec![beta.site.id, alpha.site.id]);
    assert_eq!(sites(&f, sorted("-name"), SiteFilter::default()).await, vec![alpha.site.id, beta.site.id]);
    let searching = ListParams { terms: vec!["K".into()], ..ListParams::default() };
    assert_eq!(
        sites(&f, searching.clone(), SiteFilter::default()).await.len(),
        2,
        "any status without a filter"
    );
    let pending_k = ListParams { status: Some(Status::OnReview), ..searching };
    assert_eq!(sites(&f, pending_k, SiteFilter::default()).await, vec![pending.id]);
    let named = SiteFilter { name: Some("Bologna".into()), address: None };
    assert_eq!(sites(&f, with_status(Status::Approved), named).await, vec![beta.site.id]);
    let images = BenchmarkFilter { docker_image: Some("img/alpha".into()), docker_tag: None };
    let p =
        ListParams { sort: parse_sort::<BenchmarkSort>("-name").unwrap(), ..with_status(Status::Approved) };
    let listed = f.domain.catalog.list::<Benchmark>(&images, &p).await.unwrap();
    assert_eq!(listed.items.iter().map(|b| b.id).collect::<Vec<_>>(), vec![alpha.benchmark.id]);
    let tomorrow = f.now().date_naive() + TimeDelta::days(1);
    let later = ListParams { uploaded: DateRange { after: Some(tomorrow), before: None }, ..p };
    assert_eq!(
        f.domain.catalog.list::<Benchmark>(&BenchmarkFilter::default(), &later).await.unwrap().total,
        0
    );
}

#[tokio::test]
async fn tags_and_users_search_and_sort() {
    let f = Fixture::new().await;
    for (name, description) in [("gpu", Some("graphics")), ("fast", None), ("cpu-bound", Some("gpu free"))] {
        let draft = TagDraft { name: name.into(), description: description.map(str::to_owned) };
        f.domain.tags.create(&f.user(&f.alice).await, draft).await.unwrap();
    }
    assert_eq!(tag_names(&f, TagFilter::default(), "+name").await, vec!["cpu-bound", "fast", "gpu"]);
    let gpu = TagFilter { terms: vec!["gpu".into()], name: None };
    assert_eq!(tag_names(&f, gpu, "-name").await, vec!["gpu", "cpu-bound"], "name or description");
    assert_eq!(user_subs(&f, vec![], "-sub").await, vec!["bob", "alice", "admin"]);
    assert_eq!(user_subs(&f, vec!["b@".into()], "").await, vec!["bob"]);
    assert_eq!(user_subs(&f, vec![], "+email").await, vec!["admin", "alice", "bob"]);
}

/// `+json` sorts by the whole document: fewer keys first, then key by key.
#[tokio::test]
async fn whole_documents_sort_by_jsonb_order() {
    let (f, _, _, r) = results_fixture().await;
    let sorted = ids(&f, &ResultFilter::default(), "+json").await;
    assert_eq!(sorted, vec![r[3].id, r[1].id, r[0].id, r[2].id]);
}
