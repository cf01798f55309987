//! Request limits from the environment (`MAX_*`), each with its documented default.

use api::{
    limits::{DEEPEST_PARSABLE_DEPTH, RequestLimits},
    ratelimit::{Rate, RateLimitConfig},
};

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

/// A bucket from `<prefix>_PER_MINUTE` and `<prefix>_BURST`.
fn rate(
    env: &dyn Fn(&str) -> Option<String>,
    (per_minute, burst): (&'static str, &'static str),
    default: Rate,
) -> Result<Rate, ConfigError> {
    let nonzero = |name: &'static str, default: std::num::NonZeroU32| -> Result<_, ConfigError> {
        let value = positive(env, name, default.get() as usize)?;
        u32::try_from(value).ok().and_then(std::num::NonZeroU32::new).ok_or_else(|| bad(name, "too large"))
    };
    Ok(Rate { per_minute: nonzero(per_minute, default.per_minute)?, burst: nonzero(burst, default.burst)? })
}

/// `RATE_LIMITS` (on or off), the `RATE_LIMIT_{READ,WRITE,FAILED_AUTH}_{PER_MINUTE,BURST}`
/// buckets and `TRUSTED_PROXIES` (comma-separated addresses or CIDR networks).
///
/// # Errors
/// The first value that is not on/off, a positive integer, or an address or network.
pub fn rate_limits(env: &dyn Fn(&str) -> Option<String>) -> Result<RateLimitConfig, ConfigError> {
    let enabled = match read(env, "RATE_LIMITS")?.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("" | "on" | "true" | "1" | "yes") => true,
        Some("off" | "false" | "0" | "no") => false,
        Some(other) => return Err(bad("RATE_LIMITS", format!("{other:?} is neither on nor off"))),
    };
    let trusted_proxies = read(env, "TRUSTED_PROXIES")?
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse::<ipnet::IpNet>()
                .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| bad("TRUSTED_PROXIES", format!("{entry:?} is not an address or CIDR network")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RateLimitConfig {
        enabled,
        read: rate(
            env,
            ("RATE_LIMIT_READ_PER_MINUTE", "RATE_LIMIT_READ_BURST"),
            RateLimitConfig::DEFAULT_READ,
        )?,
        write: rate(
            env,
            ("RATE_LIMIT_WRITE_PER_MINUTE", "RATE_LIMIT_WRITE_BURST"),
            RateLimitConfig::DEFAULT_WRITE,
        )?,
        failed_auth: rate(
            env,
            ("RATE_LIMIT_FAILED_AUTH_PER_MINUTE", "RATE_LIMIT_FAILED_AUTH_BURST"),
            RateLimitConfig::DEFAULT_FAILED_AUTH,
        )?,
        trusted_proxies,
    })
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

    fn rates(vars: &[(&str, &str)]) -> Result<RateLimitConfig, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        rate_limits(&move |k| map.get(k).cloned())
    }

    #[test]
    fn rate_limits_default_on_and_bad_values_name_their_variable() {
        assert_eq!(rates(&[]).unwrap(), RateLimitConfig::default());
        let set = rates(&[
            ("RATE_LIMITS", "off"),
            ("RATE_LIMIT_READ_BURST", "5"),
            ("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1"),
        ])
        .unwrap();
        assert_eq!((set.enabled, set.read.burst.get(), set.trusted_proxies.len()), (false, 5, 2));
        for (name, value) in [
            ("RATE_LIMITS", "maybe"),
            ("RATE_LIMIT_WRITE_PER_MINUTE", "0"),
            ("RATE_LIMIT_FAILED_AUTH_BURST", "99999999999"),
            ("TRUSTED_PROXIES", "proxy.local"),
        ] {
            assert_eq!(rates(&[(name, value)]).unwrap_err().variable, name, "{name}={value}");
        }
    }
}
