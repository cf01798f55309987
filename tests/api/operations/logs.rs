//! The real command line as a process: `LOG_FORMAT`, the request id on the log lines of its
//! request, and `eosc-perf healthcheck`.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use eosc_perf_tests::{Backend, TestDb, backend_test, backend_test_with, recorder::ConnectionRecorder};
use migration::MigratorTrait;
use serde_json::Value;

const SERVER: &str = env!("CARGO_BIN_EXE_eosc-perf-under-test");

/// A server process and the lines it printed so far.
struct Process {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    port: u16,
}

impl Process {
    /// `serve` on `db` with `vars`; waits until it logs its port.
    fn serve(db: &TestDb, vars: &[(&str, &str)]) -> Self {
        let mut child = Command::new(SERVER)
            .arg("serve")
            .env_clear()
            .env("DATABASE_URL", &db.url)
            .env("BIND_ADDRESS", "127.0.0.1:0")
            .env("RUST_LOG", "info")
            .env("IMAGE_CHECK", "off")
            .envs(vars.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the server");
        let stdout = child.stdout.take().expect("stdout");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        // Owned (and so killed and waited for on drop) before anything can fail.
        let mut process = Self { child, lines, port: 0 };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let port = process.lines.lock().unwrap().iter().find_map(|l| port_in(l));
            if let Some(port) = port {
                process.port = port;
                return process;
            }
            assert!(Instant::now() < deadline, "no port logged: {:?}", process.lines.lock().unwrap());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The lines printed so far, after waiting `settle` for the last ones.
    fn lines_after(&self, settle: Duration) -> Vec<String> {
        std::thread::sleep(settle);
        self.lines.lock().unwrap().clone()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port of the line `listening on … (port N)`.
fn port_in(line: &str) -> Option<u16> {
    let rest = &line[line.find("(port ")? + "(port ".len()..];
    rest[..rest.find(')')?].parse().ok()
}

async fn test_db(backend: Backend) -> Option<TestDb> {
    match backend {
        Backend::Sqlite => Some(TestDb::sqlite()),
        Backend::Postgres => TestDb::postgres().await,
    }
}

/// A request that logs inside its handler: a token checked against a trusted issuer that
/// refuses connections (the adapter warns that the provider is unavailable).
async fn logged_request(process: &Process, request_id: &str) {
    let resp = reqwest::Client::new()
        .get(process.url("/users/self"))
        .bearer_auth("some-token")
        .header("X-Request-Id", request_id)
        .send()
        .await
        .expect("request");
    assert!(resp.status().is_client_error() || resp.status().is_server_error(), "{}", resp.status());
    assert_eq!(resp.headers()["x-request-id"], request_id);
}

/// The `request_id` of the spans of a JSON log line.
fn request_ids(line: &Value) -> Vec<String> {
    let spans = line["spans"].as_array().cloned().unwrap_or_default();
    spans.iter().filter_map(|s| s["request_id"].as_str().map(str::to_owned)).collect()
}

backend_test_with!(json_logs_carry_the_request_id_on_every_line_of_the_request, |backend| {
    let Some(db) = test_db(backend).await else { return };
    let issuer_down = ConnectionRecorder::start().await;
    let issuer = format!("http://{}", issuer_down.authority());
    let process = Process::serve(&db, &[("LOG_FORMAT", "json"), ("TRUSTED_OP_LIST", &issuer)]);
    logged_request(&process, "json-req-42").await;
    let lines = process.lines_after(Duration::from_millis(300));
    let parsed: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let of_request: Vec<&Value> = parsed.iter().filter(|l| !request_ids(l).is_empty()).collect();
    assert!(of_request.iter().all(|l| request_ids(l) == ["json-req-42"]), "{of_request:#?}");
    let messages: Vec<&str> = of_request.iter().filter_map(|l| l["message"].as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("OIDC provider unavailable")), "{lines:#?}");
    assert!(messages.iter().any(|m| m.starts_with("GET /users/self ")), "{lines:#?}");
    for line in &of_request {
        assert!(line["level"].is_string() && line["timestamp"].is_string(), "{line}");
    }
    assert!(issuer_down.connections() >= 1);
});

backend_test_with!(text_logs_name_the_request_id_too, |backend| {
    let Some(db) = test_db(backend).await else { return };
    let issuer_down = ConnectionRecorder::start().await;
    let issuer = format!("http://{}", issuer_down.authority());
    let process = Process::serve(&db, &[("TRUSTED_OP_LIST", &issuer)]);
    logged_request(&process, "text-req-7").await;
    let lines = process.lines_after(Duration::from_millis(300));
    let warning = lines.iter().find(|l| l.contains("OIDC provider unavailable")).expect("the warning");
    assert!(warning.contains("request{request_id=text-req-7}"), "{warning}");
    let access = lines.iter().find(|l| l.contains("GET /users/self ")).expect("the access line");
    assert!(access.contains("request_id=text-req-7"), "{access}");
    assert!(serde_json::from_str::<Value>(access).is_err(), "text, not JSON");
});

/// `eosc-perf healthcheck` with `args` and `BIND_ADDRESS`; whether it exited 0.
async fn healthcheck(args: &[&str], bind: &str) -> bool {
    let mut command = Command::new(SERVER);
    command.arg("healthcheck").args(args).env_clear().env("BIND_ADDRESS", bind);
    command.stdout(Stdio::null()).stderr(Stdio::null());
    let status = tokio::task::spawn_blocking(move || command.status().expect("run healthcheck"));
    status.await.expect("healthcheck thread").success()
}

backend_test!(the_healthcheck_command_exits_0_only_when_ready, |app| {
    let ready = format!("{}/health/ready", app.address);
    let port = app.address.rsplit(':').next().unwrap().to_owned();
    assert!(healthcheck(&["--url", &ready], "127.0.0.1:1").await);
    assert!(healthcheck(&[], &format!("0.0.0.0:{port}")).await, "the default URL takes BIND_ADDRESS's port");
    migration::Migrator::down(&app.db, Some(1)).await.unwrap();
    assert!(!healthcheck(&["--url", &ready], "127.0.0.1:1").await, "503 is unhealthy");
    migration::Migrator::up(&app.db, None).await.unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    assert!(!healthcheck(&[], &format!("127.0.0.1:{closed}")).await, "nobody listening is unhealthy");
});
