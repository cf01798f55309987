//! Every migration runs up, down and up again on both backends.

use eosc_perf_tests::{Backend, TestDb};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database};

async fn up_down_up(db: TestDb) {
    let conn = Database::connect(&db.url).await.expect("connect");
    Migrator::up(&conn, None).await.expect("up");
    let tables = [
        "user",
        "tag",
        "benchmark",
        "site",
        "flavor",
        "result",
        "result_tag",
        "claim",
        "submit",
        "mail_outbox",
        "change_counter",
    ];
    for t in tables {
        conn.execute_unprepared(&format!("SELECT COUNT(*) FROM \"{t}\""))
            .await
            .unwrap_or_else(|e| panic!("table {t}: {e}"));
    }
    Migrator::down(&conn, None).await.expect("down");
    for t in tables {
        assert!(
            conn.execute_unprepared(&format!("SELECT COUNT(*) FROM \"{t}\"")).await.is_err(),
            "{t} survived down"
        );
    }
    Migrator::up(&conn, None).await.expect("up again");
    assert_eq!(Migrator::get_pending_migrations(&conn).await.expect("pending").len(), 0);
    conn.close().await.ok();
    let _ = db.backend;
}

#[tokio::test]
async fn migrations_run_up_down_up_on_sqlite() {
    up_down_up(TestDb::sqlite()).await;
}

#[tokio::test]
async fn migrations_run_up_down_up_on_postgres() {
    if let Some(db) = TestDb::postgres().await {
        assert_eq!(db.backend, Backend::Postgres);
        up_down_up(db).await;
    }
}
