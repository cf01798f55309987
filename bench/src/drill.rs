//! The fault drill: concurrent uploaders and readers while a shell command disrupts the
//! database (for example `pg_ctl restart -m fast`). It tallies every answer by status, counts
//! dropped connections, then checks that each acknowledged upload can be read back.

use std::{
    collections::BTreeMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use crate::setup::{Ctx, upload_request};

/// What the drill saw.
#[derive(Default)]
pub struct DrillReport {
    /// Answers by status code.
    pub statuses: BTreeMap<u16, u64>,
    /// Requests that got no HTTP answer at all.
    pub transport_errors: u64,
    /// 503 answers without `Retry-After`.
    pub unavailable_without_retry_after: u64,
    /// Uploads answered 201.
    pub acknowledged: u64,
    /// Acknowledged uploads that cannot be read back.
    pub lost: u64,
    /// How long the disruption command took.
    pub command_seconds: f64,
}

#[derive(Default)]
struct Tally {
    statuses: BTreeMap<u16, u64>,
    transport_errors: u64,
    no_retry_after: u64,
    acknowledged: Vec<String>,
}

async fn client(
    ctx: Arc<Ctx>,
    upload: bool,
    next: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    tally: Arc<Mutex<Tally>>,
) {
    while !stop.load(Ordering::Relaxed) {
        let n = next.fetch_add(1, Ordering::Relaxed);
        let req = if upload {
            upload_request(&ctx, 50_000_000 + n)
        } else {
            ctx.http.get(format!("{}/results?per_page=20&page={}", ctx.base, 1 + n % 3))
        };
        let outcome = match req.send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let retry_after = resp.headers().contains_key("retry-after");
                let body: serde_json::Value = resp.json().await.unwrap_or_default();
                Ok((status, retry_after, body))
            }
            Err(_) => Err(()),
        };
        let Ok(mut t) = tally.lock() else { return };
        match outcome {
            Ok((status, retry_after, body)) => {
                *t.statuses.entry(status).or_default() += 1;
                if status == 503 && !retry_after {
                    t.no_retry_after += 1;
                }
                if upload && status == 201 {
                    t.acknowledged.push(body["id"].as_str().unwrap_or_default().to_owned());
                }
            }
            Err(()) => t.transport_errors += 1,
        }
    }
}

/// Runs `uploaders` upload clients and `readers` list clients for `duration`, running
/// `command` (through `sh -c`) a third of the way in.
///
/// # Errors
/// When the command cannot be started.
pub async fn run(
    ctx: Arc<Ctx>,
    uploaders: usize,
    readers: usize,
    duration: Duration,
    command: &str,
) -> anyhow::Result<DrillReport> {
    let (next, stop, tally) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicBool::new(false)), Arc::default());
    let mut tasks = Vec::new();
    for i in 0..uploaders + readers {
        tasks.push(tokio::spawn(client(
            ctx.clone(),
            i < uploaders,
            next.clone(),
            stop.clone(),
            Arc::clone(&tally),
        )));
    }
    tokio::time::sleep(duration / 3).await;
    let started = Instant::now();
    let cmd = command.to_owned();
    let status =
        tokio::task::spawn_blocking(move || std::process::Command::new("sh").args(["-c", &cmd]).status())
            .await??;
    let command_seconds = started.elapsed().as_secs_f64();
    eprintln!("disruption command exited with {status} after {command_seconds:.1} s");
    tokio::time::sleep(duration.saturating_sub(duration / 3).saturating_sub(started.elapsed())).await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    let tally = std::mem::take(&mut *tally.lock().map_err(|_| anyhow::anyhow!("tally poisoned"))?);
    let mut lost = 0;
    for id in &tally.acknowledged {
        let resp = ctx.http.get(format!("{}/results/{id}", ctx.base)).send().await?;
        if resp.status().as_u16() != 200 {
            lost += 1;
        }
    }
    Ok(DrillReport {
        statuses: tally.statuses,
        transport_errors: tally.transport_errors,
        unavailable_without_retry_after: tally.no_retry_after,
        acknowledged: tally.acknowledged.len() as u64,
        lost,
        command_seconds,
    })
}

/// Prints the report as Markdown.
pub fn print(report: &DrillReport) {
    println!("\n| status | answers |\n|---|---:|");
    for (status, n) in &report.statuses {
        println!("| {status} | {n} |");
    }
    println!("| no answer (transport error) | {} |", report.transport_errors);
    println!(
        "\nacknowledged uploads: {}, lost: {}, 503 without Retry-After: {}, disruption took {:.1} s",
        report.acknowledged, report.lost, report.unavailable_without_retry_after, report.command_seconds
    );
}
