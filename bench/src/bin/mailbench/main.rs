//! `mailbench`: measures the mail outbox with the real `MailDeliverer` against a loopback SMTP
//! sink that records each message's arrival time and `Message-ID`.
//!
//! - `drain`: N mails already queued, one deliverer started: mails per second until the last
//!   arrives.
//! - `sustained`: one deliverer, mails committed at a steady rate (each in its own transaction,
//!   as requests do): delay from commit to arrival (p50, p99, max).
//! - `replicas`: two deliverers with their own connection pools on one database (two replicas),
//!   half the mails queued before they start and half written during the run through both:
//!   duplicates (a `Message-ID` seen twice) and missing mails.
//!
//! ```sh
//! cargo build --release -p eosc-perf-bench --bin mailbench
//! target/release/mailbench --database-url postgres://postgres@127.0.0.1/mailbench
//! ```
//!
//! It empties `mail_outbox` first: use a database of its own. Nothing here is a pass/fail gate.

mod sink;

use std::{
    collections::{HashMap, HashSet},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use clap::Parser;
use domain::mail::OutboundMail;
use infra::{
    DbConfig,
    entity::mail_outbox,
    outbox::{self, MailConfig, MailDeliverer, MailSignal},
};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, TransactionTrait};
use sink::Sink;
use tokio::{sync::oneshot, task::JoinSet};

#[derive(Parser, Debug)]
#[command(about = "Throughput, delay and duplicates of the mail outbox")]
struct Args {
    /// Database (migrated; its outbox is emptied).
    #[arg(long, default_value = "sqlite:///tmp/eosc-perf-mailbench.db?mode=rwc")]
    database_url: String,
    /// Scenarios to run, comma separated: drain, sustained, replicas.
    #[arg(long, value_delimiter = ',', default_value = "drain,sustained,replicas")]
    scenarios: Vec<String>,
    /// Mails of the drain and replicas scenarios.
    #[arg(long, default_value_t = 5_000)]
    mails: usize,
    /// Mails per second of the sustained scenario.
    #[arg(long, default_value_t = 100)]
    rate: u32,
    /// Seconds of the sustained scenario.
    #[arg(long, default_value_t = 15)]
    seconds: u64,
    /// `MAIL_CONCURRENCY` of each deliverer.
    #[arg(long, default_value_t = MailConfig::DEFAULT_CONCURRENCY)]
    concurrency: usize,
    /// Concurrent writers of the replicas scenario.
    #[arg(long, default_value_t = 16)]
    writers: usize,
}

/// One row of the report.
#[derive(Default)]
struct Figures {
    scenario: String,
    mails: usize,
    seconds: f64,
    delays: Vec<Duration>,
    duplicates: usize,
    missing: usize,
    by_deliverer: String,
}

/// A deliverer with its own pool, as a replica has.
struct Replica {
    db: DatabaseConnection,
    signal: MailSignal,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Replica {
    async fn start(args: &Args, sink: &Sink, name: &str) -> anyhow::Result<Self> {
        let db = infra::connect(&DbConfig::new(args.database_url.clone())).await?;
        let config = MailConfig {
            server: Some("127.0.0.1".into()),
            port: sink.port(),
            from: format!("{name}@bench.example.org"),
            concurrency: args.concurrency,
            ..MailConfig::default()
        };
        let signal = MailSignal::new();
        let (stop, stopped) = oneshot::channel::<()>();
        let deliverer = MailDeliverer::new(db.clone(), config, signal.clone());
        let task = tokio::spawn(deliverer.run_until(async {
            let _ = stopped.await;
        }));
        Ok(Self { db, signal, stop, task })
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
        let _ = self.db.close().await;
    }
}

fn bench_mail(seq: usize) -> OutboundMail {
    OutboundMail {
        to: vec!["someone@example.org".into()],
        cc: vec!["support@example.org".into()],
        subject: format!("bench {seq}"),
        headers: vec![("Resource-ID".into(), seq.to_string())],
        body: format!("Mail {seq} of the outbox benchmark.\nA few lines of text, as a notification has.\n"),
    }
}

/// Queues mails `range` in transactions of 100, waking nobody.
async fn queue_backlog(db: &DatabaseConnection, range: std::ops::Range<usize>) -> anyhow::Result<()> {
    let seqs: Vec<usize> = range.collect();
    for chunk in seqs.chunks(100) {
        let txn = db.begin().await?;
        for seq in chunk {
            outbox::enqueue(&txn, &bench_mail(*seq)).await?;
        }
        txn.commit().await?;
    }
    Ok(())
}

/// Commits one mail in its own transaction and wakes its deliverer; returns when it committed.
async fn commit_mail(
    db: DatabaseConnection,
    signal: MailSignal,
    seq: usize,
) -> anyhow::Result<(usize, Instant)> {
    let txn = db.begin().await?;
    outbox::enqueue(&txn, &bench_mail(seq)).await?;
    signal.commit(txn).await?;
    Ok((seq, Instant::now()))
}

/// Waits until `n` distinct mails arrived (or a minute without progress).
async fn wait_for(sink: &Sink, n: usize) {
    let (mut last, mut progress) = (0, Instant::now());
    loop {
        let count = sink.count();
        if count >= n || progress.elapsed() > Duration::from_secs(60) {
            return;
        }
        if count > last {
            (last, progress) = (count, Instant::now());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Counts duplicates, missing mails and mails per envelope sender, and the commit-to-arrival
/// delays of the mails in `committed`; waits a moment first so that late duplicates count.
async fn tally(sink: &Sink, expected: usize, committed: &HashMap<usize, Instant>, figures: &mut Figures) {
    tokio::time::sleep(Duration::from_secs(2)).await;
    let arrivals = sink.arrivals();
    let distinct: HashSet<&str> = arrivals.iter().map(|a| a.message_id.as_str()).collect();
    figures.duplicates = arrivals.len() - distinct.len();
    figures.missing = expected.saturating_sub(distinct.len());
    let mut by_from: HashMap<&str, usize> = HashMap::new();
    for arrival in &arrivals {
        *by_from.entry(arrival.from.split('@').next().unwrap_or_default()).or_default() += 1;
        let seq = arrival.subject.strip_prefix("bench ").and_then(|s| s.parse::<usize>().ok());
        if let Some(at) = seq.and_then(|s| committed.get(&s)) {
            figures.delays.push(arrival.at.saturating_duration_since(*at));
        }
    }
    let mut split: Vec<String> = by_from.into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
    split.sort();
    figures.by_deliverer = split.join(", ");
    figures.delays.sort();
}

async fn drain(args: &Args, db: &DatabaseConnection, sink: &Sink) -> anyhow::Result<Figures> {
    queue_backlog(db, 0..args.mails).await?;
    let replica = Replica::start(args, sink, "a").await?;
    let started = Instant::now();
    wait_for(sink, args.mails).await;
    let last = sink.arrivals().iter().map(|a| a.at).max().unwrap_or(started);
    let mut figures = Figures {
        scenario: "drain".into(),
        mails: args.mails,
        seconds: last.duration_since(started).as_secs_f64(),
        ..Figures::default()
    };
    tally(sink, args.mails, &HashMap::new(), &mut figures).await;
    replica.stop().await;
    Ok(figures)
}

async fn sustained(args: &Args, sink: &Sink) -> anyhow::Result<Figures> {
    let replica = Replica::start(args, sink, "a").await?;
    let total = usize::try_from(u64::from(args.rate) * args.seconds)?;
    let mut ticks = tokio::time::interval(Duration::from_secs(1) / args.rate.max(1));
    let mut writes = JoinSet::new();
    let started = Instant::now();
    for seq in 0..total {
        ticks.tick().await;
        writes.spawn(commit_mail(replica.db.clone(), replica.signal.clone(), seq));
    }
    let committed: HashMap<usize, Instant> = writes.join_all().await.into_iter().collect::<Result<_, _>>()?;
    wait_for(sink, total).await;
    let last = sink.arrivals().iter().map(|a| a.at).max().unwrap_or(started);
    let mut figures = Figures {
        scenario: format!("sustained {} mails/s", args.rate),
        mails: total,
        seconds: last.duration_since(started).as_secs_f64(),
        ..Figures::default()
    };
    tally(sink, total, &committed, &mut figures).await;
    replica.stop().await;
    Ok(figures)
}

async fn replicas(args: &Args, db: &DatabaseConnection, sink: &Sink) -> anyhow::Result<Figures> {
    let backlog = args.mails / 2;
    queue_backlog(db, 0..backlog).await?;
    let pair = [Replica::start(args, sink, "a").await?, Replica::start(args, sink, "b").await?];
    let started = Instant::now();
    let mut writes = JoinSet::new();
    let mut next = backlog;
    let mut committed = HashMap::new();
    while next < args.mails || !writes.is_empty() {
        while next < args.mails && writes.len() < args.writers {
            let replica = &pair[next % 2];
            writes.spawn(commit_mail(replica.db.clone(), replica.signal.clone(), next));
            next += 1;
        }
        if let Some(done) = writes.join_next().await {
            let (seq, at) = done??;
            committed.insert(seq, at);
        }
    }
    wait_for(sink, args.mails).await;
    let last = sink.arrivals().iter().map(|a| a.at).max().unwrap_or(started);
    let mut figures = Figures {
        scenario: "two replicas".into(),
        mails: args.mails,
        seconds: last.duration_since(started).as_secs_f64(),
        ..Figures::default()
    };
    tally(sink, args.mails, &committed, &mut figures).await;
    for replica in pair {
        replica.stop().await;
    }
    Ok(figures)
}

fn percentile(sorted: &[Duration], p: f64) -> String {
    if sorted.is_empty() {
        return "-".into();
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    format!("{:.1}", sorted[index.min(sorted.len() - 1)].as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let db = infra::connect(&DbConfig::new(args.database_url.clone()))
        .await
        .with_context(|| format!("connecting to {}", infra::config::redact(&args.database_url)))?;
    infra::migrate(&db).await.context("migrating")?;
    let sink = Sink::start().await?;
    let mut report = Vec::new();
    for scenario in &args.scenarios {
        mail_outbox::Entity::delete_many().exec(&db).await?;
        sink.clear();
        eprintln!("{scenario}…");
        let figures = match scenario.as_str() {
            "drain" => drain(&args, &db, &sink).await?,
            "sustained" => sustained(&args, &sink).await?,
            "replicas" => replicas(&args, &db, &sink).await?,
            other => bail!("unknown scenario {other}"),
        };
        let left = mail_outbox::Entity::find().count(&db).await?;
        if left > 0 {
            eprintln!("{scenario}: {left} mails left in the outbox");
        }
        report.push(figures);
    }
    let backend = if args.database_url.starts_with("sqlite:") { "SQLite" } else { "PostgreSQL" };
    println!("\n{backend}, MAIL_CONCURRENCY={}, loopback SMTP sink\n", args.concurrency);
    println!(
        "| scenario | mails | s | mails/s | p50 ms | p99 ms | max ms | duplicates | missing | sent by |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for f in report {
        println!(
            "| {} | {} | {:.1} | {:.0} | {} | {} | {} | {} | {} | {} |",
            f.scenario,
            f.mails,
            f.seconds,
            f.mails as f64 / f.seconds.max(f64::EPSILON),
            percentile(&f.delays, 0.50),
            percentile(&f.delays, 0.99),
            percentile(&f.delays, 1.0),
            f.duplicates,
            f.missing,
            f.by_deliverer,
        );
    }
    Ok(())
}
