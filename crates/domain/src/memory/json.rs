//! JSON filters and JSON sort keys on result documents, with the semantics of the SQL adapters
//! (`eosc-perf-infra`'s `sql::json`): a number filter matches JSON numbers only, a boolean
//! filter JSON booleans only, a text filter compares the JSON text at the path (strings
//! unquoted) byte-wise; a missing path or another type never matches. Sorting follows
//! PostgreSQL's jsonb order across types, a missing path last ascending.

use std::cmp::Ordering;

use serde_json::Value;

use crate::{
    export::value_at,
    filter::{FilterOp, FilterValue, JsonFilter},
    statistics::type_rank,
};

fn holds<T: PartialOrd + ?Sized>(left: &T, op: FilterOp, right: &T) -> bool {
    match op {
        FilterOp::Eq => left == right,
        FilterOp::Gt => left > right,
        FilterOp::Lt => left < right,
        FilterOp::Ge => left >= right,
        FilterOp::Le => left <= right,
    }
}

/// The JSON text at a path, the way PostgreSQL's `#>>` prints it (`None` for JSON null).
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

/// Whether a result document passes one filter.
pub(super) fn passes(document: &Value, filter: &JsonFilter) -> bool {
    let Some(value) = value_at(document, &filter.path) else { return false };
    match (&filter.value, value) {
        (FilterValue::Number(wanted), Value::Number(n)) => {
            n.as_f64().is_some_and(|n| holds(&n, filter.op, wanted))
        }
        (FilterValue::Bool(wanted), Value::Bool(b)) => holds(b, filter.op, wanted),
        (FilterValue::Text(wanted), value) => {
            text_of(value).is_some_and(|text| holds(text.as_bytes(), filter.op, wanted.as_bytes()))
        }
        _ => false,
    }
}

/// jsonb ordering of two values (containers: the larger one first, then element by element).
pub(super) fn compare_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Number(x), Value::Number(y)) => {
            x.as_f64().partial_cmp(&y.as_f64()).unwrap_or(Ordering::Equal)
        }
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Array(x), Value::Array(y)) => x.len().cmp(&y.len()).then_with(|| {
            x.iter().zip(y).map(|(l, r)| compare_values(l, r)).find(|o| o.is_ne()).unwrap_or(Ordering::Equal)
        }),
        (Value::Object(x), Value::Object(y)) => x.len().cmp(&y.len()).then_with(|| {
            let mut left: Vec<_> = x.iter().collect();
            let mut right: Vec<_> = y.iter().collect();
            // jsonb stores keys shorter first, then byte-wise, and compares in that order.
            left.sort_by(|p, q| (p.0.len(), p.0).cmp(&(q.0.len(), q.0)));
            right.sort_by(|p, q| (p.0.len(), p.0).cmp(&(q.0.len(), q.0)));
            left.iter()
                .zip(&right)
                .map(|((lk, lv), (rk, rv))| lk.cmp(rk).then_with(|| compare_values(lv, rv)))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        }),
        _ => type_rank(a).cmp(&type_rank(b)),
    }
}

/// Orders two documents by the value at `path` (the whole document when empty); a missing
/// value is SQL NULL, after every value ascending.
pub(super) fn compare_at(a: &Value, b: &Value, path: &[String]) -> Ordering {
    match (value_at(a, path), value_at(b, path)) {
        (Some(x), Some(y)) => compare_values(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::filter::parse_filter;

    fn pass(doc: &Value, filter: &str) -> bool {
        passes(doc, &parse_filter(filter).unwrap())
    }

    #[test]
    fn filters_compare_by_the_type_of_the_value_text() {
        let doc = json!({"time": 11.0, "ok": true, "name": "b", "list": [3, 4], "other": "two"});
        assert!(pass(&doc, "time == 11"));
        assert!(pass(&doc, "time > 1e1"));
        assert!(pass(&doc, "ok == True"));
        assert!(pass(&doc, "name > a"));
        assert!(pass(&doc, "list.1 == 4"));
        assert!(!pass(&doc, "other > 0"), "a type clash does not match (Q6)");
        assert!(!pass(&doc, "missing == 1"));
    }

    #[test]
    fn sorting_follows_jsonb_type_order_with_missing_last() {
        let (s, n, missing) = (json!({"v": "z"}), json!({"v": 1}), json!({}));
        let path = vec!["v".to_owned()];
        assert_eq!(compare_at(&s, &n, &path), Ordering::Less);
        assert_eq!(compare_at(&n, &missing, &path), Ordering::Less);
    }
}
