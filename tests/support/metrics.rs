//! Reading `GET /metrics` answers (Prometheus text format) in tests: the value of one sample.

/// A sample: name, labels sorted by name, value.
pub type Sample = (String, Vec<(String, String)>, f64);

/// The samples of an exposition.
pub fn samples(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let (series, value) = line.rsplit_once(' ')?;
            let value: f64 = value.parse().ok()?;
            let (name, labels) = match series.split_once('{') {
                Some((name, rest)) => (name, labels_of(rest.strip_suffix('}')?)),
                None => (series, Vec::new()),
            };
            Some((name.to_owned(), labels, value))
        })
        .collect()
}

/// `a="x",b="y"` (values without `",` inside, which is all these tests produce).
fn labels_of(text: &str) -> Vec<(String, String)> {
    let mut labels: Vec<(String, String)> = text
        .split("\",")
        .filter(|pair| !pair.is_empty())
        .filter_map(|pair| {
            let (key, value) = pair.split_once("=\"")?;
            Some((key.to_owned(), value.trim_end_matches('"').to_owned()))
        })
        .collect();
    labels.sort();
    labels
}

/// The value of the sample `name` whose labels include every pair of `labels`; `None` when
/// there is no such sample. Panics when several match (the test asked ambiguously).
pub fn value(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let matching: Vec<f64> = samples(text)
        .into_iter()
        .filter(|(n, have, _)| {
            n == name && labels.iter().all(|(k, v)| have.iter().any(|(hk, hv)| hk == k && hv == v))
        })
        .map(|(_, _, v)| v)
        .collect();
    assert!(matching.len() <= 1, "{name} {labels:?} matches {} samples", matching.len());
    matching.first().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_found_by_name_and_labels() {
        let text = "# HELP x y\n# TYPE x counter\nx{a=\"1\",route=\"/r/{id}\"} 3\nx{a=\"2\",route=\"/r/{id}\"} 4\ny 1.5\n";
        assert_eq!(value(text, "x", &[("a", "2")]), Some(4.0));
        assert_eq!(value(text, "x", &[("route", "/r/{id}"), ("a", "1")]), Some(3.0));
        assert_eq!(value(text, "y", &[]), Some(1.5));
        assert_eq!(value(text, "x", &[("a", "3")]), None);
    }
}
