//! API keys on SeaORM.

use chrono::{DateTime, Utc};
use domain::{
    RepoError,
    api_key::{ApiKey, ApiKeyRepository, Scope},
    user::UserKey,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
    sea_query::Expr,
};
use uuid::Uuid;

use super::common::uploader;
use crate::{
    entity::api_key,
    error::{DbResultExt, read_retrying},
};

/// [`ApiKeyRepository`] on SeaORM.
pub struct SeaApiKeyRepository {
    db: DatabaseConnection,
}

impl SeaApiKeyRepository {
    /// Over this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn to_key(row: api_key::Model) -> Result<ApiKey, RepoError> {
    let scopes = row
        .scopes
        .split(' ')
        .map(|name| {
            Scope::parse(name)
                .ok_or_else(|| RepoError::Backend(format!("unknown scope {name:?} in the database")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ApiKey {
        id: row.id,
        owner: uploader(&row.owner_sub, &row.owner_iss),
        name: row.name,
        scopes,
        expires_at: row.expires_at,
        created_at: row.created_at,
        last_used: row.last_used,
    })
}

fn owned_by(owner: &UserKey) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(api_key::Column::OwnerSub.eq(owner.sub.as_str()))
        .add(api_key::Column::OwnerIss.eq(owner.iss.as_str()))
}

#[async_trait::async_trait]
impl ApiKeyRepository for SeaApiKeyRepository {
    async fn insert(&self, key: &ApiKey, secret_hash: &str) -> Result<(), RepoError> {
        let scopes: Vec<&str> = key.scopes.iter().map(|s| s.as_str()).collect();
        let row = api_key::ActiveModel {
            id: Set(key.id),
            owner_sub: Set(key.owner.sub.clone()),
            owner_iss: Set(key.owner.iss.clone()),
            name: Set(key.name.clone()),
            scopes: Set(scopes.join(" ")),
            secret_hash: Set(secret_hash.to_owned()),
            expires_at: Set(key.expires_at),
            created_at: Set(key.created_at),
            last_used: Set(key.last_used),
        };
        match row.insert(&self.db).await.repo() {
            Ok(_) => Ok(()),
            // The only constraint a fresh id and a 256-bit secret can clash with is the owner's
            // foreign key: the owner was removed meanwhile.
            Err(RepoError::Conflict(_)) => Err(RepoError::NotFound),
            Err(other) => Err(other),
        }
    }

    async fn list(&self, owner: &UserKey) -> Result<Vec<ApiKey>, RepoError> {
        let rows = read_retrying(|| async move {
            api_key::Entity::find()
                .filter(owned_by(owner))
                .order_by_asc(api_key::Column::CreatedAt)
                .order_by_asc(api_key::Column::Id)
                .all(&self.db)
                .await
                .repo()
        })
        .await?;
        rows.into_iter().map(to_key).collect()
    }

    async fn delete(&self, owner: &UserKey, id: Uuid) -> Result<bool, RepoError> {
        let res = api_key::Entity::delete_many()
            .filter(owned_by(owner).add(api_key::Column::Id.eq(id)))
            .exec(&self.db)
            .await
            .repo()?;
        Ok(res.rows_affected > 0)
    }

    async fn find_by_hash(&self, secret_hash: &str) -> Result<Option<ApiKey>, RepoError> {
        let row = read_retrying(|| async move {
            api_key::Entity::find()
                .filter(api_key::Column::SecretHash.eq(secret_hash))
                .one(&self.db)
                .await
                .repo()
        })
        .await?;
        row.map(to_key).transpose()
    }

    async fn touch(&self, id: Uuid, at: DateTime<Utc>) -> Result<(), RepoError> {
        api_key::Entity::update_many()
            .col_expr(api_key::Column::LastUsed, Expr::value(at))
            .filter(api_key::Column::Id.eq(id))
            .exec(&self.db)
            .await
            .repo()?;
        Ok(())
    }
}
