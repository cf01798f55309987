//! JSON paths inside result documents: filters and sorting, the one place where PostgreSQL
//! (`jsonb`) and SQLite (JSON1 functions) differ. Both give the same semantics:
//!
//! - a number filter matches JSON numbers only; a boolean filter matches JSON booleans only; a
//!   text filter compares the JSON text at the path (strings unquoted) in binary collation;
//! - a row whose value has another type, or no value at the path, simply does not match (Q6:
//!   the original answered 500);
//! - sorting follows PostgreSQL's jsonb order across types (null < string < number < boolean
//!   < array < object), with missing paths last ascending and first descending.

use domain::filter::{FilterOp, FilterValue, JsonFilter};
use sea_orm::{
    DatabaseBackend,
    sea_query::{Expr, SimpleExpr, Value},
};

/// The document column, qualified.
const DOC: &str = "\"result\".\"json\"";

/// Placeholders `$from..$from+n` for the path segments (PostgreSQL variadic arguments;
/// PostgreSQL takes numbered `$n` placeholders, which may repeat).
fn pg_args(path: &[String], from: usize) -> String {
    (0..path.len()).map(|i| format!(", ${}", from + i)).collect()
}

fn path_values(path: &[String]) -> Vec<Value> {
    path.iter().map(|s| Value::from(s.clone())).collect()
}

/// SQLite JSON paths: keys quoted, numeric segments as array indexes (and, when there are
/// numeric segments, a second path reading them as object keys).
fn sqlite_paths(path: &[String]) -> Vec<String> {
    let quoted = |s: &str| format!(".\"{}\"", s.replace('"', ""));
    let as_index: String = path
        .iter()
        .map(|s| {
            if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) { format!("[{s}]") } else { quoted(s) }
        })
        .collect();
    let as_key: String = path.iter().map(|s| quoted(s)).collect();
    if as_index == as_key {
        vec![format!("${as_key}")]
    } else {
        vec![format!("${as_index}"), format!("${as_key}")]
    }
}

/// `COALESCE(f(doc, ?), f(doc, ?))` over the SQLite path variants (SQLite takes positional `?`
/// placeholders: each call consumes the path values once, in order).
fn sqlite_call(func: &str, paths: &[String]) -> String {
    let calls: Vec<String> = paths.iter().map(|_| format!("{func}({DOC}, ?)")).collect();
    if calls.len() == 1 { calls.join("") } else { format!("COALESCE({})", calls.join(", ")) }
}

/// The path values, repeated once per SQLite call that uses them.
fn sqlite_values(paths: &[String], calls: usize) -> Vec<Value> {
    (0..calls).flat_map(|_| paths.iter().map(|p| Value::from(p.clone()))).collect()
}

/// The SQL spelling of a filter's operator.
fn operator(op: FilterOp) -> &'static str {
    match op {
        FilterOp::Eq => "=",
        FilterOp::Gt => ">",
        FilterOp::Lt => "<",
        FilterOp::Ge => ">=",
        FilterOp::Le => "<=",
    }
}

/// The condition of one JSON filter.
pub fn filter_condition(backend: DatabaseBackend, filter: &JsonFilter) -> SimpleExpr {
    let op = operator(filter.op);
    match backend {
        DatabaseBackend::Postgres => {
            let n = filter.path.len();
            let args = pg_args(&filter.path, 1);
            let value_at = n + 1;
            let mut values = path_values(&filter.path);
            let sql = match &filter.value {
                FilterValue::Number(v) => {
                    values.push(Value::from(*v));
                    format!(
                        "(CASE WHEN jsonb_typeof(jsonb_extract_path({DOC}{args})) = 'number' \
                         THEN (jsonb_extract_path_text({DOC}{args}))::float8 END) {op} ${value_at}"
                    )
                }
                FilterValue::Bool(v) => {
                    values.push(Value::from(*v));
                    format!(
                        "(CASE WHEN jsonb_typeof(jsonb_extract_path({DOC}{args})) = 'boolean' \
                         THEN (jsonb_extract_path_text({DOC}{args}))::boolean END) {op} ${value_at}"
                    )
                }
                FilterValue::Text(v) => {
                    values.push(Value::from(v.clone()));
                    format!("(jsonb_extract_path_text({DOC}{args}) COLLATE \"C\") {op} ${value_at}")
                }
            };
            Expr::cust_with_values(sql, values)
        }
        _ => {
            let paths = sqlite_paths(&filter.path);
            let ty = sqlite_call("json_type", &paths);
            let val = sqlite_call("json_extract", &paths);
            let (sql, mut values) = match &filter.value {
                FilterValue::Number(v) => (
                    format!("(CASE WHEN {ty} IN ('integer', 'real') THEN CAST({val} AS REAL) END) {op} ?"),
                    vec![sqlite_values(&paths, 2), vec![Value::from(*v)]],
                ),
                FilterValue::Bool(v) => (
                    format!("(CASE {ty} WHEN 'true' THEN 1 WHEN 'false' THEN 0 END) {op} ?"),
                    vec![sqlite_values(&paths, 1), vec![Value::from(i32::from(*v))]],
                ),
                FilterValue::Text(v) => (
                    format!(
                        "(CASE {ty} WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL \
                         ELSE CAST({val} AS TEXT) END) {op} ?"
                    ),
                    vec![sqlite_values(&paths, 2), vec![Value::from(v.clone())]],
                ),
            };
            let values: Vec<Value> = values.drain(..).flatten().collect();
            Expr::cust_with_values(sql, values)
        }
    }
}

/// The JSON text of the value at `path` (`NULL` when the path is missing): PostgreSQL prints
/// the jsonb value, SQLite returns the value's JSON text (`->`). Read back with a JSON parser,
/// both give the same value, and a string (quoted) is never taken for a number.
pub fn value_text(backend: DatabaseBackend, path: &[String]) -> SimpleExpr {
    match backend {
        DatabaseBackend::Postgres => {
            let args = pg_args(path, 1);
            Expr::cust_with_values(format!("(jsonb_extract_path({DOC}{args}))::text"), path_values(path))
        }
        _ => {
            let paths = sqlite_paths(path);
            let calls: Vec<String> = paths.iter().map(|_| format!("({DOC} -> ?)")).collect();
            let sql =
                if calls.len() == 1 { calls.join("") } else { format!("COALESCE({})", calls.join(", ")) };
            Expr::cust_with_values(sql, sqlite_values(&paths, 1))
        }
    }
}

/// ORDER BY expressions for `json.<path>` (empty path: the whole document); each is sorted
/// in the key's direction, which also puts missing values last ascending, first descending.
pub fn order_expressions(backend: DatabaseBackend, path: &[String]) -> Vec<SimpleExpr> {
    if path.is_empty() {
        return vec![Expr::cust(DOC)];
    }
    match backend {
        DatabaseBackend::Postgres => {
            let args = pg_args(path, 1);
            vec![Expr::cust_with_values(format!("jsonb_extract_path({DOC}{args})"), path_values(path))]
        }
        _ => {
            let paths = sqlite_paths(path);
            let values = sqlite_values(&paths, 1);
            let ty = sqlite_call("json_type", &paths);
            let val = sqlite_call("json_extract", &paths);
            vec![
                Expr::cust_with_values(format!("({ty} IS NULL)"), values.clone()),
                Expr::cust_with_values(
                    format!(
                        "(CASE {ty} WHEN 'null' THEN 0 WHEN 'text' THEN 1 WHEN 'integer' THEN 2 WHEN 'real' THEN 2 \
                         WHEN 'false' THEN 3 WHEN 'true' THEN 3 WHEN 'array' THEN 4 ELSE 5 END)"
                    ),
                    values.clone(),
                ),
                Expr::cust_with_values(val, values),
            ]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths_quote_keys_and_index_arrays() {
        assert_eq!(sqlite_paths(&["a".into(), "b".into()]), vec!["$.\"a\".\"b\"".to_string()]);
        assert_eq!(
            sqlite_paths(&["a".into(), "0".into()]),
            vec!["$.\"a\"[0]".to_string(), "$.\"a\".\"0\"".to_string()]
        );
    }
}

#[cfg(test)]
mod statement_tests {
    use domain::filter::parse_filter;
    use sea_orm::{
        DatabaseBackend,
        sea_query::{PostgresQueryBuilder, Query, SqliteQueryBuilder},
    };

    use super::filter_condition;

    #[test]
    fn every_placeholder_gets_a_value_on_both_backends() {
        let f = parse_filter("a.0 > 11").unwrap();
        let q = Query::select().expr(filter_condition(DatabaseBackend::Sqlite, &f)).to_owned();
        let (sql, values) = q.build(SqliteQueryBuilder);
        assert_eq!(sql.matches('?').count(), values.0.len(), "{sql}");
        let q = Query::select().expr(filter_condition(DatabaseBackend::Postgres, &f)).to_owned();
        let (sql, values) = q.build(PostgresQueryBuilder);
        let n = values.0.len();
        assert!(sql.contains(&format!("${n}")) && !sql.contains(&format!("${}", n + 1)), "{sql}");
    }
}
