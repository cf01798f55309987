//! `eosc-perf import --from <original>`: an original deployment's database (built from
//! `tests/fixtures/original/`) copied into the server's, then checked through the API; run
//! twice (idempotent), resumed after a partial copy, and the source left untouched.

use std::process::Command;

use eosc_perf_tests::{Backend, TestApp, TestDb, backend_test, original::OriginalDeployment};
use infra::import::{ImportReport, import_original};
use reqwest::{Method, StatusCode};
use serde_json::json;

const SERVER: &str = env!("CARGO_BIN_EXE_eosc-perf-under-test");

const PENDING_BENCHMARK: &str = "0b000000-0000-4000-8000-000000000002";
const NULL_STATUS_BENCHMARK: &str = "0b000000-0000-4000-8000-000000000003";
const PENDING_SITE: &str = "5e000000-0000-4000-8000-000000000002";
const SITE: &str = "5e000000-0000-4000-8000-000000000001";
const PENDING_FLAVOR: &str = "f1000000-0000-4000-8000-000000000002";
const VISIBLE: &str = "7e000000-0000-4000-8000-000000000001";
const HIDDEN_BY_CLAIM: &str = "7e000000-0000-4000-8000-000000000003";
const DELETED_BY_ADMIN: &str = "7e000000-0000-4000-8000-000000000004";
const HIDDEN_BY_APPROVED_CLAIM: &str = "7e000000-0000-4000-8000-000000000005";
const ORPHANED_CLAIM: &str = "c1000000-0000-4000-8000-000000000001";
const LINKED_CLAIM: &str = "c1000000-0000-4000-8000-000000000002";
const APPROVED_CLAIM: &str = "c1000000-0000-4000-8000-000000000003";

/// (table, read, new, skipped) of the fixture's first import.
const FIRST_RUN: [(&str, u64, u64, u64); 9] = [
    ("user", 4, 4, 0),
    ("tag", 2, 2, 0),
    ("benchmark", 3, 3, 0),
    ("site", 2, 2, 0),
    ("flavor", 2, 2, 0),
    ("result", 5, 5, 0),
    ("result_tag", 3, 3, 0),
    ("claim", 3, 3, 0),
    ("submit", 7, 6, 1),
];

fn assert_counts(report: &ImportReport, expected_new: impl Fn(u64) -> u64) {
    for (table, read, new, skipped) in FIRST_RUN {
        let count = report.table(table).unwrap_or_else(|| panic!("no count for {table}: {report}"));
        assert_eq!(
            (count.read, count.new, count.skipped),
            (read, expected_new(new), skipped),
            "{table}: {report}"
        );
    }
}

async fn ids(app: &TestApp, path: &str, token: Option<&str>) -> Vec<String> {
    let (status, body) = app.call(Method::GET, path, token, None).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    let mut ids: Vec<String> =
        body["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect();
    ids.sort();
    ids
}

backend_test!(an_original_deployment_answers_through_the_api_after_import, |app| {
    let Some(original) = OriginalDeployment::start(&app.oidc.issuer()).await else { return };
    let before = original.fingerprint().await;
    let report = import_original(&original.url, &app.db, |_| {}).await.expect("import");
    assert_counts(&report, |new| new);

    // Users: the original's, signed in through the same issuer, are registered as before.
    let alice = app.user("alice");
    let (status, me) = app.call(Method::GET, "/users/self", Some(&alice.token), None).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["email"], "alice@example.org");
    assert_eq!(me["registration_datetime"], "2021-10-12T13:08:02.524476");
    let admin = app.admin("root").await;
    let (_, users) = app.call(Method::GET, "/users?per_page=100", Some(&admin.token), None).await;
    let emails: Vec<&str> =
        users["items"].as_array().unwrap().iter().filter_map(|u| u["email"].as_str()).collect();
    for email in ["alice@example.org", "bob@example.org", "carol@example.org", "dave@example.org"] {
        assert!(emails.contains(&email), "{email} missing: {users}");
    }

    // Tags, the catalog and its moderation state (a NULL status is pending).
    let (_, tags) = app.get("/tags").await;
    assert_eq!(tags["total"], 2, "{tags}");
    assert_eq!(
        ids(&app, "/benchmarks?status=on_review", None).await,
        [PENDING_BENCHMARK, NULL_STATUS_BENCHMARK]
    );
    let (status, benchmark) = app.get("/benchmarks/0b000000-0000-4000-8000-000000000001").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(benchmark["url"], "https://hub.docker.com/r/thechristophe/c-ray");
    assert_eq!(benchmark["json_schema"]["required"], json!(["time"]));
    assert_eq!(ids(&app, "/sites", None).await, [SITE]);
    assert_eq!(ids(&app, "/sites?status=on_review", None).await, [PENDING_SITE]);
    assert_eq!(ids(&app, &format!("/sites/{SITE}/flavors?status=on_review"), None).await, [PENDING_FLAVOR]);

    // Results: hidden ones (claimed, deleted) are out of the lists but answer by id.
    assert_eq!(ids(&app, "/results", None).await, [VISIBLE, "7e000000-0000-4000-8000-000000000002"]);
    let (_, result) = app.get(&format!("/results/{VISIBLE}")).await;
    assert_eq!(result["json"], json!({"time": 10.5, "machine": {"cpus": 4}}));
    assert_eq!(result["execution_datetime"], "2022-03-09T08:00:00");
    assert_eq!(result["upload_datetime"], "2022-03-10T10:00:00.192459");
    let tag_names: Vec<&str> =
        result["tags"].as_array().unwrap().iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(tag_names.len(), 2, "{result}");
    for hidden in [HIDDEN_BY_CLAIM, DELETED_BY_ADMIN, HIDDEN_BY_APPROVED_CLAIM] {
        assert_eq!(app.get(&format!("/results/{hidden}")).await.0, StatusCode::OK);
    }

    // Claims: the linked ones name their result, the orphaned one (Q2) none.
    let (_, pending) =
        app.call(Method::GET, "/reports/claims?status=on_review", Some(&admin.token), None).await;
    let by_id = |id: &str| pending["items"].as_array().unwrap().iter().find(|c| c["id"] == id).cloned();
    assert_eq!(by_id(LINKED_CLAIM).unwrap()["resource_id"], HIDDEN_BY_CLAIM);
    assert!(by_id(ORPHANED_CLAIM).unwrap().get("resource_id").is_none(), "{pending}");
    let (_, approved) = app.call(Method::GET, "/reports/claims", Some(&admin.token), None).await;
    assert_eq!(approved["items"][0]["id"], APPROVED_CLAIM);
    assert_eq!(approved["items"][0]["resource_id"], HIDDEN_BY_APPROVED_CLAIM);

    // Submits: every pending item, none for the one whose item is gone.
    let (_, submits) = app.call(Method::GET, "/reports/submits", Some(&admin.token), None).await;
    let mut submitted: Vec<(String, String)> = submits["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (s["resource_type"].as_str().unwrap().to_owned(), s["resource_id"].as_str().unwrap().to_owned())
        })
        .collect();
    submitted.sort();
    let expected: Vec<(String, String)> = [
        ("benchmark", PENDING_BENCHMARK),
        ("benchmark", NULL_STATUS_BENCHMARK),
        ("claim", ORPHANED_CLAIM),
        ("claim", LINKED_CLAIM),
        ("flavor", PENDING_FLAVOR),
        ("site", PENDING_SITE),
    ]
    .iter()
    .map(|(t, id)| ((*t).to_owned(), (*id).to_owned()))
    .collect();
    assert_eq!(submitted, expected);

    // Idempotent: a second run finds everything in place.
    let again = import_original(&original.url, &app.db, |_| {}).await.expect("second import");
    assert_counts(&again, |_| 0);
    assert_eq!((again.total_new(), again.total_updated()), (0, 0), "{again}");

    // Q1 fixed on imported data: rejecting the pending claim restores the result; rejecting the
    // orphaned claim works (the original answered 500); the admin's delete stays.
    for claim in [LINKED_CLAIM, ORPHANED_CLAIM] {
        let path = format!("/reports/claims/{claim}:reject");
        let (status, body) = app.call(Method::POST, &path, Some(&admin.token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{claim}: {body}");
    }
    let visible = ids(&app, "/results", None).await;
    assert!(visible.contains(&HIDDEN_BY_CLAIM.to_owned()), "{visible:?}");
    assert!(!visible.contains(&DELETED_BY_ADMIN.to_owned()), "{visible:?}");

    assert_eq!(original.fingerprint().await, before, "the import changed the source");
});

backend_test!(a_partial_import_is_resumed, |app| {
    let Some(original) = OriginalDeployment::start(&app.oidc.issuer()).await else { return };
    import_original(&original.url, &app.db, |_| {}).await.expect("import");
    // As if the run had stopped after the results: claims and their submits are missing, and
    // a result was changed in the source meanwhile.
    use sea_orm::ConnectionTrait;
    app.db.execute_unprepared("DELETE FROM submit WHERE resource_type = 'claim'").await.unwrap();
    app.db.execute_unprepared("DELETE FROM claim").await.unwrap();
    // Specs set here since the first run stay; the renamed flavor is overwritten.
    let admin = app.admin("root").await;
    let (status, body) = app
        .call(
            Method::PUT,
            "/flavors/f1000000-0000-4000-8000-000000000001",
            Some(&admin.token),
            Some(json!({"name": "renamed", "vcpus": 4})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    original
        .execute("UPDATE result SET deleted = true WHERE id = '7e000000-0000-4000-8000-000000000002'")
        .await;
    let resumed = import_original(&original.url, &app.db, |_| {}).await.expect("resumed import");
    let new: Vec<(&str, u64)> =
        resumed.tables.iter().filter(|t| t.new > 0).map(|t| (t.table, t.new)).collect();
    assert_eq!(new, [("claim", 3), ("submit", 2)], "{resumed}");
    assert_eq!(resumed.table("result").map(|t| t.updated), Some(1), "{resumed}");
    assert_eq!(resumed.table("flavor").map(|t| t.updated), Some(1), "{resumed}");
    let (_, flavor) = app.get("/flavors/f1000000-0000-4000-8000-000000000001").await;
    assert_eq!((flavor["name"].as_str(), flavor["vcpus"].as_u64()), (Some("m1.large"), Some(4)), "{flavor}");
    assert_eq!(ids(&app, "/results", None).await, [VISIBLE]);
    let (_, claim) =
        app.call(Method::GET, "/reports/claims?status=on_review", Some(&admin.token), None).await;
    assert_eq!(claim["total"], 2, "{claim}");
});

/// `eosc-perf import` as a process: migrations applied to an empty database, counts printed,
/// 0 new on the second run; a source of another revision or backend is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_imports_into_an_empty_database_and_reports_counts() {
    let Some(original) = OriginalDeployment::start("https://aai.egi.eu/auth/realms/egi").await else {
        return;
    };
    let target = TestDb::sqlite();
    assert_eq!(target.backend, Backend::Sqlite);
    let run = |from: &str| {
        Command::new(SERVER)
            .args(["import", "--from", from])
            .env_clear()
            .env("DATABASE_URL", &target.url)
            .output()
            .expect("run eosc-perf import")
    };
    let first = run(&original.url);
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(first.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&first.stderr));
    assert!(stdout.contains("import complete: 30 new, 0 updated"), "{stdout}");
    let result_line = stdout.lines().find(|l| l.starts_with("result ")).expect("result line");
    assert_eq!(result_line.split_whitespace().collect::<Vec<_>>(), ["result", "5", "5", "0", "0", "0"]);
    let second = run(&original.url);
    assert!(String::from_utf8_lossy(&second.stdout).contains("import complete: 0 new, 0 updated"));

    let refused = run(&target.url);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("postgres:// URL"), "{refused:?}");
    original.execute("UPDATE alembic_version SET version_num = '7fc773c5907d'").await;
    let old = run(&original.url);
    assert!(!old.status.success());
    let stderr = String::from_utf8_lossy(&old.stderr);
    assert!(stderr.contains("\"7fc773c5907d\"") && stderr.contains("112055db4eff"), "{stderr}");
}
