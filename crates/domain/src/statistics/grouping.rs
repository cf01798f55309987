//! Splitting samples into groups by their keys, and the order of group keys.

use std::{cmp::Ordering, collections::HashMap};

use serde_json::Value;
use uuid::Uuid;

use super::{GroupBy, Sample, Samples};

/// One part of a group's key, as read from the samples.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeyPart {
    /// A benchmark.
    Benchmark(Uuid),
    /// A site.
    Site(Uuid),
    /// A flavor.
    Flavor(Uuid),
    /// A tag; `None` for untagged results.
    Tag(Option<Uuid>),
    /// A JSON value as canonical text (`null` also for a missing path).
    Json(String),
}

/// A group's key: one part per `group_by`, in order.
pub type GroupKey = Vec<KeyPart>;

/// Samples split by key.
#[derive(Debug, Default)]
pub struct Grouped {
    /// The numeric values of each group, in no particular order.
    pub groups: HashMap<GroupKey, Vec<f64>>,
    /// Samples whose value is missing or not a number.
    pub skipped: u64,
}

/// Splits `samples` by the keys `by`. A sample without a numeric value is counted in
/// `skipped` once, whatever its keys; a sample with several tags counts in each tag's group.
/// A run's values go to the group of its context (runs have no tags nor JSON keys).
pub fn group_samples(samples: impl Into<Samples>, by: &[GroupBy]) -> Grouped {
    let Samples { each, runs, skipped } = samples.into();
    let mut grouped = Grouped { skipped, ..Grouped::default() };
    for run in runs {
        let context = Sample {
            benchmark_id: run.benchmark_id,
            site_id: run.site_id,
            flavor_id: run.flavor_id,
            tags_ids: Vec::new(),
            value: None,
            keys: Vec::new(),
        };
        for key in keys_of(&context, by) {
            grouped.groups.entry(key).or_default().extend_from_slice(&run.values);
        }
    }
    for sample in each {
        let Some(value) = sample.value else {
            grouped.skipped += 1;
            continue;
        };
        for key in keys_of(&sample, by) {
            grouped.groups.entry(key).or_default().push(value);
        }
    }
    grouped
}

/// Every key a sample belongs to (more than one only through several tags).
fn keys_of(sample: &Sample, by: &[GroupBy]) -> Vec<GroupKey> {
    let mut keys: Vec<GroupKey> = vec![Vec::with_capacity(by.len())];
    let mut json_keys = sample.keys.iter();
    for part in by {
        let choices: Vec<KeyPart> = match part {
            GroupBy::Benchmark => vec![KeyPart::Benchmark(sample.benchmark_id)],
            GroupBy::Site => vec![KeyPart::Site(sample.site_id)],
            GroupBy::Flavor => vec![KeyPart::Flavor(sample.flavor_id)],
            GroupBy::Tag if sample.tags_ids.is_empty() => vec![KeyPart::Tag(None)],
            GroupBy::Tag => {
                let mut tags = sample.tags_ids.clone();
                tags.sort();
                tags.dedup();
                tags.into_iter().map(|t| KeyPart::Tag(Some(t))).collect()
            }
            GroupBy::Json(_) => {
                let value = json_keys.next().cloned().flatten().unwrap_or(Value::Null);
                vec![KeyPart::Json(value.to_string())]
            }
        };
        keys = keys
            .into_iter()
            .flat_map(|key| {
                choices.iter().map(move |choice| {
                    let mut longer = key.clone();
                    longer.push(choice.clone());
                    longer
                })
            })
            .collect();
    }
    keys
}

/// PostgreSQL's jsonb order across types: null < string < number < boolean < array < object.
pub(crate) fn type_rank(value: &Value) -> u8 {
    match value {
        Value::Null => 0,
        Value::String(_) => 1,
        Value::Number(_) => 2,
        Value::Bool(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
    }
}

/// The order of JSON group values: by type in jsonb's order, then strings byte-wise, numbers
/// numerically, `false` before `true`, arrays and objects by their canonical text.
pub fn compare_json(a: &Value, b: &Value) -> Ordering {
    type_rank(a).cmp(&type_rank(b)).then_with(|| match (a, b) {
        (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Number(x), Value::Number(y)) => {
            x.as_f64().unwrap_or(0.0).total_cmp(&y.as_f64().unwrap_or(0.0))
        }
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => a.to_string().cmp(&b.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::statistics::SampleRun;

    fn sample(value: Option<f64>, tags: &[Uuid], key: Option<Value>) -> Sample {
        Sample {
            benchmark_id: Uuid::nil(),
            site_id: Uuid::nil(),
            flavor_id: Uuid::nil(),
            tags_ids: tags.to_vec(),
            value,
            keys: vec![key],
        }
    }

    #[test]
    fn several_tags_count_in_each_and_skipped_results_once() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let by = [GroupBy::Tag, GroupBy::Json(vec!["arch".into()])];
        let grouped = group_samples(
            vec![
                sample(Some(1.0), &[a, b], Some(json!("x86"))),
                sample(Some(2.0), &[], None),
                sample(Some(3.0), &[a], Some(Value::Null)),
                sample(None, &[a, b], Some(json!("x86"))),
            ],
            &by,
        );
        assert_eq!(grouped.skipped, 1);
        let x86 = KeyPart::Json("\"x86\"".into());
        let null = KeyPart::Json("null".into());
        assert_eq!(grouped.groups[&vec![KeyPart::Tag(Some(a)), x86.clone()]], vec![1.0]);
        assert_eq!(grouped.groups[&vec![KeyPart::Tag(Some(b)), x86]], vec![1.0]);
        assert_eq!(grouped.groups[&vec![KeyPart::Tag(None), null.clone()]], vec![2.0]);
        assert_eq!(grouped.groups[&vec![KeyPart::Tag(Some(a)), null]], vec![3.0]);
        assert_eq!(grouped.groups.len(), 4);
    }

    #[test]
    fn no_group_by_is_one_group() {
        let grouped = group_samples(vec![sample(Some(1.0), &[], None), sample(Some(2.0), &[], None)], &[]);
        assert_eq!(grouped.groups[&Vec::new()], vec![1.0, 2.0]);
    }

    #[test]
    fn runs_join_their_context_group_and_precounted_skips_add_up() {
        let (small, large) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let run = |flavor_id, values: &[f64]| SampleRun {
            benchmark_id: Uuid::nil(),
            site_id: Uuid::nil(),
            flavor_id,
            values: values.to_vec(),
        };
        let mut one = sample(Some(7.0), &[], None);
        one.flavor_id = small;
        let samples = Samples {
            each: vec![one, sample(None, &[], None)],
            runs: vec![run(small, &[1.0, 2.0]), run(large, &[3.0]), run(small, &[4.0])],
            skipped: 5,
        };
        let grouped = group_samples(samples, &[GroupBy::Flavor]);
        assert_eq!(grouped.skipped, 6);
        assert_eq!(grouped.groups[&vec![KeyPart::Flavor(small)]], vec![1.0, 2.0, 4.0, 7.0]);
        assert_eq!(grouped.groups[&vec![KeyPart::Flavor(large)]], vec![3.0]);
        assert_eq!(grouped.groups.len(), 2);
    }

    #[test]
    fn json_values_order_like_jsonb() {
        let mut values =
            vec![json!(true), json!(2), json!("b"), Value::Null, json!(10), json!("a"), json!([1])];
        values.sort_by(compare_json);
        assert_eq!(
            values,
            vec![Value::Null, json!("a"), json!("b"), json!(2), json!(10), json!(true), json!([1])]
        );
    }
}
