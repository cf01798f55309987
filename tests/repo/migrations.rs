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

/// Replicas that start together (or a migration job racing a rollout) all migrate the same
/// empty database: each must succeed, and every migration is applied exactly once.
#[tokio::test]
async fn concurrent_migration_runs_apply_each_migration_once_on_postgres() {
    let Some(db) = TestDb::postgres().await else { return };
    let conn = Database::connect(&db.url).await.expect("connect");
    Migrator::reset(&conn).await.expect("reset to an empty schema");
    let runs = (0..4).map(|_| async {
        let replica = Database::connect(&db.url).await.expect("connect replica");
        let outcome = infra::migrate(&replica).await;
        replica.close().await.ok();
        outcome
    });
    for outcome in futures::future::join_all(runs).await {
        outcome.expect("a concurrent migration run failed");
    }
    assert_eq!(Migrator::get_pending_migrations(&conn).await.expect("pending").len(), 0);
    let applied = Migrator::get_applied_migrations(&conn).await.expect("applied").len();
    assert_eq!(applied, Migrator::migrations().len(), "a migration was recorded twice or not at all");
    conn.close().await.ok();
}
