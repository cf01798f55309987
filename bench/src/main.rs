//! `loadgen`: starts a mock OIDC provider and the release server (as a separate process) on a
//! database of your choice, seeds N results through the API, then measures requests per second
//! and p50/p99 latency of the read workloads and of uploads with C concurrent clients.
//!
//! ```sh
//! cargo build --release -p eosc-perf -p eosc-perf-bench
//! target/release/loadgen --database-url postgres://postgres@127.0.0.1/bench --results 10000
//! ```
//!
//! Figures are printed as a Markdown table; nothing here is a pass/fail gate.

use std::{
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

mod drill;

use anyhow::{Context, bail};
use clap::Parser;
use eosc_perf_tests::oidc::{MockOidc, MockUser};
use serde_json::{Value, json};

#[derive(Parser, Debug)]
#[command(about = "Load benchmark of eosc-perf")]
struct Args {
    /// Database the server uses (it is migrated; results are added to whatever is there).
    #[arg(long, default_value = "sqlite:///tmp/eosc-perf-bench.db?mode=rwc")]
    database_url: String,
    /// Results to have in the database before measuring reads.
    #[arg(long, default_value_t = 10_000)]
    results: usize,
    /// Concurrent clients.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Seconds per read workload.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Server binary.
    #[arg(long, default_value = "target/release/eosc-perf")]
    server: String,
    /// Port for the server.
    #[arg(long, default_value_t = 5900)]
    port: u16,
    /// Run only the workloads whose names contain one of these (comma separated).
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Fault drill instead of the workloads: uploads and reads for `--seconds` while this shell
    /// command (for example a database restart) runs a third of the way in.
    #[arg(long)]
    fault_command: Option<String>,
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Ctx {
    http: reqwest::Client,
    base: String,
    token: String,
    benchmark: String,
    flavors: Vec<String>,
    tags: Vec<String>,
}

async fn call(http: &reqwest::Client, req: reqwest::RequestBuilder) -> anyhow::Result<Value> {
    let _ = http;
    let resp = req.send().await?;
    let status = resp.status();
    let body: Value = resp.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("{status}: {body}");
    }
    Ok(body)
}

async fn setup(args: &Args, oidc: &MockOidc, base: &str) -> anyhow::Result<Ctx> {
    let http = reqwest::Client::builder().pool_max_idle_per_host(args.concurrency * 2).build()?;
    let user = oidc.opaque_token(MockUser::new("bench").with_email("bench@example.org", true));
    let admin = oidc.opaque_token(
        MockUser::new("bench-admin").with_email("admin@example.org", true).with_entitlement("bench-admin"),
    );
    for t in [&user, &admin] {
        let r = http.post(format!("{base}/users:register")).bearer_auth(t).send().await?;
        if !(r.status().is_success() || r.status().as_u16() == 409) {
            bail!("register: {}", r.status());
        }
    }
    let existing = call(&http, http.get(format!("{base}/benchmarks?docker_image=bench/load"))).await?;
    let benchmark = match existing["items"].get(0) {
        Some(b) => b["id"].as_str().unwrap_or_default().to_owned(),
        None => {
            let schema = json!({"type": "object", "properties": {"score": {"type": "number"}, "machine": {"type": "object"}}});
            let b = call(
                &http,
                http.post(format!("{base}/benchmarks")).bearer_auth(&user).json(&json!({
                    "docker_image": "bench/load", "docker_tag": "1.0", "url": "https://example.org", "json_schema": schema
                })),
            )
            .await?;
            let id = b["id"].as_str().unwrap_or_default().to_owned();
            call(&http, http.post(format!("{base}/benchmarks/{id}:approve")).bearer_auth(&admin)).await?;
            id
        }
    };
    let mut flavors = Vec::new();
    let sites = call(&http, http.get(format!("{base}/sites?per_page=100"))).await?;
    if sites["total"].as_u64().unwrap_or(0) == 0 {
        for s in 0..4 {
            let site = call(
                &http,
                http.post(format!("{base}/sites"))
                    .bearer_auth(&user)
                    .json(&json!({"name": format!("site{s}"), "address": format!("site{s}.example.org")})),
            )
            .await?;
            let sid = site["id"].as_str().unwrap_or_default().to_owned();
            call(&http, http.post(format!("{base}/sites/{sid}:approve")).bearer_auth(&admin)).await?;
            for f in 0..3 {
                let flavor = call(
                    &http,
                    http.post(format!("{base}/sites/{sid}/flavors"))
                        .bearer_auth(&user)
                        .json(&json!({"name": format!("flavor{f}")})),
                )
                .await?;
                let fid = flavor["id"].as_str().unwrap_or_default().to_owned();
                call(&http, http.post(format!("{base}/flavors/{fid}:approve")).bearer_auth(&admin)).await?;
            }
        }
    }
    let sites = call(&http, http.get(format!("{base}/sites?per_page=100"))).await?;
    for site in sites["items"].as_array().into_iter().flatten() {
        let sid = site["id"].as_str().unwrap_or_default();
        let fl = call(&http, http.get(format!("{base}/sites/{sid}/flavors"))).await?;
        flavors.extend(
            fl["items"].as_array().into_iter().flatten().filter_map(|f| f["id"].as_str().map(str::to_owned)),
        );
    }
    let mut tags: Vec<String> = call(&http, http.get(format!("{base}/tags"))).await?["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["id"].as_str().map(str::to_owned))
        .collect();
    for n in tags.len()..3 {
        let t = call(
            &http,
            http.post(format!("{base}/tags")).bearer_auth(&user).json(&json!({"name": format!("tag{n}")})),
        )
        .await?;
        tags.push(t["id"].as_str().unwrap_or_default().to_owned());
    }
    Ok(Ctx { http, base: base.to_owned(), token: user, benchmark, flavors, tags })
}

fn upload_request(ctx: &Ctx, n: u64) -> reqwest::RequestBuilder {
    let flavor = &ctx.flavors[(n as usize) % ctx.flavors.len()];
    let day = 1 + n % 28;
    let mut url = format!(
        "{}/results?execution_datetime=2024-01-{day:02}T10:00:00Z&benchmark_id={}&flavor_id={flavor}",
        ctx.base, ctx.benchmark
    );
    if n.is_multiple_of(3) {
        url.push_str(&format!("&tags_ids={}", ctx.tags[(n as usize) % ctx.tags.len()]));
    }
    let doc = json!({
        "score": (n % 1000) as f64 / 10.0,
        "machine": {"cpu": {"count": 1 + n % 16}, "gpu": n.is_multiple_of(2), "os": if n.is_multiple_of(2) { "linux" } else { "bsd" }},
    });
    ctx.http.post(url).bearer_auth(&ctx.token).json(&doc)
}

/// Builds the `n`th request of a workload.
type Workload = Box<dyn Fn(&Ctx, u64) -> reqwest::RequestBuilder + Send + Sync>;

/// The same `GET` every time.
fn fixed(path: String) -> Workload {
    Box::new(move |ctx, _| ctx.http.get(format!("{}{path}", ctx.base)))
}

/// Latency figures of one workload.
struct Figures {
    name: String,
    requests: usize,
    errors: u64,
    rps: f64,
    p50: Duration,
    p99: Duration,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

/// Runs `make(n)` requests with `concurrency` clients until `limit` requests or `duration`.
async fn run<F>(
    name: &str,
    ctx: &Arc<Ctx>,
    concurrency: usize,
    duration: Duration,
    limit: Option<u64>,
    make: F,
) -> Figures
where
    F: Fn(&Ctx, u64) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let make = Arc::new(make);
    let counter = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (ctx, make, counter, errors) = (ctx.clone(), make.clone(), counter.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                if limit.is_some_and(|l| n >= l) || (limit.is_none() && start.elapsed() >= duration) {
                    break;
                }
                let t0 = Instant::now();
                match make(&ctx, n).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                    }
                    Ok(r) => {
                        if errors.fetch_add(1, Ordering::Relaxed) < 3 {
                            eprintln!("{}: {}", r.status(), r.text().await.unwrap_or_default());
                        }
                    }
                    Err(e) => {
                        if errors.fetch_add(1, Ordering::Relaxed) < 3 {
                            eprintln!("{e}");
                        }
                    }
                }
                lat.push(t0.elapsed());
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap_or_default());
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.sort();
    Figures {
        name: name.to_owned(),
        requests: all.len(),
        errors: errors.load(Ordering::Relaxed),
        rps: all.len() as f64 / elapsed,
        p50: percentile(&all, 0.50),
        p99: percentile(&all, 0.99),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let oidc = MockOidc::start().await;
    let base = format!("http://127.0.0.1:{}", args.port);
    let _server = Server(
        Command::new(&args.server)
            .args(["serve", "--bind", &format!("127.0.0.1:{}", args.port)])
            .env("DATABASE_URL", &args.database_url)
            .env("TRUSTED_OP_LIST", oidc.issuer())
            .env("ADMIN_ENTITLEMENTS", "bench-admin")
            .env("IMAGE_CHECK", "off")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", args.server))?,
    );
    let probe = reqwest::Client::new();
    let mut ready = false;
    for _ in 0..100 {
        if probe.get(format!("{base}/tags")).send().await.is_ok() {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if !ready {
        bail!("server did not start");
    }
    let ctx = Arc::new(setup(&args, &oidc, &base).await?);
    let have = call(&ctx.http, ctx.http.get(format!("{base}/results?per_page=1"))).await?["total"]
        .as_u64()
        .unwrap_or(0);
    let c = args.concurrency;
    let mut figures = Vec::new();
    let missing = (args.results as u64).saturating_sub(have);
    if missing > 0 {
        eprintln!("seeding {missing} results…");
        figures.push(run("upload (seeding)", &ctx, c, Duration::MAX, Some(missing), upload_request).await);
    }
    let secs = Duration::from_secs(args.seconds);
    if let Some(command) = &args.fault_command {
        let report = drill::run(ctx.clone(), c, 4, secs, command).await?;
        drill::print(&report);
        return Ok(());
    }
    let wanted = |name: &str| args.only.is_empty() || args.only.iter().any(|o| name.contains(o.as_str()));
    let b = ctx.benchmark.clone();
    let f0 = ctx.flavors[0].clone();
    let upload_base = args.results as u64 + 1_000_000;
    let workloads: Vec<(&str, Workload)> = vec![
        (
            "list (default sort)",
            Box::new(|ctx, n| ctx.http.get(format!("{}/results?per_page=100&page={}", ctx.base, 1 + n % 5))),
        ),
        (
            "filtered list",
            fixed(format!(
                "/results?per_page=100&benchmark_id={b}&filters=machine.cpu.count%20%3E%3D%208&filters=machine.gpu%20%3D%3D%20true"
            )),
        ),
        ("json sort", fixed("/results?per_page=100&sort_by=-json.score".into())),
        (
            "flavor + date filter",
            fixed(format!("/results?per_page=100&flavor_id={f0}&execution_after=2024-01-10")),
        ),
        ("search", fixed("/results:search?per_page=100&terms=site1&terms=bench".into())),
        // Every request a query never seen before (an `execution_before` date that all results
        // match), so no answer comes from the list cache: the cost of a list after a write.
        (
            "list, uncached (distinct queries)",
            Box::new(|ctx, n| {
                let date =
                    chrono::NaiveDate::from_ymd_opt(2100, 1, 1).unwrap_or_default() + chrono::Days::new(n);
                ctx.http.get(format!("{}/results?per_page=100&execution_before={date}", ctx.base))
            }),
        ),
        // One upload for every nine lists: each upload invalidates the cached lists.
        (
            "mixed: 90 % list, 10 % upload",
            Box::new(move |ctx, n| {
                if n.is_multiple_of(10) {
                    upload_request(ctx, upload_base + n)
                } else {
                    ctx.http.get(format!("{}/results?per_page=100&page={}", ctx.base, 1 + n % 5))
                }
            }),
        ),
        ("upload", Box::new(move |ctx, n| upload_request(ctx, upload_base + 10_000_000 + n))),
    ];
    for (name, make) in workloads {
        if wanted(name) {
            figures.push(run(name, &ctx, c, secs, None, make).await);
        }
    }

    println!("\n{} results, {c} clients, pages of 100\n", args.results);
    println!("| workload | requests | errors | req/s | p50 ms | p99 ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    for f in figures {
        println!(
            "| {} | {} | {} | {:.0} | {:.1} | {:.1} |",
            f.name,
            f.requests,
            f.errors,
            f.rps,
            f.p50.as_secs_f64() * 1000.0,
            f.p99.as_secs_f64() * 1000.0
        );
    }
    Ok(())
}
