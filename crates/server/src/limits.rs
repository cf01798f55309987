//! Request limits from the environment (`MAX_*`), each with its documented default.

use api::limits::{DEEPEST_PARSABLE_DEPTH, RequestLimits};

use crate::config::{ConfigError, bad, read};

/// A positive integer setting, `default` when unset or empty.
fn positive(
    env: &dyn Fn(&str) -> Option<String>,
    name: &'static str,
    default: usize,
) -> Result<usize, ConfigError> {
    match read(env, name)?.filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => match v.trim().parse::<usize>() {
            Ok(0) => Err(bad(name, "must be at least 1")),
            Ok(n) => Ok(n),
            Err(e) => Err(bad(name, e)),
        },
    }
}

/// `MAX_TERMS`, `MAX_FILTERS`, `MAX_TAGS_IDS`, `MAX_LIST_VALUE_LENGTH`, `MAX_RESULT_BYTES`,
/// `MAX_RESULT_DEPTH` and `MAX_BODY_BYTES`.
///
/// # Errors
/// The first value that is not a positive integer, a depth past what the JSON parser accepts,
/// or a result size no body could reach.
pub fn request_limits(env: &dyn Fn(&str) -> Option<String>) -> Result<RequestLimits, ConfigError> {
    let defaults = RequestLimits::default();
    let limits = RequestLimits {
        max_terms: positive(env, "MAX_TERMS", defaults.max_terms)?,
        max_filters: positive(env, "MAX_FILTERS", defaults.max_filters)?,
        max_tags_ids: positive(env, "MAX_TAGS_IDS", defaults.max_tags_ids)?,
        max_value_chars: positive(env, "MAX_LIST_VALUE_LENGTH", defaults.max_value_chars)?,
        max_result_bytes: positive(env, "MAX_RESULT_BYTES", defaults.max_result_bytes)?,
        max_result_depth: positive(env, "MAX_RESULT_DEPTH", defaults.max_result_depth)?,
        max_body_bytes: positive(env, "MAX_BODY_BYTES", defaults.max_body_bytes)?,
    };
    if limits.max_result_depth > DEEPEST_PARSABLE_DEPTH {
        return Err(bad("MAX_RESULT_DEPTH", format!("at most {DEEPEST_PARSABLE_DEPTH}")));
    }
    if limits.max_result_bytes > limits.max_body_bytes {
        return Err(bad(
            "MAX_RESULT_BYTES",
            format!("larger than MAX_BODY_BYTES ({}), which every body must fit in", limits.max_body_bytes),
        ));
    }
    Ok(limits)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn limits(vars: &[(&str, &str)]) -> Result<RequestLimits, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        request_limits(&move |k| map.get(k).cloned())
    }

    #[test]
    fn unset_limits_take_the_defaults_and_bad_ones_name_their_variable() {
        assert_eq!(limits(&[]).unwrap(), RequestLimits::default());
        let set =
            limits(&[("MAX_TERMS", "4"), ("MAX_BODY_BYTES", "10"), ("MAX_RESULT_BYTES", "10")]).unwrap();
        assert_eq!((set.max_terms, set.max_body_bytes, set.max_result_bytes), (4, 10, 10));
        assert_eq!(limits(&[("MAX_FILTERS", "0")]).unwrap_err().variable, "MAX_FILTERS");
        assert_eq!(limits(&[("MAX_TAGS_IDS", "-1")]).unwrap_err().variable, "MAX_TAGS_IDS");
        assert_eq!(limits(&[("MAX_RESULT_DEPTH", "129")]).unwrap_err().variable, "MAX_RESULT_DEPTH");
        assert_eq!(limits(&[("MAX_BODY_BYTES", "1000")]).unwrap_err().variable, "MAX_RESULT_BYTES");
    }
}
