//! Database settings.

use std::{fmt, time::Duration};

/// Where the database is and how to pool connections to it.
#[derive(Clone)]
pub struct DbConfig {
    /// `postgres://…` or `sqlite://…`.
    pub url: String,
    /// Pool size.
    pub max_connections: u32,
    /// How long to wait for a connection before answering 503.
    pub connect_timeout: Duration,
    /// How much of the result lists each server keeps in memory.
    pub result_cache: ResultCacheConfig,
}

/// Bounds of the in-memory result list cache (`docs/performance.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResultCacheConfig {
    /// Results held over all cached pages (each about 5 KB of decoded document; the results of
    /// a benchmark share its schema); 0 caches no page.
    pub results: u64,
    /// List totals held; 0 caches none.
    pub totals: u64,
}

impl ResultCacheConfig {
    /// Default of [`Self::results`]: ten pages of 100, about 5 MB. The public lists are answered
    /// from the response cache in front of this one, so a page found here is rare (owner lists,
    /// another spelling of a cached query); 20 000 results held about 100 MB more at a million
    /// results (`docs/performance.md`, "1,000,000 results").
    pub const DEFAULT_RESULTS: u64 = 1_000;
    /// Default of [`Self::totals`].
    pub const DEFAULT_TOTALS: u64 = 4_096;
}

impl Default for ResultCacheConfig {
    fn default() -> Self {
        Self { results: Self::DEFAULT_RESULTS, totals: Self::DEFAULT_TOTALS }
    }
}

impl DbConfig {
    /// The embedded default: a SQLite file in the working directory.
    pub const DEFAULT_URL: &'static str = "sqlite://eosc-perf.db?mode=rwc";

    /// Default of [`Self::max_connections`].
    pub const DEFAULT_MAX_CONNECTIONS: u64 = 16;

    /// Settings for a URL with the default pool.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: Self::DEFAULT_MAX_CONNECTIONS as u32,
            connect_timeout: Duration::from_secs(5),
            result_cache: ResultCacheConfig::default(),
        }
    }

    /// Whether this is a SQLite database.
    pub fn is_sqlite(&self) -> bool {
        self.url.starts_with("sqlite:")
    }

    /// Whether the URL names a PostgreSQL server on this host (`localhost`, `127.0.0.0/8`,
    /// `::1`) and sets no `sslmode`. The driver's default (`prefer`) would then encrypt a
    /// connection that never leaves the machine, which protects nothing and, measured, cut a
    /// million-row export from 82,000 to 18,000 rows/s (`docs/performance.md`); such
    /// connections go without TLS. An explicit `sslmode` is always obeyed.
    pub fn plain_loopback(&self) -> bool {
        let Ok(url) = url::Url::parse(&self.url) else { return false };
        let postgres = matches!(url.scheme(), "postgres" | "postgresql");
        let loopback = match url.host() {
            // Hosts of `postgres:` URLs are not parsed as addresses (not a special scheme).
            Some(url::Host::Domain(name)) => {
                name.eq_ignore_ascii_case("localhost")
                    || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
            }
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        };
        postgres && loopback && !url.query_pairs().any(|(key, _)| key == "sslmode")
    }
}

impl Default for DbConfig {
    fn default() -> Self {
        Self::new(Self::DEFAULT_URL)
    }
}

impl fmt::Debug for DbConfig {
    /// Redacts any password in the URL.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DbConfig")
            .field("url", &redact(&self.url))
            .field("max_connections", &self.max_connections)
            .field("result_cache", &self.result_cache)
            .finish()
    }
}

/// `scheme://user:secret@host` becomes `scheme://user:***@host`.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::DbConfig;

    #[test]
    fn only_loopback_postgres_without_an_sslmode_goes_without_tls() {
        for (url, plain) in [
            ("postgres://postgres@127.0.0.1:5432/db", true),
            ("postgresql://u:p@localhost/db?application_name=x", true),
            ("postgres://u@[::1]:5432/db", true),
            ("postgres://u@127.0.0.1/db?sslmode=require", false),
            ("postgres://u@db.example.org/db", false),
            ("postgres://u@10.0.0.5/db", false),
            ("postgres:///db?host=/var/run/postgresql", false),
            ("sqlite://x.db", false),
        ] {
            assert_eq!(DbConfig::new(url).plain_loopback(), plain, "{url}");
        }
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(super::redact("postgres://u:pw@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(super::redact("sqlite://x.db"), "sqlite://x.db");
    }
}
