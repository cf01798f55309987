//! The hot standby for list reads: `DATABASE_READ_URL`, `DATABASE_READ_MAX_LAG_SECONDS` and
//! `READ_YOUR_WRITES_SECONDS`.

use std::time::Duration;

use infra::{DbConfig, read_pools::StandbyConfig};

use super::{ConfigError, bad, read, seconds};

/// How reads use a PostgreSQL hot standby.
#[derive(Debug, Clone)]
pub struct ReadReplica {
    /// The standby's pool (the primary's pool size and timeouts).
    pub database: DbConfig,
    /// When it serves reads.
    pub standby: StandbyConfig,
    /// How long a client that wrote reads from the primary.
    pub read_your_writes: Duration,
}

impl ReadReplica {
    /// Default of [`Self::read_your_writes`].
    pub const DEFAULT_READ_YOUR_WRITES: Duration = Duration::from_secs(5);
}

/// `DATABASE_READ_URL` and its settings; `None` when unset. The primary must be PostgreSQL.
pub(super) fn read_replica(
    env: &dyn Fn(&str) -> Option<String>,
    primary: &DbConfig,
) -> Result<Option<ReadReplica>, ConfigError> {
    let Some(url) = read(env, "DATABASE_READ_URL")?.filter(|u| !u.is_empty()) else { return Ok(None) };
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(bad("DATABASE_READ_URL", "must start with postgres:// or postgresql://"));
    }
    if primary.is_sqlite() {
        return Err(bad("DATABASE_READ_URL", "needs a PostgreSQL primary (DATABASE_URL)"));
    }
    let database = DbConfig { url, ..primary.clone() };
    let max_lag =
        seconds(env, "DATABASE_READ_MAX_LAG_SECONDS", StandbyConfig::DEFAULT_MAX_LAG, Duration::ZERO)?;
    let read_your_writes =
        seconds(env, "READ_YOUR_WRITES_SECONDS", ReadReplica::DEFAULT_READ_YOUR_WRITES, Duration::ZERO)?;
    Ok(Some(ReadReplica { database, standby: StandbyConfig { max_lag }, read_your_writes }))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::super::Settings;
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        Settings::from_lookup(&move |k| map.get(k).cloned())
    }

    const PRIMARY: (&str, &str) = ("DATABASE_URL", "postgres://u@primary/perf");

    #[test]
    fn a_standby_is_optional_with_defaults() {
        assert!(settings(&[PRIMARY]).unwrap().read_replica.is_none());
        let s = settings(&[PRIMARY, ("DATABASE_READ_URL", "postgres://u@standby/perf")]).unwrap();
        let replica = s.read_replica.unwrap();
        assert_eq!(replica.database.url, "postgres://u@standby/perf");
        assert_eq!(replica.standby.max_lag, StandbyConfig::DEFAULT_MAX_LAG);
        assert_eq!(replica.read_your_writes, Duration::from_secs(5));
        let s = settings(&[
            PRIMARY,
            ("DATABASE_READ_URL", "postgres://u@standby/perf"),
            ("DATABASE_READ_MAX_LAG_SECONDS", "2.5"),
            ("READ_YOUR_WRITES_SECONDS", "10"),
        ])
        .unwrap();
        let replica = s.read_replica.unwrap();
        assert_eq!(
            (replica.standby.max_lag, replica.read_your_writes),
            (Duration::from_millis(2500), Duration::from_secs(10))
        );
    }

    #[test]
    fn bad_standby_settings_name_the_variable() {
        let standby = ("DATABASE_READ_URL", "postgres://u@standby/perf");
        for (vars, variable) in [
            (vec![PRIMARY, ("DATABASE_READ_URL", "sqlite://x.db")], "DATABASE_READ_URL"),
            (vec![("DATABASE_READ_URL", "postgres://u@standby/perf")], "DATABASE_READ_URL"),
            (vec![PRIMARY, standby, ("DATABASE_READ_MAX_LAG_SECONDS", "0")], "DATABASE_READ_MAX_LAG_SECONDS"),
            (vec![PRIMARY, standby, ("READ_YOUR_WRITES_SECONDS", "x")], "READ_YOUR_WRITES_SECONDS"),
        ] {
            assert_eq!(settings(&vars).unwrap_err().variable, variable, "{vars:?}");
        }
    }
}
