//! A fresh database per test: a SQLite file in the temp directory, or a PostgreSQL database
//! `eosc_perf_test_<uuid>` created from `TEST_DATABASE_URL` and dropped afterwards (unless
//! `KEEP_TEST_DB` is set).

use sea_orm::{ConnectionTrait, Database};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite file.
    Sqlite,
    /// PostgreSQL from `TEST_DATABASE_URL`.
    Postgres,
}

/// A database that exists for one test.
pub struct TestDb {
    /// Connection URL for the server under test.
    pub url: String,
    /// Backend.
    pub backend: Backend,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

fn postgres_required() -> bool {
    std::env::var("REQUIRE_POSTGRES").is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

impl TestDb {
    /// A new SQLite file.
    pub fn sqlite() -> Self {
        let path = std::env::temp_dir().join(format!("eosc-perf-test-{}.db", uuid::Uuid::new_v4().simple()));
        Self {
            url: format!("sqlite://{}?mode=rwc", path.display()),
            backend: Backend::Sqlite,
            cleanup: Cleanup::File(path),
        }
    }

    /// A new PostgreSQL database, or `None` (with a notice) when `TEST_DATABASE_URL` is unset.
    ///
    /// # Panics
    /// When PostgreSQL is required (`REQUIRE_POSTGRES=1`) but not configured or reachable.
    pub async fn postgres() -> Option<Self> {
        let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
            assert!(!postgres_required(), "REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set");
            eprintln!("TEST_DATABASE_URL unset: skipping the PostgreSQL case");
            return None;
        };
        let name = format!("eosc_perf_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(&admin_url).await.expect("connect to TEST_DATABASE_URL");
        admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
        admin.close().await.ok();
        let url = replace_db_name(&admin_url, &name);
        Some(Self { url, backend: Backend::Postgres, cleanup: Cleanup::Postgres { admin_url, name } })
    }
}

/// Swaps the database name of a PostgreSQL URL.
fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let cut = base.rfind('/').filter(|i| *i > "postgres://".len()).unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..cut], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if std::env::var("KEEP_TEST_DB").is_ok() {
            return;
        }
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime: use a thread with its own runtime.
                let _ = std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                        return;
                    };
                    rt.block_on(async move {
                        if let Ok(admin) = Database::connect(&admin_url).await {
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                                ))
                                .await;
                            admin.close().await.ok();
                        }
                    });
                })
                .join();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_names_are_swapped() {
        assert_eq!(super::replace_db_name("postgres://u@h:5432/test", "x"), "postgres://u@h:5432/x");
        assert_eq!(
            super::replace_db_name("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
    }
}
