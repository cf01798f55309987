//! [`ModeratedRepository`] on SeaORM, once for every moderated kind, and what each kind's
//! table is ([`SeaModerated`]). Inserts go through the unit of work (`unit_of_work.rs`).

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use domain::{
    Id, Page, RepoError,
    moderated::{Moderated, ModeratedRepository},
    query::{ListParams, ModeratedSort},
    user::UserKey,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IdenStatic, ModelTrait,
    QueryFilter, sea_query::ValueType,
};
use uuid::Uuid;

use super::common::{status, stored_status};
use crate::{
    error::{DbResultExt, read_retrying},
    read_pools::ReadPools,
    sql::{date_condition, fetch_page, filter_if, sort_by, terms_condition},
};

/// The columns every moderated table has.
pub(crate) trait ModeratedColumns: ColumnTrait {
    /// `id`
    const ID: Self;
    /// `status`
    const STATUS: Self;
    /// `upload_datetime`
    const UPLOAD_DATETIME: Self;
    /// `uploader_sub`
    const UPLOADER_SUB: Self;
    /// `uploader_iss`
    const UPLOADER_ISS: Self;
}

/// Implements [`ModeratedColumns`] for the columns of the table module `$table`.
macro_rules! moderated_columns {
    ($table:ident) => {
        impl $crate::repo::moderated::ModeratedColumns for $crate::entity::$table::Column {
            const ID: Self = Self::Id;
            const STATUS: Self = Self::Status;
            const UPLOAD_DATETIME: Self = Self::UploadDatetime;
            const UPLOADER_SUB: Self = Self::UploaderSub;
            const UPLOADER_ISS: Self = Self::UploaderIss;
        }
    };
}
pub(crate) use moderated_columns;

/// The column of a field every moderated table has.
pub(crate) fn moderated_column<C: ModeratedColumns>(field: ModeratedSort) -> C {
    match field {
        ModeratedSort::Id => C::ID,
        ModeratedSort::UploadDatetime => C::UPLOAD_DATETIME,
        ModeratedSort::Status => C::STATUS,
        ModeratedSort::UploaderSub => C::UPLOADER_SUB,
        ModeratedSort::UploaderIss => C::UPLOADER_ISS,
    }
}

/// The columns of a moderated kind's table.
pub(crate) type ColumnOf<R> = <<R as SeaModerated>::Entity as EntityTrait>::Column;
/// A row of a moderated kind's table.
pub(crate) type RowOf<R> = <<R as SeaModerated>::Entity as EntityTrait>::Model;
/// A row of a moderated kind's table, to write.
pub(crate) type ActiveRowOf<R> = <<R as SeaModerated>::Entity as EntityTrait>::ActiveModel;

/// A moderated kind's table: its entity, its own columns (the moderation columns are
/// [`ModeratedColumns`]), its exact filters and its sort columns.
pub(crate) trait SeaModerated: Moderated {
    /// The table.
    type Entity: EntityTrait<Column: ModeratedColumns, Model: Send + Sync, ActiveModel: Send>;

    /// The submission a row holds (its own columns).
    ///
    /// # Errors
    /// `Backend` for a value no write of ours stores.
    fn submitted(row: RowOf<Self>) -> Result<Self::New, RepoError>;
    /// Its own columns, set (the others not).
    fn own_columns(&self) -> ActiveRowOf<Self>;
    /// The exact filters.
    fn condition(filter: &Self::Filter) -> Condition;
    /// The columns search terms look in.
    fn search_columns() -> Vec<ColumnOf<Self>>;
    /// The column of a sort field.
    fn sort_column(field: &Self::Sort) -> ColumnOf<Self>;
}

/// The value of a moderation column of a row.
fn column<R: SeaModerated, T: ValueType>(row: &RowOf<R>, column: ColumnOf<R>) -> Result<T, RepoError> {
    T::try_from(row.get(column)).map_err(|e| RepoError::Backend(format!("{}: {e}", column.as_str())))
}

/// A row to the domain's item.
///
/// # Errors
/// `Backend` for a row no migration writes.
pub(crate) fn to_domain<R: SeaModerated>(row: RowOf<R>) -> Result<R, RepoError> {
    let id = column::<R, Uuid>(&row, ColumnOf::<R>::ID)?;
    let status = status(&column::<R, String>(&row, ColumnOf::<R>::STATUS)?)?;
    let uploader = UserKey {
        sub: column::<R, String>(&row, ColumnOf::<R>::UPLOADER_SUB)?,
        iss: column::<R, String>(&row, ColumnOf::<R>::UPLOADER_ISS)?,
    };
    let at = column::<R, DateTime<Utc>>(&row, ColumnOf::<R>::UPLOAD_DATETIME)?;
    let mut item = R::pending(id.into(), R::submitted(row)?, uploader, at);
    *item.status_mut() = status;
    Ok(item)
}

/// The item as a row with every column set.
///
/// # Errors
/// `Backend` when a moderation column does not have the type of its value (a schema that
/// does not match its entity).
fn to_row<R: SeaModerated>(item: &R) -> Result<ActiveRowOf<R>, RepoError> {
    let mut row = item.own_columns();
    let header = item.moderation();
    row.try_set(ColumnOf::<R>::ID, header.id.uuid().into()).repo()?;
    row.try_set(ColumnOf::<R>::STATUS, stored_status(header.status).into()).repo()?;
    row.try_set(ColumnOf::<R>::UPLOADER_SUB, header.uploader.sub.clone().into()).repo()?;
    row.try_set(ColumnOf::<R>::UPLOADER_ISS, header.uploader.iss.clone().into()).repo()?;
    row.try_set(ColumnOf::<R>::UPLOAD_DATETIME, header.upload_datetime.into()).repo()?;
    Ok(row)
}

/// The exact-match filters of a list: each given value must equal its column.
pub(crate) fn exact<C: ColumnTrait>(filters: &[(C, &Option<String>)]) -> Condition {
    filters.iter().fold(Condition::all(), |cond, (column, value)| match value {
        Some(v) => cond.add(column.eq(v.as_str())),
        None => cond,
    })
}

/// Inserts a new item in the caller's transaction.
///
/// # Errors
/// Classified database errors: `Conflict` for a taken key or a missing reference.
pub(crate) async fn insert<R: SeaModerated, C: ConnectionTrait>(db: &C, item: &R) -> Result<(), RepoError> {
    R::Entity::insert(to_row(item)?).exec_without_returning(db).await.repo()?;
    Ok(())
}

/// [`ModeratedRepository`] of the kind `R` on SeaORM.
pub struct SeaModeratedRepository<R> {
    /// `SELECT`s where [`ReadPools::reader`] says, the rest on the primary.
    db: ReadPools,
    kind: PhantomData<fn() -> R>,
}

impl<R> SeaModeratedRepository<R> {
    /// Over these pools: reads where [`ReadPools::reader`] says, the rest on the primary.
    pub fn new(db: impl Into<ReadPools>) -> Self {
        Self { db: db.into(), kind: PhantomData }
    }
}

#[async_trait::async_trait]
impl<R: SeaModerated> ModeratedRepository<R> for SeaModeratedRepository<R> {
    async fn find(&self, id: Id<R>) -> Result<Option<R>, RepoError> {
        read_retrying(|| async move {
            let row = R::Entity::find().filter(ColumnOf::<R>::ID.eq(id.uuid())).one(&self.db).await.repo()?;
            row.map(to_domain).transpose()
        })
        .await
    }

    async fn update(&self, item: &R) -> Result<(), RepoError> {
        let mut row = to_row(item)?;
        row.not_set(ColumnOf::<R>::ID);
        row.not_set(ColumnOf::<R>::STATUS);
        let id = item.moderation().id.uuid();
        let updated =
            R::Entity::update_many().set(row).filter(ColumnOf::<R>::ID.eq(id)).exec(&self.db).await.repo()?;
        if updated.rows_affected == 0 { Err(RepoError::NotFound) } else { Ok(()) }
    }

    async fn list(&self, filter: &R::Filter, p: &ListParams<R::Sort>) -> Result<Page<R>, RepoError> {
        let mut cond = date_condition(ColumnOf::<R>::UPLOAD_DATETIME, &p.uploaded);
        if let Some(status) = p.status {
            cond = cond.add(ColumnOf::<R>::STATUS.eq(stored_status(status)));
        }
        cond = cond.add(R::condition(filter)).add(terms_condition(&p.terms, &R::search_columns()));
        let select = sort_by(filter_if(R::Entity::find(), cond), &p.sort, R::sort_column, ColumnOf::<R>::ID);
        let page = fetch_page(&self.db, select, p.page).await?;
        let items = page.items.into_iter().map(to_domain).collect::<Result<_, _>>()?;
        Ok(Page { items, total: page.total, request: page.request })
    }
}
