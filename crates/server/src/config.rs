//! Settings from the environment, with the original's variable names. The only place that
//! reads the environment. Every variable may also come from a file named by `NAME_FILE`.

use std::{fmt, time::Duration};

use api::{HttpConfig, caching::ResponseCache, protection::ProtectionLevel};
use auth::OidcConfig;
use infra::{DbConfig, config::ResultCacheConfig, outbox::MailConfig, registry::RegistryConfig};

use crate::telemetry::LogFormat;

mod oidc;
mod replica;

pub use replica::ReadReplica;

/// The default trusted issuers of the original (EGI Check-in).
pub const DEFAULT_TRUSTED_OPS: &str =
    "https://aai.egi.eu/oidc,https://aai-demo.egi.eu/auth/realms/egi,https://aai-dev.egi.eu/auth/realms/egi";

/// A setting that cannot be used; the message names the variable.
#[derive(Debug, thiserror::Error)]
#[error("configuration error: {variable}: {reason}")]
pub struct ConfigError {
    /// The environment variable.
    pub variable: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

pub(crate) fn bad(variable: &'static str, reason: impl fmt::Display) -> ConfigError {
    ConfigError { variable, reason: reason.to_string() }
}

/// Everything the server needs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Listen address.
    pub bind: String,
    /// Database.
    pub database: DbConfig,
    /// `DATABASE_READ_URL`: a hot standby for list reads.
    pub read_replica: Option<ReadReplica>,
    /// OIDC providers.
    pub oidc: OidcConfig,
    /// Entitlements that make a registered user admin; empty means nobody (Q12).
    pub admin_entitlements: Vec<String>,
    /// SMTP delivery.
    pub mail: MailConfig,
    /// `MAIL_SUPPORT`.
    pub mail_support: String,
    /// HTTP options.
    pub http: HttpConfig,
    /// Container image check; `None` when `IMAGE_CHECK=off`.
    pub registry: Option<RegistryConfig>,
    /// `METRICS_BIND`: serve `/metrics` there instead of on the main address.
    pub metrics_bind: Option<String>,
    /// `LOG_FORMAT`.
    pub log_format: LogFormat,
}

/// Reads a variable, or the content of the file named by `NAME_FILE`.
pub(crate) fn read(
    env: &dyn Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<Option<String>, ConfigError> {
    if let Some(path) = env(&format!("{name}_FILE")).filter(|p| !p.is_empty()) {
        let content =
            std::fs::read_to_string(&path).map_err(|e| bad(name, format!("{name}_FILE {path}: {e}")))?;
        return Ok(Some(content.trim_end_matches(['\n', '\r']).to_owned()));
    }
    Ok(env(name))
}

/// Comma-separated, no trimming (as the original); empty gives an empty list.
fn list(value: &str) -> Vec<String> {
    if value.is_empty() { Vec::new() } else { value.split(',').map(str::to_owned).collect() }
}

impl Settings {
    /// From the process environment.
    ///
    /// # Errors
    /// The first unusable variable.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(&|name| std::env::var(name).ok())
    }

    /// From any variable lookup (tests pass a map).
    ///
    /// # Errors
    /// The first unusable variable.
    pub fn from_lookup(env: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let bind = bind_address(env)?;
        let mut database = DbConfig::new(database_url(env)?);
        database.max_connections =
            match count(env, "DATABASE_MAX_CONNECTIONS", DbConfig::DEFAULT_MAX_CONNECTIONS)? {
                n @ 1..=1_000 => n as u32,
                n => return Err(bad("DATABASE_MAX_CONNECTIONS", format!("{n} is not from 1 to 1000"))),
            };
        database.result_cache = ResultCacheConfig {
            results: count(env, "RESULT_CACHE_RESULTS", ResultCacheConfig::DEFAULT_RESULTS)?,
            totals: count(env, "RESULT_CACHE_TOTALS", ResultCacheConfig::DEFAULT_TOTALS)?,
        };
        let read_replica = replica::read_replica(env, &database)?;
        let oidc = oidc::oidc_from_env(env)?;
        let admin_entitlements = list(&read(env, "ADMIN_ENTITLEMENTS")?.unwrap_or_default());
        let port = match read(env, "MAIL_PORT")?.filter(|p| !p.is_empty()) {
            Some(p) => p.parse::<u16>().map_err(|e| bad("MAIL_PORT", e))?,
            None => 25,
        };
        let from =
            read(env, "MAIL_FROM")?.filter(|f| !f.is_empty()).unwrap_or_else(|| "eosc-perf@localhost".into());
        if !infra::outbox::is_valid_address(&from) {
            return Err(bad("MAIL_FROM", format!("{from:?} is not an e-mail address")));
        }
        let mail = MailConfig {
            server: read(env, "MAIL_SERVER")?.filter(|s| !s.is_empty()),
            port,
            from,
            concurrency: mail_concurrency(env)?,
            poll_interval: seconds(
                env,
                "MAIL_POLL_SECONDS",
                MailConfig::DEFAULT_POLL_INTERVAL,
                Duration::ZERO,
            )?,
            lease: seconds(env, "MAIL_LEASE_SECONDS", MailConfig::DEFAULT_LEASE, MailConfig::MIN_LEASE)?,
            ..MailConfig::default()
        };
        let backend_route =
            read(env, "BACKEND_ROUTE")?.filter(|r| !r.is_empty()).unwrap_or_else(|| "/".into());
        let cors_origin = read(env, "CORS_ALLOW_ORIGIN")?.filter(|o| !o.is_empty());
        let registry = match read(env, "IMAGE_CHECK")?.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("off" | "false" | "0" | "no") => None,
            None | Some("" | "on" | "true" | "1" | "yes") => {
                let url = read(env, "IMAGE_REGISTRY_URL")?.filter(|u| !u.is_empty());
                let config = RegistryConfig::new(url).map_err(|e| bad("IMAGE_REGISTRY_URL", e))?;
                match read(env, "IMAGE_REGISTRIES")?.filter(|r| !r.is_empty()) {
                    Some(list) => {
                        Some(config.with_allowed_registries(&list).map_err(|e| bad("IMAGE_REGISTRIES", e))?)
                    }
                    None => Some(config),
                }
            }
            Some(other) => return Err(bad("IMAGE_CHECK", format!("{other:?} is neither on nor off"))),
        };
        Ok(Self {
            bind,
            database,
            read_replica,
            oidc,
            admin_entitlements,
            mail,
            mail_support: read(env, "MAIL_SUPPORT")?.unwrap_or_default(),
            http: HttpConfig {
                backend_route,
                cors_origin,
                limits: crate::limits::request_limits(env)?,
                response_cache_bytes: count(env, "RESPONSE_CACHE_BYTES", ResponseCache::DEFAULT_BYTES)?,
                rate_limits: crate::limits::rate_limits(env)?,
                protection: match read(env, "PROTECTION_LEVEL")?.filter(|v| !v.is_empty()) {
                    Some(level) => level.parse().map_err(|e| bad("PROTECTION_LEVEL", e))?,
                    None => ProtectionLevel::default(),
                },
            },
            registry,
            metrics_bind: read(env, "METRICS_BIND")?.filter(|b| !b.is_empty()),
            log_format: LogFormat::parse(&read(env, "LOG_FORMAT")?.unwrap_or_default())
                .map_err(|e| bad("LOG_FORMAT", e))?,
        })
    }

    /// Shortens retry waits (tests).
    pub fn with_fast_mail_retry(mut self) -> Self {
        self.mail.max_backoff = Duration::from_secs(1);
        self
    }
}

/// `BIND_ADDRESS`, default `127.0.0.1:5000`.
///
/// # Errors
/// When `BIND_ADDRESS_FILE` names an unreadable file.
pub fn bind_address(env: &dyn Fn(&str) -> Option<String>) -> Result<String, ConfigError> {
    Ok(read(env, "BIND_ADDRESS")?.filter(|b| !b.is_empty()).unwrap_or_else(|| "127.0.0.1:5000".into()))
}

/// `MAIL_CONCURRENCY`: mails sent at the same time, 1 to 256.
fn mail_concurrency(env: &dyn Fn(&str) -> Option<String>) -> Result<usize, ConfigError> {
    let Some(value) = read(env, "MAIL_CONCURRENCY")?.filter(|v| !v.is_empty()) else {
        return Ok(MailConfig::DEFAULT_CONCURRENCY);
    };
    match value.parse::<usize>() {
        Ok(n @ 1..=256) => Ok(n),
        Ok(n) => Err(bad("MAIL_CONCURRENCY", format!("{n} is not between 1 and 256"))),
        Err(e) => Err(bad("MAIL_CONCURRENCY", e)),
    }
}

/// A whole number, 0 included (cache sizes), at most a billion.
fn count(env: &dyn Fn(&str) -> Option<String>, name: &'static str, default: u64) -> Result<u64, ConfigError> {
    let Some(value) = read(env, name)?.filter(|v| !v.is_empty()) else { return Ok(default) };
    match value.parse::<u64>() {
        Ok(n) if n <= 1_000_000_000 => Ok(n),
        _ => Err(bad(name, format!("{value:?} is not a whole number from 0 to 1000000000"))),
    }
}

/// A duration in seconds (fractions allowed): positive, at least `min`, at most a day.
pub(crate) fn seconds(
    env: &dyn Fn(&str) -> Option<String>,
    name: &'static str,
    default: Duration,
    min: Duration,
) -> Result<Duration, ConfigError> {
    let Some(value) = read(env, name)?.filter(|v| !v.is_empty()) else { return Ok(default) };
    let secs = value.parse::<f64>().map_err(|e| bad(name, e))?;
    let Some(duration) = Duration::try_from_secs_f64(secs).ok().filter(|d| !d.is_zero() && *d >= min) else {
        let at_least =
            if min.is_zero() { "above 0".to_owned() } else { format!("at least {}", min.as_secs()) };
        return Err(bad(name, format!("{value:?} is not a number of seconds {at_least}")));
    };
    if duration > Duration::from_secs(86_400) {
        return Err(bad(name, format!("{value:?} is more than a day")));
    }
    Ok(duration)
}

/// `DATABASE_URL`, else a PostgreSQL URL from `DB_*` when `DB_HOST` is set, else SQLite.
fn database_url(env: &dyn Fn(&str) -> Option<String>) -> Result<String, ConfigError> {
    if let Some(url) = read(env, "DATABASE_URL")?.filter(|u| !u.is_empty()) {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://") || url.starts_with("sqlite:"))
        {
            return Err(bad("DATABASE_URL", "must start with postgres://, postgresql:// or sqlite:"));
        }
        return Ok(url);
    }
    let Some(host) = read(env, "DB_HOST")?.filter(|h| !h.is_empty()) else {
        return Ok(DbConfig::DEFAULT_URL.into());
    };
    let user = read(env, "DB_USER")?
        .filter(|u| !u.is_empty())
        .ok_or_else(|| bad("DB_USER", "required with DB_HOST"))?;
    let password = read(env, "DB_PASSWORD")?.unwrap_or_default();
    let port = read(env, "DB_PORT")?.filter(|p| !p.is_empty()).unwrap_or_else(|| "5432".into());
    port.parse::<u16>().map_err(|e| bad("DB_PORT", e))?;
    let name = read(env, "DB_NAME")?
        .filter(|n| !n.is_empty())
        .ok_or_else(|| bad("DB_NAME", "required with DB_HOST"))?;
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let credentials =
        if password.is_empty() { enc(&user) } else { format!("{}:{}", enc(&user), enc(&password)) };
    Ok(format!("postgres://{credentials}@{host}:{port}/{name}"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        Settings::from_lookup(&move |k| map.get(k).cloned())
    }

    #[test]
    fn nothing_set_runs_on_sqlite_with_nobody_admin() {
        let s = settings(&[]).unwrap();
        assert!(s.database.is_sqlite());
        assert!(s.admin_entitlements.is_empty());
        assert_eq!(s.bind, "127.0.0.1:5000");
    }

    #[test]
    fn db_parts_build_a_postgres_url_and_bad_values_name_the_variable() {
        let s =
            settings(&[("DB_HOST", "db"), ("DB_USER", "u"), ("DB_PASSWORD", "p@ss"), ("DB_NAME", "perf")])
                .unwrap();
        assert_eq!(s.database.url, "postgres://u:p%40ss@db:5432/perf");
        assert_eq!(settings(&[("MAIL_PORT", "x")]).unwrap_err().variable, "MAIL_PORT");
        assert_eq!(
            settings(&[("TRUSTED_OP_LIST", "http://op.example")]).unwrap_err().variable,
            "TRUSTED_OP_LIST"
        );
        assert_eq!(settings(&[("IMAGE_CHECK", "maybe")]).unwrap_err().variable, "IMAGE_CHECK");
        assert_eq!(
            settings(&[("IMAGE_REGISTRIES", "https://x.org")]).unwrap_err().variable,
            "IMAGE_REGISTRIES"
        );
        assert_eq!(settings(&[("DB_HOST", "db")]).unwrap_err().variable, "DB_USER");
    }

    #[test]
    fn mail_delivery_settings_have_defaults_and_bounds() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.mail.concurrency, MailConfig::DEFAULT_CONCURRENCY);
        assert_eq!(s.mail.poll_interval, MailConfig::DEFAULT_POLL_INTERVAL);
        assert_eq!(s.mail.lease, MailConfig::DEFAULT_LEASE);
        let s = settings(&[
            ("MAIL_CONCURRENCY", "16"),
            ("MAIL_POLL_SECONDS", "0.25"),
            ("MAIL_LEASE_SECONDS", "120"),
        ])
        .unwrap();
        assert_eq!(
            (s.mail.concurrency, s.mail.poll_interval, s.mail.lease),
            (16, Duration::from_millis(250), Duration::from_secs(120))
        );
        for (name, value) in [
            ("MAIL_CONCURRENCY", "0"),
            ("MAIL_CONCURRENCY", "1000"),
            ("MAIL_CONCURRENCY", "x"),
            ("MAIL_POLL_SECONDS", "0"),
            ("MAIL_POLL_SECONDS", "-1"),
            ("MAIL_POLL_SECONDS", "NaN"),
            ("MAIL_POLL_SECONDS", "1e9"),
            ("MAIL_LEASE_SECONDS", "5"),
        ] {
            assert_eq!(settings(&[(name, value)]).unwrap_err().variable, name, "{name}={value}");
        }
    }

    #[test]
    fn result_cache_bounds_have_defaults_and_accept_zero() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.database.result_cache, ResultCacheConfig { results: 1_000, totals: 4_096 });
        let s = settings(&[("RESULT_CACHE_RESULTS", "0"), ("RESULT_CACHE_TOTALS", "10")]).unwrap();
        assert_eq!(s.database.result_cache, ResultCacheConfig { results: 0, totals: 10 });
        for (name, value) in
            [("RESULT_CACHE_RESULTS", "-1"), ("RESULT_CACHE_RESULTS", "x"), ("RESULT_CACHE_TOTALS", "1e12")]
        {
            assert_eq!(settings(&[(name, value)]).unwrap_err().variable, name, "{name}={value}");
        }
    }

    #[test]
    fn the_pool_size_has_a_default_and_bounds() {
        assert_eq!(settings(&[]).unwrap().database.max_connections, DbConfig::DEFAULT_MAX_CONNECTIONS as u32);
        let s = settings(&[("DATABASE_MAX_CONNECTIONS", "4")]).unwrap();
        assert_eq!(s.database.max_connections, 4);
        for value in ["0", "1001", "x", "-2"] {
            let error = settings(&[("DATABASE_MAX_CONNECTIONS", value)]).unwrap_err();
            assert_eq!(error.variable, "DATABASE_MAX_CONNECTIONS", "{value}");
        }
    }

    #[test]
    fn metrics_address_and_log_format_are_optional_and_checked() {
        let s = settings(&[]).unwrap();
        assert_eq!((s.metrics_bind, s.log_format), (None, LogFormat::Text));
        let s = settings(&[("METRICS_BIND", "0.0.0.0:9100"), ("LOG_FORMAT", "json")]).unwrap();
        assert_eq!((s.metrics_bind.as_deref(), s.log_format), (Some("0.0.0.0:9100"), LogFormat::Json));
        assert_eq!(settings(&[("LOG_FORMAT", "xml")]).unwrap_err().variable, "LOG_FORMAT");
    }

    #[test]
    fn the_response_cache_bound_has_a_default_and_accepts_zero() {
        assert_eq!(settings(&[]).unwrap().http.response_cache_bytes, ResponseCache::DEFAULT_BYTES);
        let s = settings(&[("RESPONSE_CACHE_BYTES", "0")]).unwrap();
        assert_eq!(s.http.response_cache_bytes, 0);
        for value in ["-1", "64M", "1e12"] {
            let error = settings(&[("RESPONSE_CACHE_BYTES", value)]).unwrap_err();
            assert_eq!(error.variable, "RESPONSE_CACHE_BYTES", "{value}");
        }
    }

    #[test]
    fn the_protection_level_defaults_to_writeonly_and_is_checked() {
        assert_eq!(settings(&[]).unwrap().http.protection, ProtectionLevel::WriteOnly);
        let s = settings(&[("PROTECTION_LEVEL", "all")]).unwrap();
        assert_eq!(s.http.protection, ProtectionLevel::All);
        let error = settings(&[("PROTECTION_LEVEL", "private")]).unwrap_err();
        assert_eq!(error.variable, "PROTECTION_LEVEL");
        assert_eq!(
            error.to_string(),
            "configuration error: PROTECTION_LEVEL: \"private\" is neither WRITEONLY nor ALL"
        );
    }

    #[test]
    fn lists_are_not_trimmed() {
        let s = settings(&[("ADMIN_ENTITLEMENTS", "a, b")]).unwrap();
        assert_eq!(s.admin_entitlements, vec!["a".to_string(), " b".to_string()]);
    }
}
