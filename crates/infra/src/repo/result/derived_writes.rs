//! The derived data of uploaded results, written by the upload itself on PostgreSQL.
//!
//! The triggers of migration `derive_result_data` keep the counts and numeric leaves exact for
//! every write, but on an insert they cost more than the insert: walking each document in SQL
//! (about 0.1 ms a document) and joining the new rows with `result_number`. An upload knows its
//! documents and context already, so on PostgreSQL it computes the same rows here and sends them
//! as a few statements of JSON records, after switching the two insert triggers off for its
//! transaction (`eosc_perf.derived_by_app`, see migration `cheaper_result_inserts`). Updates, deletes
//! and every other insert (imports, SQL seeds) keep the triggers. SQLite keeps its row triggers.
//!
//! Every upload holds the change counter's row lock before writing a count row: the counter
//! bump of its result `INSERT` takes it, as the triggers do first, so count rows are only ever
//! locked by one transaction at a time.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::{RepoError, result::NewResult};
use sea_orm::{ConnectionTrait, DatabaseTransaction, Statement};
use serde_json::{Value, json};
use uuid::Uuid;

use super::derived::indexed_path;
use crate::error::DbResultExt;

/// Turns the insert triggers off until the end of the transaction.
pub(super) const TRIGGERS_OFF: &str = "SELECT set_config('eosc_perf.derived_by_app', 'on', true)";

/// The numeric leaves of a document that the side table holds, as the migration's SQL function
/// `result_numbers` finds them: reached through object keys that are plain names only.
pub fn numeric_leaves(doc: &Value) -> Vec<(String, f64)> {
    fn walk(path: &mut Vec<String>, value: &Value, out: &mut Vec<(String, f64)>) {
        let Value::Object(map) = value else { return };
        for (key, child) in map {
            path.push(key.clone());
            if indexed_path(std::slice::from_ref(key)).is_some() {
                match child {
                    Value::Number(n) => out.extend(n.as_f64().map(|v| (path.join("."), as_stored(v)))),
                    Value::Object(_) => walk(path, child, out),
                    _ => {}
                }
            }
            path.pop();
        }
    }
    let mut out = Vec::new();
    walk(&mut Vec::new(), doc, &mut out);
    out
}

/// A double as the SQL function stores it: numbers too small for a normal double become 0, and
/// `-0` is `0` (they are one key of a unique index).
fn as_stored(v: f64) -> f64 {
    if v.abs() < 1e-323 { 0.0 } else { v }
}

/// A result's context: benchmark, site, flavor.
type Context = (Uuid, Uuid, Uuid);

/// The rows derived from a set of new (visible) results, added up per key.
#[derive(Default)]
struct Derived {
    numbers: Vec<Value>,
    counts: BTreeMap<Context, i64>,
    days: BTreeMap<NaiveDate, i64>,
    tag_counts: BTreeMap<(Uuid, Context), i64>,
    number_counts: BTreeMap<(String, u64, Uuid), i64>,
    path_counts: BTreeMap<(String, Uuid), i64>,
}

impl Derived {
    fn of(new: &[NewResult]) -> Self {
        let mut d = Self::default();
        for r in new {
            let (benchmark, context) =
                (r.benchmark_id.uuid(), (r.benchmark_id.uuid(), r.site_id.uuid(), r.flavor_id.uuid()));
            *d.counts.entry(context).or_default() += 1;
            *d.days.entry(r.execution_datetime.date_naive()).or_default() += 1;
            for tag in &r.tags_ids {
                *d.tag_counts.entry((tag.uuid(), context)).or_default() += 1;
            }
            let executed = micros_since_2000(r.execution_datetime);
            for (path, value) in numeric_leaves(&r.json) {
                d.numbers.push(json!({
                    "r": r.id, "p": path, "v": value, "b": benchmark, "s": context.1, "f": context.2, "e": executed,
                }));
                *d.number_counts.entry((path.clone(), value.to_bits(), benchmark)).or_default() += 1;
                *d.path_counts.entry((path, benchmark)).or_default() += 1;
            }
        }
        d
    }

    /// The `INSERT`s writing these rows, each reading its JSON records from `$1` (none when
    /// there are no records).
    fn inserts(self) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        let mut push = |sql: String, rows: Vec<Value>| {
            if !rows.is_empty() {
                out.push((sql, Value::Array(rows)));
            }
        };
        push(
            // Each number carries its result's benchmark, site, flavor and execution time (as the
            // driver encodes it, microseconds since 2000); new results are visible.
            "INSERT INTO result_number (result_id, path, value, benchmark_id, site_id, flavor_id, \
             execution_datetime, deleted) SELECT x.r, x.p, x.v, x.b, x.s, x.f, \
             TIMESTAMPTZ '2000-01-01 00:00:00+00' + x.e * INTERVAL '1 microsecond', FALSE \
             FROM json_to_recordset($1::json) AS x(r uuid, p text, v float8, b uuid, s uuid, f uuid, e bigint)"
                .to_owned(),
            self.numbers,
        );
        push(
            add("result_count", "benchmark_id, site_id, flavor_id", "b uuid, s uuid, f uuid", "b, s, f"),
            self.counts.into_iter().map(|((b, s, f), n)| json!({"b": b, "s": s, "f": f, "n": n})).collect(),
        );
        push(
            // Days since 1970-01-01: ISO text would name year 0, which PostgreSQL calls 1 BC.
            add("result_day_count", "day", "d integer", "DATE '1970-01-01' + d"),
            self.days.into_iter().map(|(d, n)| json!({"d": days_since_epoch(d), "n": n})).collect(),
        );
        push(
            add(
                "result_tag_count",
                "tag_id, benchmark_id, site_id, flavor_id",
                "t uuid, b uuid, s uuid, f uuid",
                "t, b, s, f",
            ),
            self.tag_counts
                .into_iter()
                .map(|((t, (b, s, f)), n)| json!({"t": t, "b": b, "s": s, "f": f, "n": n}))
                .collect(),
        );
        push(
            add("result_number_count", "path, value, benchmark_id", "p text, v float8, b uuid", "p, v, b"),
            self.number_counts
                .into_iter()
                .map(|((p, v, b), n)| json!({"p": p, "v": f64::from_bits(v), "b": b, "n": n}))
                .collect(),
        );
        push(
            add("result_path_count", "path, benchmark_id", "p text, b uuid", "p, b"),
            self.path_counts.into_iter().map(|((p, b), n)| json!({"p": p, "b": b, "n": n})).collect(),
        );
        out
    }
}

/// Microseconds from 2000-01-01 UTC to `at`, as the PostgreSQL driver sends a timestamp (so the
/// copy in `result_number` equals the result's own column to the microsecond).
fn micros_since_2000(at: DateTime<Utc>) -> Option<i64> {
    // 2000-01-01: 30 years of 365 days and 7 leap days after 1970-01-01.
    let y2k = DateTime::UNIX_EPOCH + chrono::Duration::days(30 * 365 + 7);
    (at - y2k).num_microseconds()
}

/// The days from 1970-01-01 to `day`.
fn days_since_epoch(day: NaiveDate) -> i64 {
    (day - DateTime::UNIX_EPOCH.date_naive()).num_days()
}

/// Adds the JSON records (`fields` and `n`) to the counts of `table` (`keys` and `n`).
fn add(table: &str, keys: &str, fields: &str, values: &str) -> String {
    format!(
        "INSERT INTO {table} AS c ({keys}, n) SELECT {values}, n \
         FROM json_to_recordset($1::json) AS x({fields}, n bigint) \
         ON CONFLICT ({keys}) DO UPDATE SET n = c.n + excluded.n"
    )
}

/// Writes the derived rows of `new`, just inserted in `txn` with the insert triggers off: one
/// statement, each table's `INSERT` in a `WITH` clause of its own (PostgreSQL runs every one
/// of them once), so that a single upload pays one round trip for them.
pub(super) async fn write(txn: &DatabaseTransaction, new: &[NewResult]) -> Result<(), RepoError> {
    let inserts = Derived::of(new).inserts();
    if inserts.is_empty() {
        return Ok(());
    }
    let mut clauses = Vec::with_capacity(inserts.len());
    let mut values = Vec::with_capacity(inserts.len());
    for (n, (sql, rows)) in inserts.into_iter().enumerate() {
        clauses.push(format!("w{n} AS ({})", sql.replace("$1", &format!("${}", n + 1))));
        values.push(rows.to_string().into());
    }
    let sql = format!("WITH {} SELECT 1", clauses.join(", "));
    txn.execute_raw(Statement::from_sql_and_values(txn.get_database_backend(), sql, values)).await.repo()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_are_reached_through_plain_keys_only() {
        let doc = json!({
            "a": 1, "b": {"c": 2.5, "d": "x", "e": [3], "bad key": 4, "f": {"g": -0.0}},
            "1x": 5, "_u": 1e-324, "list": [{"h": 6}],
        });
        let mut leaves = numeric_leaves(&doc);
        leaves.sort_by(|x, y| x.0.cmp(&y.0));
        let expected = [("_u", 0.0), ("a", 1.0), ("b.c", 2.5), ("b.f.g", -0.0)];
        assert_eq!(leaves.len(), expected.len(), "{leaves:?}");
        for ((path, value), (want_path, want)) in leaves.iter().zip(expected) {
            assert_eq!((path.as_str(), *value), (want_path, want));
        }
        assert!(numeric_leaves(&json!([1, {"a": 2}])).is_empty());
        assert!(numeric_leaves(&json!(7)).is_empty());
    }
}
