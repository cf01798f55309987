//! Runs one workload with C concurrent clients and measures it: requests per second, p50/p99
//! latency, and the CPU the server and PostgreSQL spent per request.

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use reqwest::StatusCode;

use crate::{
    cpu::{CpuProbe, CpuSpent},
    setup::Ctx,
};

/// Figures of one workload.
pub struct Figures {
    pub name: String,
    pub requests: usize,
    pub errors: u64,
    pub rps: f64,
    pub p50: Duration,
    pub p99: Duration,
    pub cpu: CpuSpent,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

/// How a workload ends.
#[derive(Clone, Copy)]
pub enum Until {
    /// After this long.
    Elapsed(Duration),
    /// After this many requests.
    Requests(u64),
}

/// Runs `make(n)` requests with `concurrency` clients until `until`; a 2xx or 304 answer is a
/// success.
pub async fn run<F>(
    name: &str,
    ctx: &Arc<Ctx>,
    probe: &CpuProbe,
    concurrency: usize,
    until: Until,
    make: F,
) -> Figures
where
    F: Fn(&Ctx, u64) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let make = Arc::new(make);
    let counter = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let cpu_before = probe.sample();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (ctx, make, counter, errors) = (ctx.clone(), make.clone(), counter.clone(), errors.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let done = match until {
                    Until::Requests(limit) => n >= limit,
                    Until::Elapsed(duration) => start.elapsed() >= duration,
                };
                if done {
                    break;
                }
                let t0 = Instant::now();
                match make(&ctx, n).send().await {
                    Ok(r) if r.status().is_success() || r.status() == StatusCode::NOT_MODIFIED => {
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
    let cpu = probe.since(&cpu_before);
    all.sort();
    Figures {
        name: name.to_owned(),
        requests: all.len(),
        errors: errors.load(Ordering::Relaxed),
        rps: all.len() as f64 / elapsed,
        p50: percentile(&all, 0.50),
        p99: percentile(&all, 0.99),
        cpu,
    }
}

/// Milliseconds of `cpu` per request.
fn per_request(cpu: Duration, requests: usize) -> String {
    format!("{:.3}", cpu.as_secs_f64() * 1000.0 / requests.max(1) as f64)
}

/// Prints the figures as a Markdown table.
pub fn print(figures: &[Figures]) {
    println!(
        "| workload | requests | errors | req/s | p50 ms | p99 ms | server CPU ms/req | PostgreSQL CPU ms/req |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for f in figures {
        let postgres = f.cpu.postgres.map_or_else(|| "–".to_owned(), |cpu| per_request(cpu, f.requests));
        println!(
            "| {} | {} | {} | {:.0} | {:.1} | {:.1} | {} | {postgres} |",
            f.name,
            f.requests,
            f.errors,
            f.rps,
            f.p50.as_secs_f64() * 1000.0,
            f.p99.as_secs_f64() * 1000.0,
            per_request(f.cpu.server, f.requests),
        );
    }
}
