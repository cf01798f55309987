//! The naive computations the derived data must equal: read every row back and count, walk and
//! order in Rust.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use eosc_perf_tests::TestApp;
use infra::entity::{benchmark, flavor, result, result_tag, site, tag};
use sea_orm::{ConnectionTrait, EntityTrait, Statement};
use serde_json::Value;
use uuid::Uuid;

/// Every row the lists depend on.
pub struct Snapshot {
    pub results: Vec<result::Model>,
    pub links: Vec<result_tag::Model>,
    pub tags: BTreeMap<Uuid, String>,
    /// `image:tag`.
    pub benchmarks: BTreeMap<Uuid, String>,
    /// (name, address).
    pub sites: BTreeMap<Uuid, (String, String)>,
    pub flavors: BTreeMap<Uuid, String>,
}

impl Snapshot {
    pub async fn read(app: &TestApp) -> Self {
        let db = &app.db;
        let benchmarks = benchmark::Entity::find().all(db).await.unwrap();
        let sites = site::Entity::find().all(db).await.unwrap();
        Self {
            results: result::Entity::find().all(db).await.unwrap(),
            links: result_tag::Entity::find().all(db).await.unwrap(),
            tags: tag::Entity::find().all(db).await.unwrap().into_iter().map(|t| (t.id, t.name)).collect(),
            benchmarks: benchmarks
                .into_iter()
                .map(|b| (b.id, format!("{}:{}", b.docker_image, b.docker_tag)))
                .collect(),
            sites: sites.into_iter().map(|s| (s.id, (s.name, s.address))).collect(),
            flavors: flavor::Entity::find()
                .all(db)
                .await
                .unwrap()
                .into_iter()
                .map(|f| (f.id, f.name))
                .collect(),
        }
    }

    /// Visible results, in execution order.
    pub fn visible(&self) -> Vec<&result::Model> {
        let mut v: Vec<&result::Model> = self.results.iter().filter(|r| !r.deleted).collect();
        v.sort_by_key(|r| (r.execution_datetime, r.id));
        v
    }

    pub fn tags_of(&self, id: Uuid) -> Vec<Uuid> {
        self.links.iter().filter(|l| l.result_id == id).map(|l| l.tag_id).collect()
    }

    /// Whether `r` matches the search term (contract §2.11; terms here hold no wildcards).
    pub fn matches_term(&self, r: &result::Model, term: &str) -> bool {
        let (site_name, address) = &self.sites[&r.site_id];
        self.benchmarks[&r.benchmark_id].contains(term)
            || site_name.contains(term)
            || address.contains(term)
            || self.flavors[&r.flavor_id].contains(term)
            || self.tags_of(r.id).iter().any(|t| self.tags[t] == term)
    }

    /// What every derived table must hold, from the rows.
    fn expected(&self) -> Derived {
        let mut d = Derived::default();
        for r in &self.results {
            for (path, value) in numbers(&r.json) {
                d.numbers.insert((r.id, path.clone(), r.benchmark_id, value.to_bits()));
                if !r.deleted {
                    *d.number_counts.entry((path.clone(), value.to_bits(), r.benchmark_id)).or_default() += 1;
                    *d.path_counts.entry((path, r.benchmark_id)).or_default() += 1;
                }
            }
            if r.deleted {
                continue;
            }
            *d.counts.entry((r.benchmark_id, r.site_id, r.flavor_id)).or_default() += 1;
            *d.days.entry(r.execution_datetime.date_naive()).or_default() += 1;
            for t in self.tags_of(r.id) {
                *d.tag_counts.entry((t, r.benchmark_id, r.site_id, r.flavor_id)).or_default() += 1;
            }
        }
        d
    }
}

/// The numeric leaves reached through plain names, as the migration defines them.
pub fn numbers(doc: &Value) -> Vec<(String, f64)> {
    fn plain(key: &str) -> bool {
        let mut chars = key.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    }
    fn walk(prefix: &str, v: &Value, out: &mut Vec<(String, f64)>) {
        let Value::Object(map) = v else { return };
        for (k, child) in map.iter().filter(|(k, _)| plain(k)) {
            let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
            match child {
                Value::Number(n) => out.push((path, n.as_f64().unwrap())),
                Value::Object(_) => walk(&path, child, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk("", doc, &mut out);
    out
}

type Key3 = (Uuid, Uuid, Uuid);

/// The content of the derived tables (rows with `n = 0` left out: they count nothing).
#[derive(Default)]
struct Derived {
    counts: BTreeMap<Key3, i64>,
    tag_counts: BTreeMap<(Uuid, Uuid, Uuid, Uuid), i64>,
    days: BTreeMap<NaiveDate, i64>,
    numbers: BTreeSet<(Uuid, String, Uuid, u64)>,
    number_counts: BTreeMap<(String, u64, Uuid), i64>,
    path_counts: BTreeMap<(String, Uuid), i64>,
}

async fn rows(app: &TestApp, sql: &str) -> Vec<sea_orm::QueryResult> {
    let statement = Statement::from_string(app.db.get_database_backend(), sql.to_owned());
    app.db.query_all_raw(statement).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn uuid(row: &sea_orm::QueryResult, column: &str) -> Uuid {
    row.try_get("", column).unwrap()
}

fn count(row: &sea_orm::QueryResult) -> i64 {
    row.try_get("", "n").unwrap()
}

/// The derived tables as stored.
async fn stored(app: &TestApp) -> Derived {
    let mut d = Derived::default();
    for row in rows(app, "SELECT benchmark_id, site_id, flavor_id, n FROM result_count WHERE n <> 0").await {
        d.counts.insert(
            (uuid(&row, "benchmark_id"), uuid(&row, "site_id"), uuid(&row, "flavor_id")),
            count(&row),
        );
    }
    let sql = "SELECT tag_id, benchmark_id, site_id, flavor_id, n FROM result_tag_count WHERE n <> 0";
    for row in rows(app, sql).await {
        let key = (
            uuid(&row, "tag_id"),
            uuid(&row, "benchmark_id"),
            uuid(&row, "site_id"),
            uuid(&row, "flavor_id"),
        );
        d.tag_counts.insert(key, count(&row));
    }
    for row in rows(app, "SELECT day, n FROM result_day_count WHERE n <> 0").await {
        d.days.insert(row.try_get("", "day").unwrap(), count(&row));
    }
    for row in rows(app, "SELECT result_id, path, benchmark_id, value FROM result_number").await {
        let value: f64 = row.try_get("", "value").unwrap();
        let path: String = row.try_get("", "path").unwrap();
        d.numbers.insert((uuid(&row, "result_id"), path, uuid(&row, "benchmark_id"), value.to_bits()));
    }
    for row in rows(app, "SELECT path, value, benchmark_id, n FROM result_number_count WHERE n <> 0").await {
        let value: f64 = row.try_get("", "value").unwrap();
        let path: String = row.try_get("", "path").unwrap();
        d.number_counts.insert((path, value.to_bits(), uuid(&row, "benchmark_id")), count(&row));
    }
    for row in rows(app, "SELECT path, benchmark_id, n FROM result_path_count WHERE n <> 0").await {
        let path: String = row.try_get("", "path").unwrap();
        d.path_counts.insert((path, uuid(&row, "benchmark_id")), count(&row));
    }
    d
}

/// Asserts that every derived table equals its naive computation; returns the snapshot.
pub async fn assert_derived_exact(app: &TestApp, after: &str) -> Snapshot {
    let snapshot = Snapshot::read(app).await;
    let (stored, expected) = (stored(app).await, snapshot.expected());
    assert_eq!(stored.counts, expected.counts, "result_count after {after}");
    assert_eq!(stored.tag_counts, expected.tag_counts, "result_tag_count after {after}");
    assert_eq!(stored.days, expected.days, "result_day_count after {after}");
    assert_eq!(stored.numbers, expected.numbers, "result_number after {after}");
    assert_eq!(stored.number_counts, expected.number_counts, "result_number_count after {after}");
    assert_eq!(stored.path_counts, expected.path_counts, "result_path_count after {after}");
    if app.db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        // Each number copies its result's context and visibility (migration `number_context`).
        let stale = rows(
            app,
            "SELECT x.result_id, x.path FROM result_number x JOIN result r ON r.id = x.result_id \
             WHERE (x.site_id, x.flavor_id, x.execution_datetime, x.deleted) \
             IS DISTINCT FROM (r.site_id, r.flavor_id, r.execution_datetime, r.deleted)",
        )
        .await;
        assert!(
            stale.is_empty(),
            "{} numbers with another context than their result after {after}",
            stale.len()
        );
    }
    snapshot
}

/// Midnight UTC of `date`.
pub fn midnight(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(0, 0, 0).unwrap().and_utc()
}
