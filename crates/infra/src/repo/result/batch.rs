//! Batch inserts and idempotency records: results go in with multi-row `INSERT`s (a few
//! statements per thousand results), in the transaction that claims the upload's idempotency
//! key, if any. The key's row (`idempotency_key`, primary key (user, key)) is inserted first
//! with `ON CONFLICT DO NOTHING`: a concurrent upload under the same key waits on PostgreSQL
//! until the first commits (SQLite serializes writers anyway), then inserts nothing and stores
//! nothing.

use chrono::{DateTime, Utc};
use domain::{
    RepoError, ResultId,
    idempotency::{IDEMPOTENCY_WINDOW, IdempotencyRecord, Stored},
    result::{BenchmarkResult, NewResult},
    user::UserKey,
};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseTransaction, EntityTrait, Set,
    sea_query::{Alias, Expr, ExprTrait, OnConflict, Query},
};
use uuid::Uuid;

use super::{
    SeaResultRepository, derived_writes,
    query::{Joins, Scope, base_query, col},
};
use crate::{
    entity::{result, result_tag},
    error::DbResultExt,
    repo::common::begin_write,
};

/// Rows per `INSERT` of results (11 parameters each: well within SQLite's 32,766).
const RESULT_ROWS_PER_STATEMENT: usize = 1000;
/// Rows per `INSERT` of tag links (2 parameters each).
const LINK_ROWS_PER_STATEMENT: usize = 5000;

const TABLE: &str = "idempotency_key";

/// The row of a new result.
pub(super) fn result_row(new: &NewResult) -> result::ActiveModel {
    result::ActiveModel {
        id: Set(new.id.uuid()),
        execution_datetime: Set(new.execution_datetime),
        json: Set(new.json.clone()),
        benchmark_id: Set(new.benchmark_id.uuid()),
        site_id: Set(new.site_id.uuid()),
        flavor_id: Set(new.flavor_id.uuid()),
        deleted: Set(false),
        deleted_by_admin: Set(false),
        uploader_sub: Set(new.uploader.sub.clone()),
        uploader_iss: Set(new.uploader.iss.clone()),
        upload_datetime: Set(new.upload_datetime),
    }
}

/// Inserts results and their tag links inside `txn`, in chunks, and on PostgreSQL their derived
/// data too, with the insert triggers off ([`derived_writes`]).
pub(super) async fn insert_rows(txn: &DatabaseTransaction, new: &[NewResult]) -> Result<(), RepoError> {
    let derive_here = txn.get_database_backend() == DatabaseBackend::Postgres;
    if derive_here {
        txn.execute_unprepared(derived_writes::TRIGGERS_OFF).await.repo()?;
    }
    for chunk in new.chunks(RESULT_ROWS_PER_STATEMENT) {
        result::Entity::insert_many(chunk.iter().map(result_row)).exec_without_returning(txn).await.repo()?;
    }
    let links: Vec<(Uuid, Uuid)> =
        new.iter().flat_map(|n| n.tags_ids.iter().map(move |t| (n.id.uuid(), t.uuid()))).collect();
    for chunk in links.chunks(LINK_ROWS_PER_STATEMENT) {
        let rows = chunk.iter().map(|(result_id, tag_id)| result_tag::ActiveModel {
            result_id: Set(*result_id),
            tag_id: Set(*tag_id),
        });
        result_tag::Entity::insert_many(rows).exec_without_returning(txn).await.repo()?;
    }
    if derive_here {
        derived_writes::write(txn, new).await?;
    }
    Ok(())
}

/// Deletes expired records, then claims the record's key: false when it is taken.
async fn claim_key(txn: &DatabaseTransaction, record: &IdempotencyRecord) -> Result<bool, RepoError> {
    let purge = Query::delete()
        .from_table(Alias::new(TABLE))
        .and_where(Expr::col(Alias::new("created_at")).lt(record.created_at - IDEMPOTENCY_WINDOW))
        .to_owned();
    txn.execute(&purge).await.repo()?;
    let ids = serde_json::to_string(&record.result_ids).map_err(|e| RepoError::Backend(e.to_string()))?;
    let [sub, iss, key] = ["user_sub", "user_iss", "key"].map(Alias::new);
    let claim = Query::insert()
        .into_table(Alias::new(TABLE))
        .columns([
            sub.clone(),
            iss.clone(),
            key.clone(),
            Alias::new("fingerprint"),
            Alias::new("result_ids"),
            Alias::new("created_at"),
        ])
        .values([
            record.user.sub.clone().into(),
            record.user.iss.clone().into(),
            record.key.clone().into(),
            record.fingerprint.clone().into(),
            ids.into(),
            record.created_at.into(),
        ])
        .map_err(|e| RepoError::Backend(e.to_string()))?
        .on_conflict(OnConflict::columns([sub, iss, key]).do_nothing().to_owned())
        .to_owned();
    Ok(txn.execute(&claim).await.repo()?.rows_affected() > 0)
}

impl SeaResultRepository {
    pub(super) async fn insert_batch_once(
        &self,
        new: &[NewResult],
        remember: Option<&IdempotencyRecord>,
    ) -> Result<Stored, RepoError> {
        let txn = begin_write(&self.db).await?;
        if let Some(record) = remember
            && !claim_key(&txn, record).await?
        {
            return Ok(Stored::KeyTaken);
        }
        insert_rows(&txn, new).await?;
        txn.commit().await.repo()?;
        Ok(Stored::Inserted)
    }

    pub(super) async fn remembered_once(
        &self,
        user: &UserKey,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<IdempotencyRecord>, RepoError> {
        let q = Query::select()
            .columns([Alias::new("fingerprint"), Alias::new("result_ids"), Alias::new("created_at")])
            .from(Alias::new(TABLE))
            .and_where(Expr::col(Alias::new("user_sub")).eq(user.sub.as_str()))
            .and_where(Expr::col(Alias::new("user_iss")).eq(user.iss.as_str()))
            .and_where(Expr::col(Alias::new("key")).eq(key))
            .and_where(Expr::col(Alias::new("created_at")).gte(since))
            .to_owned();
        let Some(row) = self.db.query_one(&q).await.repo()? else { return Ok(None) };
        let ids: String = row.try_get("", "result_ids").repo()?;
        Ok(Some(IdempotencyRecord {
            user: user.clone(),
            key: key.to_owned(),
            fingerprint: row.try_get("", "fingerprint").repo()?,
            result_ids: serde_json::from_str(&ids).map_err(|e| RepoError::Backend(e.to_string()))?,
            created_at: row.try_get("", "created_at").repo()?,
        }))
    }

    pub(super) async fn find_many_once(&self, ids: &[ResultId]) -> Result<Vec<BenchmarkResult>, RepoError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = base_query(
            self.db.get_database_backend(),
            &domain::result::ResultFilter::default(),
            &Joins::default(),
            Scope::ById,
        );
        q.and_where(Expr::col(col(result::Column::Id)).is_in(ids.iter().map(|id| id.uuid())));
        let mut found: std::collections::HashMap<ResultId, BenchmarkResult> =
            self.load(q).await?.into_iter().map(|r| (r.id, r)).collect();
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }
}
