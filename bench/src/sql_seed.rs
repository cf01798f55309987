//! Seeding through SQL: results and their tag links streamed into PostgreSQL with
//! `COPY … FROM STDIN` through `psql`, in one transaction (the change counter's triggers fire
//! once per statement), then `ANALYZE`. The rows are what an upload stores: documents from
//! [`crate::documents`], each on one of the approved flavors (and its site), a third with a
//! tag, execution dates spread over four years.
//!
//! The result table's secondary indexes are dropped for the copy and built again from their
//! definitions in the catalog (so they stay whatever the migrations made them): building an
//! index once is about twice as fast as maintaining it row by row (GIN above all). The table
//! is locked meanwhile, so seed a database nobody else uses. Foreign keys are not checked row
//! by row (`session_replication_role = replica`, which needs a superuser such as `postgres`):
//! every row refers to rows that exist by construction. As a replica fires no trigger, the
//! derived data is built afterwards ([`crate::rederive`]).

use std::{
    io::{BufWriter, Write},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use uuid::Uuid;

use crate::documents::{pick, result_document};

/// What to insert.
pub struct SeedPlan<'a> {
    /// The bench database (`postgres://…`).
    pub url: &'a str,
    /// The c-ray benchmark.
    pub benchmark: &'a str,
    /// Approved flavors with their site: (flavor id, site id).
    pub flavors: &'a [(String, String)],
    /// Tags to link.
    pub tags: &'a [String],
    /// The uploader: (sub, iss) of a registered user.
    pub uploader: (&'a str, &'a str),
    /// Number of the first result (documents and ids follow from it).
    pub first: u64,
    /// How many results to add.
    pub count: u64,
}

/// Keeps the definitions of the result table's indexes that no constraint owns (the primary
/// key stays: foreign keys refer to it) until the transaction ends.
const SAVE_INDEXES: &str = "CREATE TEMP TABLE seed_indexes ON COMMIT DROP AS SELECT indexname, indexdef \
    FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'result' AND indexname NOT IN \
    (SELECT conname FROM pg_constraint WHERE conrelid = 'result'::regclass);";

/// The id of result `n`: random-looking, fixed for `n`.
fn result_id(n: u64) -> Uuid {
    let bytes = (u128::from(pick(n, 11, u64::MAX)) << 64 | u128::from(pick(n, 12, u64::MAX))).to_be_bytes();
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// A timestamp for `COPY`: `seconds` after 2020-01-01 UTC.
fn timestamp(seconds: u64) -> String {
    let base = chrono::DateTime::from_timestamp(1_577_836_800, 0).unwrap_or_default();
    let at = base + chrono::Duration::seconds(i64::try_from(seconds).unwrap_or(0));
    at.format("%Y-%m-%d %H:%M:%S+00").to_string()
}

/// Inserts `plan.count` results; returns how long it took.
///
/// # Errors
/// When `psql` cannot be run or rejects the data.
pub fn seed(plan: &SeedPlan<'_>) -> anyhow::Result<Duration> {
    if plan.flavors.is_empty() || plan.tags.is_empty() {
        bail!("no flavors or tags to seed with");
    }
    let start = Instant::now();
    let mut psql = Command::new("psql")
        .args([plan.url, "-q", "-v", "ON_ERROR_STOP=1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .context("running psql")?;
    let stdin = psql.stdin.take().context("psql stdin")?;
    let mut out = BufWriter::with_capacity(1 << 20, stdin);
    write_script(&mut out, plan).context("streaming rows to psql")?;
    drop(out);
    let status = psql.wait()?;
    if !status.success() {
        bail!("psql failed: {status}");
    }
    Ok(start.elapsed())
}

fn write_script(out: &mut impl Write, plan: &SeedPlan<'_>) -> anyhow::Result<()> {
    let (sub, iss) = plan.uploader;
    writeln!(out, "BEGIN;")?;
    writeln!(out, "SET LOCAL maintenance_work_mem = '256MB';")?;
    // The rows refer to existing ones by construction: no per-row foreign key checks (their
    // triggers, like every trigger, do not fire for a replica). The change counter, whose
    // triggers are skipped too, is bumped by hand below.
    writeln!(out, "SET LOCAL session_replication_role = replica;")?;
    writeln!(out, "{SAVE_INDEXES}")?;
    writeln!(
        out,
        "DO $$ DECLARE i record; BEGIN FOR i IN SELECT indexname FROM seed_indexes LOOP EXECUTE format('DROP INDEX %I', i.indexname); END LOOP; END $$;"
    )?;
    writeln!(
        out,
        "COPY result (id, execution_datetime, json, benchmark_id, site_id, flavor_id, deleted, \
         deleted_by_admin, uploader_sub, uploader_iss, upload_datetime) FROM STDIN;"
    )?;
    let mut links = Vec::new();
    let upload = 4 * 365 * 86_400;
    for n in plan.first..plan.first + plan.count {
        let id = result_id(n);
        let (flavor, site) = &plan.flavors[pick(n, 1, plan.flavors.len() as u64) as usize];
        // COPY's text format treats backslashes as escapes; compact JSON has no tabs or newlines.
        let json = result_document(n).to_string().replace('\\', "\\\\");
        let executed = timestamp(pick(n, 2, upload));
        let uploaded = timestamp(upload + n);
        writeln!(
            out,
            "{id}\t{executed}\t{json}\t{}\t{site}\t{flavor}\tf\tf\t{sub}\t{iss}\t{uploaded}",
            plan.benchmark
        )?;
        if n % 3 == 0 {
            links.push((id, &plan.tags[pick(n, 3, plan.tags.len() as u64) as usize]));
        }
    }
    writeln!(out, "\\.")?;
    writeln!(
        out,
        "DO $$ DECLARE i record; BEGIN FOR i IN SELECT indexdef FROM seed_indexes LOOP EXECUTE i.indexdef; END LOOP; END $$;"
    )?;
    writeln!(out, "COPY result_tag (result_id, tag_id) FROM STDIN;")?;
    for (id, tag) in links {
        writeln!(out, "{id}\t{tag}")?;
    }
    writeln!(out, "\\.")?;
    writeln!(out, "UPDATE change_counter SET n = n + 1 WHERE id = 1;")?;
    writeln!(out, "COMMIT;")?;
    writeln!(out, "ANALYZE result;")?;
    writeln!(out, "ANALYZE result_tag;")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_script_has_one_row_per_result_and_a_link_for_every_third() {
        let flavors = [("f".to_owned(), "s".to_owned())];
        let tags = ["t".to_owned()];
        let plan = super::SeedPlan {
            url: "",
            benchmark: "b",
            flavors: &flavors,
            tags: &tags,
            uploader: ("sub", "iss"),
            first: 0,
            count: 6,
        };
        let mut out = Vec::new();
        super::write_script(&mut out, &plan).unwrap();
        let text = String::from_utf8(out).unwrap();
        let rows: Vec<&str> = text.lines().filter(|l| l.contains("\tsub\tiss\t")).collect();
        assert_eq!(rows.len(), 6);
        assert!(rows.iter().all(|r| r.split('\t').count() == 11), "{rows:?}");
        assert_eq!(text.lines().filter(|l| l.ends_with("\tt")).count(), 2);
        assert_eq!(super::result_id(3), super::result_id(3));
        assert_ne!(super::result_id(3), super::result_id(4));
        assert_eq!(super::timestamp(86_400), "2020-01-02 00:00:00+00");
    }
}
