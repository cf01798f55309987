//! A fresh database per test: a SQLite file in the temp directory, or a PostgreSQL database
//! `eosc_perf_test_<uuid>` created from a migrated template and dropped afterwards (unless
//! `KEEP_TEST_DB` is set).
//!
//! The PostgreSQL server is `TEST_DATABASE_URL`'s; else a throw-away one started for the run
//! and shared by the test processes running meanwhile (a `postgres:15` container when a Docker
//! engine answers, else a local `initdb` cluster), removed after the last of them exits; else
//! none, and each PostgreSQL case is reported as skipped on stderr, with a count once the test
//! binary has exited. The README's Test section describes it for people.

use sea_orm::{ConnectionTrait, Database};

mod after_exit;
mod docker;
mod local;
mod server;
mod shared;
mod skip;
mod standby;

pub use standby::StreamingStandby;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite file.
    Sqlite,
    /// PostgreSQL: `TEST_DATABASE_URL`'s server or a throw-away one.
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
    /// Someone else's database (a [`StreamingStandby`]'s): nothing to remove.
    Nothing,
    File(std::path::PathBuf),
    Postgres {
        admin_url: String,
        name: String,
    },
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

    /// A new PostgreSQL database, or `None` when there is no PostgreSQL server to use: the case
    /// is then reported as skipped on stderr and counted in the banner printed at exit.
    ///
    /// # Panics
    /// When PostgreSQL is required (`REQUIRE_POSTGRES=1`) but unavailable, when a throw-away
    /// server was due but did not start, or when the server refuses the database.
    pub async fn postgres() -> Option<Self> {
        let admin_url = admin_url_or_skip().await?;
        let template = TEMPLATE.get_or_init(|| migrated_template(&admin_url)).await;
        let name = format!("eosc_perf_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(&admin_url).await.expect("connect to the PostgreSQL server");
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""))
            .await
            .expect("create test database");
        admin.close().await.ok();
        let url = replace_db_name(&admin_url, &name);
        Some(Self { url, backend: Backend::Postgres, cleanup: Cleanup::Postgres { admin_url, name } })
    }
}

impl TestDb {
    /// A new, empty PostgreSQL database (no migrations: for a schema the test builds itself,
    /// such as an original deployment's), or `None` as for [`TestDb::postgres`].
    ///
    /// # Panics
    /// As [`TestDb::postgres`].
    pub async fn empty_postgres() -> Option<Self> {
        let admin_url = admin_url_or_skip().await?;
        let name = format!("eosc_perf_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Database::connect(&admin_url).await.expect("connect to the PostgreSQL server");
        admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
        admin.close().await.ok();
        let url = replace_db_name(&admin_url, &name);
        Some(Self { url, backend: Backend::Postgres, cleanup: Cleanup::Postgres { admin_url, name } })
    }
}

/// The server's superuser URL, or `None` after recording the case as skipped.
///
/// # Panics
/// When PostgreSQL is required (`REQUIRE_POSTGRES=1`) but unavailable.
async fn admin_url_or_skip() -> Option<String> {
    match server::admin_url().await {
        Ok(url) => Some(url),
        Err(reason) => {
            assert!(!postgres_required(), "REQUIRE_POSTGRES=1 but {reason}");
            skip::record(&reason);
            None
        }
    }
}

/// The superuser URL the PostgreSQL cases create their databases from (`TEST_DATABASE_URL` or
/// the throw-away server's, password included), for tests that administer the server (terminate
/// connections, forbid logins); `None` when PostgreSQL cases are skipped.
///
/// # Panics
/// When a throw-away server was due but did not start.
pub async fn postgres_admin_url() -> Option<String> {
    server::admin_url().await.ok()
}

/// The directory whose `initdb` and `pg_ctl` a throw-away local cluster is made with, if any:
/// `EOSC_PERF_TEST_PG_BIN`, else the newest `/usr/lib/postgresql/<version>/bin`, else `PATH`.
pub fn postgres_server_binaries() -> Option<std::path::PathBuf> {
    local::find_binaries().map(|binaries| binaries.dir().to_owned())
}

impl TestDb {
    /// An existing PostgreSQL database that outlives the test's use of it (nothing is removed).
    pub fn existing_postgres(url: String) -> Self {
        Self { url, backend: Backend::Postgres, cleanup: Cleanup::Nothing }
    }

    /// The PostgreSQL database name, if this is one.
    pub fn postgres_name(&self) -> Option<String> {
        match &self.cleanup {
            Cleanup::Postgres { name, .. } => Some(name.clone()),
            Cleanup::File(_) | Cleanup::Nothing => None,
        }
    }
}

/// The migrated template every PostgreSQL test database is copied from (copying is much faster
/// than migrating each one). Its name carries a hash of the migration list, so a new migration
/// gets a new template; it is built under a temporary name and renamed when complete.
static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

async fn migrated_template(admin_url: &str) -> String {
    use migration::MigratorTrait;
    let names: Vec<String> = migration::Migrator::migrations().iter().map(|m| m.name().to_owned()).collect();
    let hash = names
        .iter()
        .flat_map(|n| n.bytes())
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let name = format!("eosc_perf_template_{hash:016x}");
    let admin = Database::connect(admin_url).await.expect("connect to the PostgreSQL server");
    let exists = admin
        .query_one_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT 1 AS one FROM pg_database WHERE datname = '{name}'"),
        ))
        .await
        .expect("look up template")
        .is_some();
    if !exists {
        let building = format!("eosc_perf_template_tmp_{}", uuid::Uuid::new_v4().simple());
        admin.execute_unprepared(&format!("CREATE DATABASE \"{building}\"")).await.expect("create template");
        let conn =
            Database::connect(replace_db_name(admin_url, &building)).await.expect("connect to template");
        migration::Migrator::up(&conn, None).await.expect("migrate template");
        conn.close().await.ok();
        let renamed =
            admin.execute_unprepared(&format!("ALTER DATABASE \"{building}\" RENAME TO \"{name}\"")).await;
        if renamed.is_err() {
            // Another test process finished the same template first.
            let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{building}\"")).await;
        }
    }
    admin.close().await.ok();
    name
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
            Cleanup::Nothing => {}
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
