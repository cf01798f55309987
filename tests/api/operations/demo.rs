//! `eosc-perf demo` as a process: seeded data, the printed tokens (user and admin) accepted by
//! the demo and by nothing else, loopback only, the temporary database removed at exit.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use eosc_perf_tests::{Backend, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const SERVER: &str = env!("CARGO_BIN_EXE_eosc-perf-under-test");

/// A running demo and what it printed.
struct Demo {
    child: Child,
    address: String,
    user: String,
    admin: String,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The token in a printed curl line (`-H 'Authorization: Bearer <token>'`).
fn token_in(line: &str) -> Option<String> {
    let start = line.find("Bearer ")? + "Bearer ".len();
    Some(line[start..].split('\'').next()?.to_owned())
}

fn start_demo() -> Demo {
    let mut child = Command::new(SERVER)
        .args(["demo", "--bind", "127.0.0.1:0"])
        .env_clear()
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the demo");
    let stdout = child.stdout.take().expect("stdout");
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&lines);
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    let mut demo = Demo { child, address: String::new(), user: String::new(), admin: String::new() };
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        {
            let lines = lines.lock().unwrap();
            let find =
                |needle: &str| lines.iter().find(|l| l.starts_with("curl") && l.contains(needle)).cloned();
            if let (Some(serving), Some(user), Some(admin)) = (
                lines.iter().find(|l| l.starts_with("eosc-perf demo serving on ")),
                find("/users/self "),
                find("/reports/submits"),
            ) {
                demo.address =
                    serving["eosc-perf demo serving on ".len()..].split(' ').next().unwrap().to_owned();
                demo.user = token_in(&user).expect("user token");
                demo.admin = token_in(&admin).expect("admin token");
                return demo;
            }
        }
        assert!(Instant::now() < deadline, "no banner: {:?}", lines.lock().unwrap());
        std::thread::sleep(Duration::from_millis(100));
    }
}

async fn call(
    demo: &Demo,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", demo.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_serves_seeded_data_to_the_printed_tokens() {
    let demo = start_demo();
    assert!(demo.address.starts_with("http://127.0.0.1:"), "{}", demo.address);

    // The admin token passes an admin-only endpoint; the user token does not.
    let (status, _) = call(&demo, Method::GET, "/users/self:try_admin", Some(&demo.admin), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(&demo, Method::GET, "/users/self:try_admin", Some(&demo.user), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(&demo, Method::GET, "/users/self:try_admin", Some("forged.jwt.token"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Seeded: thousands of visible results (one is hidden by the pending claim), sites with
    // flavors, the c-ray schema, the pending submits and claim.
    let (_, results) = call(&demo, Method::GET, "/results?per_page=1", None, None).await;
    assert_eq!(results["total"], 2_999, "{results}");
    assert!(!results["items"][0]["tags"].as_array().unwrap().is_empty());
    let (_, c_ray) =
        call(&demo, Method::GET, "/benchmarks?docker_image=thechristophe/openbench-c-ray", None, None).await;
    assert_eq!(c_ray["items"][0]["json_schema"]["properties"]["test"]["const"], "pts/c-ray-1.2.0");
    let (_, sites) = call(&demo, Method::GET, "/sites", None, None).await;
    assert_eq!(sites["total"], 4);
    let site = sites["items"][0]["id"].as_str().unwrap();
    let (_, flavors) = call(&demo, Method::GET, &format!("/sites/{site}/flavors"), None, None).await;
    assert!(flavors["items"][0]["description"].as_str().unwrap().contains("per hour"), "{flavors}");
    assert_eq!(flavors["items"][0]["price"]["per"], "hour", "{flavors}");
    assert!(flavors["items"][0]["vcpus"].as_u64().is_some_and(|n| n > 0), "{flavors}");
    let (_, submits) = call(&demo, Method::GET, "/reports/submits", Some(&demo.admin), None).await;
    let mut kinds: Vec<&str> =
        submits["items"].as_array().unwrap().iter().filter_map(|s| s["resource_type"].as_str()).collect();
    kinds.sort_unstable();
    assert_eq!(kinds, ["benchmark", "claim", "flavor", "site"]);
    let (_, claims) =
        call(&demo, Method::GET, "/users/self/claims?status=on_review", Some(&demo.user), None).await;
    assert_eq!(claims["total"], 1, "{claims}");

    // The user can write.
    let (status, tag) =
        call(&demo, Method::POST, "/tags", Some(&demo.user), Some(json!({"name": "from-the-demo"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{tag}");

    // `serve` does not trust the demo's tokens.
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    let (status, _) = app.call(Method::GET, "/users/self", Some(&demo.admin), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[test]
fn the_temporary_database_is_removed_when_the_demo_stops() {
    let mut demo = start_demo();
    let pid = demo.child.id();
    let file = std::env::temp_dir().join(format!("eosc-perf-demo-{pid}.db"));
    assert!(file.exists(), "{}", file.display());
    let stopped = Command::new("kill").args(["-TERM", &pid.to_string()]).status().expect("kill");
    assert!(stopped.success());
    let status = demo.child.wait().expect("wait");
    assert!(status.success(), "{status}");
    assert!(!file.exists(), "{} left behind", file.display());
}

#[test]
fn the_demo_refuses_any_address_but_loopback() {
    for bind in ["0.0.0.0:5000", "[::]:5000", "192.0.2.7:5000"] {
        let output = Command::new(SERVER).args(["demo", "--bind", bind]).env_clear().output().expect("run");
        assert!(!output.status.success(), "{bind}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("serves on loopback only"), "{bind}: {stderr}");
    }
}
