//! Upserts keyed by the original's ids: each batch is one target transaction that inserts the
//! rows it does not have, overwrites those that differ and leaves the rest alone.

use std::{collections::HashMap, hash::Hash};

use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    TransactionTrait,
};

use super::TableCount;
use crate::entity::{benchmark, claim, flavor, result, result_tag, site, submit, tag, user};

/// A target row the import writes.
pub(super) trait Row:
    Clone + PartialEq + Send + Sync + Sized + sea_orm::IntoActiveModel<Self::Active> + 'static
{
    /// Its entity.
    type Entity: EntityTrait<Model = Self, ActiveModel = Self::Active>;
    /// Its active model.
    type Active: ActiveModelTrait<Entity = Self::Entity> + From<Self> + Send;
    /// Its primary key.
    type Key: Eq + Hash;
    /// The primary key of this row.
    fn key(&self) -> Self::Key;
    /// A filter that selects at least the stored rows with the keys of `rows`.
    fn stored(rows: &[Self]) -> Condition;
    /// Takes from `stored` the columns the original does not have (set here since).
    fn keep_columns_of(&mut self, _stored: &Self) {}
}

/// Writes `rows` in one transaction and adds what happened to `count`.
pub(super) async fn sync_batch<R: Row>(
    target: &DatabaseConnection,
    rows: Vec<R>,
    count: &mut TableCount,
) -> Result<(), DbErr> {
    if rows.is_empty() {
        return Ok(());
    }
    let txn = target.begin().await?;
    let stored: HashMap<R::Key, R> = R::Entity::find()
        .filter(R::stored(&rows))
        .all(&txn)
        .await?
        .into_iter()
        .map(|m| (m.key(), m))
        .collect();
    let (mut new, mut updated, mut unchanged) = (Vec::new(), 0, 0);
    for mut row in rows {
        if let Some(old) = stored.get(&row.key()) {
            row.keep_columns_of(old);
        }
        match stored.get(&row.key()) {
            None => new.push(R::Active::from(row)),
            Some(old) if *old == row => unchanged += 1,
            Some(_) => {
                R::Entity::update(R::Active::from(row).reset_all()).exec(&txn).await?;
                updated += 1;
            }
        }
    }
    let inserted = new.len() as u64;
    if !new.is_empty() {
        R::Entity::insert_many(new).exec_without_returning(&txn).await?;
    }
    txn.commit().await?;
    count.new += inserted;
    count.updated += updated;
    count.unchanged += unchanged;
    Ok(())
}

macro_rules! keyed_by_id {
    ($($module:ident),*) => {$(
        impl Row for $module::Model {
            type Entity = $module::Entity;
            type Active = $module::ActiveModel;
            type Key = uuid::Uuid;
            fn key(&self) -> uuid::Uuid {
                self.id
            }
            fn stored(rows: &[Self]) -> Condition {
                Condition::all().add($module::Column::Id.is_in(rows.iter().map(|r| r.id)))
            }
        }
    )*};
}

keyed_by_id!(tag, benchmark, site, result, claim, submit);

impl Row for flavor::Model {
    type Entity = flavor::Entity;
    type Active = flavor::ActiveModel;
    type Key = uuid::Uuid;
    fn key(&self) -> uuid::Uuid {
        self.id
    }
    fn stored(rows: &[Self]) -> Condition {
        Condition::all().add(flavor::Column::Id.is_in(rows.iter().map(|r| r.id)))
    }
    /// Typed specs and prices exist only here: a new run keeps those set since.
    fn keep_columns_of(&mut self, stored: &Self) {
        *self = flavor::Model {
            id: self.id,
            name: std::mem::take(&mut self.name),
            description: self.description.take(),
            site_id: self.site_id,
            uploader_sub: std::mem::take(&mut self.uploader_sub),
            uploader_iss: std::mem::take(&mut self.uploader_iss),
            upload_datetime: self.upload_datetime,
            status: std::mem::take(&mut self.status),
            ..stored.clone()
        };
    }
}

impl Row for user::Model {
    type Entity = user::Entity;
    type Active = user::ActiveModel;
    type Key = (String, String);
    fn key(&self) -> (String, String) {
        (self.sub.clone(), self.iss.clone())
    }
    /// Every user with one of the subjects (the issuer is matched through the key).
    fn stored(rows: &[Self]) -> Condition {
        Condition::all().add(user::Column::Sub.is_in(rows.iter().map(|r| r.sub.clone())))
    }
}

impl Row for result_tag::Model {
    type Entity = result_tag::Entity;
    type Active = result_tag::ActiveModel;
    type Key = (uuid::Uuid, uuid::Uuid);
    fn key(&self) -> (uuid::Uuid, uuid::Uuid) {
        (self.result_id, self.tag_id)
    }
    /// Every tag link of the results (the tag is matched through the key).
    fn stored(rows: &[Self]) -> Condition {
        Condition::all().add(result_tag::Column::ResultId.is_in(rows.iter().map(|r| r.result_id)))
    }
}
