//! An original deployment's database (eosc-perf-backend 1.2.3 at its latest Alembic revision)
//! on the tests' PostgreSQL server, built from `tests/fixtures/original/` for the import tests.

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};

use crate::db::TestDb;

const SCHEMA: &str = include_str!("../fixtures/original/schema-112055db4eff.sql");
const ROWS: &str = include_str!("../fixtures/original/rows.sql");

/// The original's tables, for [`OriginalDeployment::fingerprint`].
const TABLES: [&str; 10] = [
    "alembic_version",
    "submit",
    "tag",
    "\"user\"",
    "benchmark",
    "claim",
    "site",
    "flavor",
    "result",
    "result_tags",
];

/// A filled original database; dropped with the value.
pub struct OriginalDeployment {
    /// Its URL (superuser: the import must restrict itself).
    pub url: String,
    conn: DatabaseConnection,
    _db: TestDb,
}

impl OriginalDeployment {
    /// Builds the schema and fills it with the fixture rows, their users at `issuer`; `None`
    /// when there is no PostgreSQL server (the case is reported as skipped).
    ///
    /// # Panics
    /// When the database cannot be built.
    pub async fn start(issuer: &str) -> Option<Self> {
        let db = TestDb::empty_postgres().await?;
        let conn = Database::connect(&db.url).await.expect("connect to the original's database");
        conn.execute_unprepared(SCHEMA).await.expect("original schema");
        conn.execute_unprepared(&ROWS.replace("__ISSUER__", issuer)).await.expect("original rows");
        Some(Self { url: db.url.clone(), conn, _db: db })
    }

    /// Runs `sql` on the original.
    ///
    /// # Panics
    /// When it fails.
    pub async fn execute(&self, sql: &str) {
        self.conn.execute_unprepared(sql).await.expect("statement on the original");
    }

    /// A digest of every row of every table: equal digests, equal contents.
    ///
    /// # Panics
    /// When the query fails.
    pub async fn fingerprint(&self) -> String {
        let mut digests = Vec::new();
        for table in TABLES {
            let sql = format!(
                "SELECT COALESCE(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS digest FROM {table} t"
            );
            let row = self
                .conn
                .query_one_raw(Statement::from_string(self.conn.get_database_backend(), sql))
                .await
                .expect("digest")
                .expect("one row");
            digests.push(row.try_get::<String>("", "digest").expect("digest column"));
        }
        digests.join(",")
    }
}
