//! `loadgen`: starts a mock OIDC provider and the release server (as a separate process) on a
//! database of your choice, seeds realistic results (the c-ray benchmark of the original's
//! documentation: a 1.6 KB JSON Schema embedded in every result, about 3 KB per result and
//! 300 KB per page of 100), then measures requests per second, p50/p99 latency and CPU per
//! request of the server and of PostgreSQL, for the read workloads and for uploads.
//!
//! ```sh
//! cargo build --release -p eosc-perf -p eosc-perf-bench
//! target/release/loadgen --database-url postgres://postgres@127.0.0.1/bench --results 10000
//! target/release/loadgen --database-url postgres://postgres@127.0.0.1/bench1m --results 1000000
//! ```
//!
//! On PostgreSQL the missing results are inserted with `COPY` (`--seed sql`, the default
//! there); `--seed api` uploads them through the server (the only way on SQLite). Figures are
//! printed as a Markdown table; nothing here is a pass/fail gate.

use std::{
    process::{Child, Command, Stdio},
    sync::Arc,
    time::Duration,
};

mod cpu;
mod documents;
mod drill;
mod mix;
mod runner;
mod setup;
mod sql_seed;

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use eosc_perf_tests::oidc::MockOidc;

use crate::{
    cpu::CpuProbe,
    runner::{Until, run},
    setup::{BATCH_SIZE, Ctx, batch_body, batch_request, call, ids, setup, upload_request},
};

/// How missing results are added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Seed {
    /// `COPY` through `psql` (PostgreSQL only).
    Sql,
    /// `POST /results` through the server (measured as "upload (seeding)").
    Api,
}

#[derive(Parser, Debug)]
#[command(about = "Load benchmark of eosc-perf")]
struct Args {
    /// Database the server uses (it is migrated; results are added to whatever is there).
    #[arg(long, default_value = "sqlite:///tmp/eosc-perf-bench.db?mode=rwc")]
    database_url: String,
    /// Results to have in the database before measuring reads.
    #[arg(long, default_value_t = 10_000)]
    results: usize,
    /// How to add missing results (default: sql on PostgreSQL, api on SQLite).
    #[arg(long, value_enum)]
    seed: Option<Seed>,
    /// Concurrent clients.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Seconds per workload.
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

/// Builds the `n`th request of a workload.
type Workload = Box<dyn Fn(&Ctx, u64) -> reqwest::RequestBuilder + Send + Sync>;

/// The same `GET` every time.
fn fixed(path: String) -> Workload {
    Box::new(move |ctx, _| ctx.http.get(format!("{}{path}", ctx.base)))
}

/// Page `1 + n % 5` of the default list.
fn list_page(ctx: &Ctx, n: u64) -> reqwest::RequestBuilder {
    ctx.http.get(format!("{}/results?per_page=100&page={}", ctx.base, 1 + n % 5))
}

/// The `n`th day after 2100-01-01: an `execution_before` every result matches, different for
/// every request so that no answer comes from the response cache.
fn far_date(n: u64) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2100, 1, 1).unwrap_or_default() + chrono::Days::new(n)
}

/// The `ETag`s of pages 1-5 of the default list (none from a server without them).
async fn page_tags(ctx: &Ctx) -> anyhow::Result<Vec<Option<String>>> {
    let mut tags = Vec::new();
    for n in 0..5 {
        let resp = list_page(ctx, n).send().await?;
        tags.push(resp.headers().get("etag").and_then(|v| v.to_str().ok()).map(str::to_owned));
    }
    Ok(tags)
}

async fn start_server(args: &Args, oidc: &MockOidc, base: &str) -> anyhow::Result<Server> {
    let server = Server(
        Command::new(&args.server)
            .args(["serve", "--bind", &format!("127.0.0.1:{}", args.port)])
            .env("DATABASE_URL", &args.database_url)
            .env("TRUSTED_OP_LIST", oidc.issuer())
            .env("ADMIN_ENTITLEMENTS", "bench-admin")
            .env("IMAGE_CHECK", "off")
            // One client address sending far more than any user: the limits would answer 429.
            .env("RATE_LIMITS", "off")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", args.server))?,
    );
    let probe = reqwest::Client::new();
    for _ in 0..100 {
        if probe.get(format!("{base}/tags")).send().await.is_ok() {
            return Ok(server);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("server did not start")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let oidc = MockOidc::start().await;
    let base = format!("http://127.0.0.1:{}", args.port);
    let server = start_server(&args, &oidc, &base).await?;
    let probe = CpuProbe::new(server.0.id(), &args.database_url);
    let ctx = Arc::new(setup(&oidc, &base, args.concurrency).await?);
    let have = call(ctx.http.get(format!("{base}/results?per_page=1"))).await?["total"].as_u64().unwrap_or(0);
    let c = args.concurrency;
    let mut figures = Vec::new();
    let missing = (args.results as u64).saturating_sub(have);
    let postgres = args.database_url.starts_with("postgres");
    match args.seed.unwrap_or(if postgres { Seed::Sql } else { Seed::Api }) {
        _ if missing == 0 => {}
        Seed::Sql => {
            eprintln!("seeding {missing} results with COPY…");
            let plan = sql_seed::SeedPlan {
                url: &args.database_url,
                benchmark: &ctx.benchmark,
                flavors: &ctx.flavors,
                tags: &ctx.tags,
                uploader: (&ctx.uploader.0, &ctx.uploader.1),
                first: have,
                count: missing,
            };
            let took = tokio::task::block_in_place(|| sql_seed::seed(&plan))?;
            eprintln!("seeded {missing} results in {:.1} s", took.as_secs_f64());
        }
        Seed::Api => {
            eprintln!("seeding {missing} results through the API…");
            let until = Until::Requests(missing);
            figures.push(
                run("upload (seeding)", &ctx, &probe, c, until, move |ctx, n| upload_request(ctx, have + n))
                    .await,
            );
        }
    }
    let secs = Duration::from_secs(args.seconds);
    if let Some(command) = &args.fault_command {
        let report = drill::run(ctx.clone(), c, 4, secs, command).await?;
        drill::print(&report);
        return Ok(());
    }
    let wanted = |name: &str| args.only.is_empty() || args.only.iter().any(|o| name.contains(o.as_str()));
    let b = ctx.benchmark.clone();
    let ranked = b.clone();
    let f0 = ctx.flavors.first().map(|(f, _)| f.clone()).unwrap_or_default();
    let upload_base = args.results as u64 + 1_000_000;
    let tags = page_tags(&ctx).await?;
    let result_ids = ids(&call(list_page(&ctx, 0)).await?);
    let bodies: Vec<Vec<u8>> = (0..4).map(|i| batch_body(&ctx, upload_base + i * BATCH_SIZE)).collect();
    let workloads: Vec<(&str, Workload)> = vec![
        ("list (default sort)", Box::new(list_page)),
        ("list, gzip", Box::new(|ctx, n| list_page(ctx, n).header("Accept-Encoding", "gzip"))),
        // Revalidation of a page the client holds: 304 while nothing was written.
        (
            "list, If-None-Match (304)",
            Box::new(move |ctx, n| match &tags[(n % 5) as usize] {
                Some(tag) => list_page(ctx, n).header("If-None-Match", tag),
                None => list_page(ctx, n),
            }),
        ),
        (
            "result by id",
            Box::new(move |ctx, n| {
                let id = result_ids.get(n as usize % result_ids.len().max(1)).cloned().unwrap_or_default();
                ctx.http.get(format!("{}/results/{id}", ctx.base))
            }),
        ),
        (
            "filtered list",
            fixed(format!(
                "/results?per_page=100&benchmark_id={b}&filters=machine.cpu.count%20%3E%3D%208&filters=result.score%20%3C%2060"
            )),
        ),
        ("json sort", fixed("/results?per_page=100&sort_by=-json.result.score".into())),
        (
            "flavor + date filter",
            fixed(format!("/results?per_page=100&flavor_id={f0}&execution_after=2022-01-01")),
        ),
        ("search", fixed("/results:search?per_page=100&terms=CESNET&terms=c-ray".into())),
        // Every request a query never seen before (an `execution_before` date that all results
        // match), so no answer comes from a cache: the cost of a list after a write.
        (
            "list, uncached (distinct queries)",
            Box::new(|ctx, n| {
                ctx.http.get(format!("{}/results?per_page=100&execution_before={}", ctx.base, far_date(n)))
            }),
        ),
        // Statistics and rankings of every result (issue 11), each request with another
        // `execution_before` so that none is answered from the response cache.
        (
            "stats by flavor, uncached (distinct queries)",
            Box::new(|ctx, n| {
                let q = format!("metric=json.result.score&group_by=flavor&execution_before={}", far_date(n));
                ctx.http.get(format!("{}/results:stats?{q}", ctx.base))
            }),
        ),
        (
            "ranking by flavor, uncached (distinct queries)",
            Box::new(move |ctx, n| {
                let q = format!(
                    "benchmark_id={ranked}&metric=json.result.score&order=lower_is_better&execution_before={}",
                    far_date(n)
                );
                ctx.http.get(format!("{}/results:ranking?{q}", ctx.base))
            }),
        ),
        // One upload for every nine lists: each upload invalidates the cached lists.
        (
            "mixed: 90 % list, 10 % upload",
            Box::new(move |ctx, n| {
                if n.is_multiple_of(10) { upload_request(ctx, upload_base + n) } else { list_page(ctx, n) }
            }),
        ),
        ("upload", Box::new(move |ctx, n| upload_request(ctx, upload_base + 10_000_000 + n))),
        // `POST /results:batch` of 1,000 c-ray results each: results/s = requests/s x 1,000.
        ("batch upload (1000 results per request)", Box::new(move |ctx, n| batch_request(ctx, &bodies, n))),
    ];
    for (name, make) in workloads {
        if wanted(name) {
            figures.push(run(name, &ctx, &probe, c, Until::Elapsed(secs), make).await);
        }
    }
    let name = "uncached mix: list, deep page, filter, sort, search; an upload every 100 ms";
    if wanted(name) {
        let visible = have.max(args.results as u64);
        let writer = mix::start_writer(ctx.clone(), upload_base + 20_000_000);
        let make = move |ctx: &Ctx, n| mix::request(ctx, n, visible);
        figures.push(run(name, &ctx, &probe, c, Until::Elapsed(secs), make).await);
        writer.abort();
    }
    println!("\n{} results, {c} clients, pages of 100\n", args.results);
    runner::print(&figures);
    Ok(())
}
