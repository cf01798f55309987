//! The original's tables, as they stand at its latest Alembic revision, read with one query
//! each and mapped to this server's rows.
//!
//! Mapping decisions (the original's quirks, contract §12):
//! - A `NULL` status (the column is nullable; the ORM default is `on_review`) is `on_review`.
//! - Timestamps are naive UTC in the original; they become UTC instants.
//! - Claims: the original links a result to at most one claim (`result._claim_report_id`);
//!   every earlier claim on it is orphaned (Q2). A linked claim gets `result_id`, an orphaned
//!   one none (its result cannot be known), and still answers without `resource_id`.
//! - Hidden results (`deleted`, Q1 and Q5) stay hidden. The original cannot tell an admin's
//!   delete from a claim's hide: a hidden result whose linked claim is pending counts as hidden
//!   by that claim (rejecting the claim restores it, Q1 fixed); every other hidden result counts
//!   as removed by an admin, so that no later claim rejection resurrects it.
//! - Submits: the item points at its submit (`_submit_report_id`); a submit whose item is gone
//!   has nothing to moderate and is skipped.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, QueryResult, Statement};

use super::sync::{self, Row};
use super::{BATCH, ImportError, TableCount, source_exec};
use crate::entity::{benchmark, claim, flavor, result, result_tag, site, submit, tag, user};

/// The Alembic revision of eosc-perf-backend 1.2.3 ("Add benchmark URL").
pub const SOURCE_REVISION: &str = "112055db4eff";

/// Fails unless the source is at [`SOURCE_REVISION`].
pub(super) async fn check_revision(snapshot: &impl ConnectionTrait) -> Result<(), ImportError> {
    let has_table = snapshot
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT to_regclass('alembic_version') IS NOT NULL AS present",
        ))
        .await
        .map_err(ImportError::Source)?
        .map(|row| row.try_get::<bool>("", "present"))
        .transpose()
        .map_err(ImportError::Source)?
        .unwrap_or(false);
    let found = if has_table {
        snapshot
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT version_num FROM alembic_version",
            ))
            .await
            .map_err(ImportError::Source)?
            .map(|row| row.try_get::<String>("", "version_num"))
            .transpose()
            .map_err(ImportError::Source)?
    } else {
        None
    };
    if found.as_deref() == Some(SOURCE_REVISION) { Ok(()) } else { Err(ImportError::Revision { found }) }
}

/// A source table, in an order that satisfies the target's foreign keys.
#[derive(Debug, Clone, Copy)]
pub(super) enum Table {
    User,
    Tag,
    Benchmark,
    Site,
    Flavor,
    Result,
    ResultTag,
    Claim,
    Submit,
}

/// Every table, in import order.
pub(super) const TABLES: [Table; 9] = [
    Table::User,
    Table::Tag,
    Table::Benchmark,
    Table::Site,
    Table::Flavor,
    Table::Result,
    Table::ResultTag,
    Table::Claim,
    Table::Submit,
];

const UPLOADED: &str =
    "uploader_sub, uploader_iss, upload_datetime, COALESCE(status::text, 'on_review') AS status";

impl Table {
    /// Copies this table from the source snapshot into `target`.
    pub(super) async fn copy(
        self,
        snapshot: &impl ConnectionTrait,
        target: &DatabaseConnection,
    ) -> Result<TableCount, ImportError> {
        match self {
            Table::User => copy(snapshot, target, "user", USER, user_row).await,
            Table::Tag => copy(snapshot, target, "tag", TAG, tag_row).await,
            Table::Benchmark => copy(snapshot, target, "benchmark", &benchmark_sql(), benchmark_row).await,
            Table::Site => copy(snapshot, target, "site", &site_sql(), site_row).await,
            Table::Flavor => copy(snapshot, target, "flavor", &flavor_sql(), flavor_row).await,
            Table::Result => copy(snapshot, target, "result", RESULT, result_row).await,
            Table::ResultTag => copy(snapshot, target, "result_tag", RESULT_TAG, result_tag_row).await,
            Table::Claim => copy(snapshot, target, "claim", &claim_sql(), claim_row).await,
            Table::Submit => copy(snapshot, target, "submit", SUBMIT, submit_row).await,
        }
    }
}

/// Reads `sql` through a cursor, [`BATCH`] rows at a time, maps each row (`None`: skipped)
/// and syncs each batch into `target`.
async fn copy<R: Row>(
    snapshot: &impl ConnectionTrait,
    target: &DatabaseConnection,
    table: &'static str,
    sql: &str,
    map: fn(&QueryResult) -> Result<Option<R>, DbErr>,
) -> Result<TableCount, ImportError> {
    let mut count = TableCount { table, ..TableCount::default() };
    // One cursor name per table: the driver caches a statement's columns by its text.
    let cursor = format!("import_{table}");
    source_exec(snapshot, &format!("DECLARE {cursor} NO SCROLL CURSOR FOR {sql}")).await?;
    let fetch = format!("FETCH FORWARD {BATCH} FROM {cursor}");
    loop {
        let rows = snapshot
            .query_all_raw(Statement::from_string(DbBackend::Postgres, fetch.clone()))
            .await
            .map_err(ImportError::Source)?;
        if rows.is_empty() {
            break;
        }
        count.read += rows.len() as u64;
        let mut batch = Vec::with_capacity(rows.len());
        for row in &rows {
            match map(row).map_err(ImportError::Source)? {
                Some(mapped) => batch.push(mapped),
                None => count.skipped += 1,
            }
        }
        sync::sync_batch(target, batch, &mut count)
            .await
            .map_err(|error| ImportError::Target { table, error })?;
    }
    source_exec(snapshot, &format!("CLOSE {cursor}")).await?;
    Ok(count)
}

fn utc(row: &QueryResult, column: &str) -> Result<chrono::DateTime<chrono::Utc>, DbErr> {
    Ok(row.try_get::<chrono::NaiveDateTime>("", column)?.and_utc())
}

fn get<T: sea_orm::TryGetable>(row: &QueryResult, column: &str) -> Result<T, DbErr> {
    row.try_get::<T>("", column)
}

const USER: &str = r#"SELECT sub, iss, email, registration_datetime FROM "user""#;

fn user_row(row: &QueryResult) -> Result<Option<user::Model>, DbErr> {
    Ok(Some(user::Model {
        sub: get(row, "sub")?,
        iss: get(row, "iss")?,
        email: get(row, "email")?,
        registration_datetime: utc(row, "registration_datetime")?,
    }))
}

const TAG: &str = "SELECT id, name, description FROM tag";

fn tag_row(row: &QueryResult) -> Result<Option<tag::Model>, DbErr> {
    Ok(Some(tag::Model {
        id: get(row, "id")?,
        name: get(row, "name")?,
        description: get(row, "description")?,
    }))
}

fn benchmark_sql() -> String {
    format!(
        "SELECT id, docker_image, docker_tag, url, json_schema::jsonb AS json_schema, description, {UPLOADED} \
         FROM benchmark"
    )
}

fn benchmark_row(row: &QueryResult) -> Result<Option<benchmark::Model>, DbErr> {
    Ok(Some(benchmark::Model {
        id: get(row, "id")?,
        docker_image: get(row, "docker_image")?,
        docker_tag: get(row, "docker_tag")?,
        url: get(row, "url")?,
        json_schema: get(row, "json_schema")?,
        description: get(row, "description")?,
        uploader_sub: get(row, "uploader_sub")?,
        uploader_iss: get(row, "uploader_iss")?,
        upload_datetime: utc(row, "upload_datetime")?,
        status: get(row, "status")?,
    }))
}

fn site_sql() -> String {
    format!("SELECT id, name, address, description, {UPLOADED} FROM site")
}

fn site_row(row: &QueryResult) -> Result<Option<site::Model>, DbErr> {
    Ok(Some(site::Model {
        id: get(row, "id")?,
        name: get(row, "name")?,
        address: get(row, "address")?,
        description: get(row, "description")?,
        uploader_sub: get(row, "uploader_sub")?,
        uploader_iss: get(row, "uploader_iss")?,
        upload_datetime: utc(row, "upload_datetime")?,
        status: get(row, "status")?,
    }))
}

fn flavor_sql() -> String {
    format!("SELECT id, name, description, site_id, {UPLOADED} FROM flavor")
}

fn flavor_row(row: &QueryResult) -> Result<Option<flavor::Model>, DbErr> {
    Ok(Some(flavor::Model {
        id: get(row, "id")?,
        name: get(row, "name")?,
        description: get(row, "description")?,
        site_id: get(row, "site_id")?,
        uploader_sub: get(row, "uploader_sub")?,
        uploader_iss: get(row, "uploader_iss")?,
        upload_datetime: utc(row, "upload_datetime")?,
        status: get(row, "status")?,
        // The original has no typed specs.
        vcpus: None,
        memory_gib: None,
        gpu_model: None,
        gpu_count: None,
        architecture: None,
        disk_gib: None,
        region: None,
        price_amount: None,
        price_currency: None,
        price_per: None,
        price_as_of: None,
    }))
}

/// A hidden result counts as hidden by a claim only when the claim it links is pending.
const RESULT: &str = "SELECT r.id, r.execution_datetime, r.json, r.benchmark_id, r.site_id, r.flavor_id, \
     r.deleted, r.deleted AND NOT EXISTS (SELECT 1 FROM claim c WHERE c.id = r._claim_report_id \
     AND COALESCE(c.status::text, 'on_review') = 'on_review') AS deleted_by_admin, \
     r.uploader_sub, r.uploader_iss, r.upload_datetime FROM result r";

fn result_row(row: &QueryResult) -> Result<Option<result::Model>, DbErr> {
    Ok(Some(result::Model {
        id: get(row, "id")?,
        execution_datetime: utc(row, "execution_datetime")?,
        json: get(row, "json")?,
        benchmark_id: get(row, "benchmark_id")?,
        site_id: get(row, "site_id")?,
        flavor_id: get(row, "flavor_id")?,
        deleted: get(row, "deleted")?,
        deleted_by_admin: get(row, "deleted_by_admin")?,
        uploader_sub: get(row, "uploader_sub")?,
        uploader_iss: get(row, "uploader_iss")?,
        upload_datetime: utc(row, "upload_datetime")?,
    }))
}

const RESULT_TAG: &str = "SELECT result_id, tag_id FROM result_tags";

fn result_tag_row(row: &QueryResult) -> Result<Option<result_tag::Model>, DbErr> {
    Ok(Some(result_tag::Model { result_id: get(row, "result_id")?, tag_id: get(row, "tag_id")? }))
}

/// The result that links each claim, if any (one pass over `result`, not one per claim).
fn claim_sql() -> String {
    format!(
        "SELECT c.id, c.message, linked.id AS result_id, {UPLOADED} FROM claim c \
         LEFT JOIN (SELECT DISTINCT ON (_claim_report_id) _claim_report_id, id FROM result \
         WHERE _claim_report_id IS NOT NULL ORDER BY _claim_report_id, id) linked \
         ON linked._claim_report_id = c.id"
    )
}

fn claim_row(row: &QueryResult) -> Result<Option<claim::Model>, DbErr> {
    Ok(Some(claim::Model {
        id: get(row, "id")?,
        message: get(row, "message")?,
        result_id: get(row, "result_id")?,
        uploader_sub: get(row, "uploader_sub")?,
        uploader_iss: get(row, "uploader_iss")?,
        upload_datetime: utc(row, "upload_datetime")?,
        status: get(row, "status")?,
    }))
}

/// Each submit with the item that points at it (of its own type) and that item's uploader.
const SUBMIT: &str = "SELECT DISTINCT ON (s.id) s.id, s.resource_type, s.upload_datetime, \
     b.id AS benchmark_id, si.id AS site_id, f.id AS flavor_id, c.id AS claim_id, \
     COALESCE(b.uploader_sub, si.uploader_sub, f.uploader_sub, c.uploader_sub) AS uploader_sub, \
     COALESCE(b.uploader_iss, si.uploader_iss, f.uploader_iss, c.uploader_iss) AS uploader_iss \
     FROM submit s \
     LEFT JOIN benchmark b ON s.resource_type = 'benchmark' AND b._submit_report_id = s.id \
     LEFT JOIN site si ON s.resource_type = 'site' AND si._submit_report_id = s.id \
     LEFT JOIN flavor f ON s.resource_type = 'flavor' AND f._submit_report_id = s.id \
     LEFT JOIN claim c ON s.resource_type = 'claim' AND c._submit_report_id = s.id \
     ORDER BY s.id";

fn submit_row(row: &QueryResult) -> Result<Option<submit::Model>, DbErr> {
    let (Some(uploader_sub), Some(uploader_iss)) =
        (get::<Option<String>>(row, "uploader_sub")?, get::<Option<String>>(row, "uploader_iss")?)
    else {
        return Ok(None);
    };
    Ok(Some(submit::Model {
        id: get(row, "id")?,
        resource_type: get(row, "resource_type")?,
        benchmark_id: get(row, "benchmark_id")?,
        site_id: get(row, "site_id")?,
        flavor_id: get(row, "flavor_id")?,
        claim_id: get(row, "claim_id")?,
        uploader_sub,
        uploader_iss,
        upload_datetime: utc(row, "upload_datetime")?,
    }))
}
