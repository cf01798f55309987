//! Users on SeaORM.

use domain::{
    Page, PageRequest, RepoError, SortKey,
    mail::OutboundMail,
    user::{User, UserFilter, UserRepository, UserSort},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};

use super::common::to_user;
use crate::{
    entity::user,
    error::{DbResultExt, read_retrying},
    outbox::{self, MailSignal},
    sql::{fetch_page, filter_if, sort_by, terms_condition},
};

/// [`UserRepository`] on SeaORM.
pub struct SeaUserRepository {
    db: DatabaseConnection,
    mail: MailSignal,
}

impl SeaUserRepository {
    /// Over this pool; wakes the mail deliverer through `mail` after committing mails.
    pub fn new(db: DatabaseConnection, mail: MailSignal) -> Self {
        Self { db, mail }
    }
}

fn sort_column(field: &UserSort) -> user::Column {
    match field {
        UserSort::Sub => user::Column::Sub,
        UserSort::Iss => user::Column::Iss,
        UserSort::Email => user::Column::Email,
        UserSort::RegistrationDatetime => user::Column::RegistrationDatetime,
    }
}

fn exact(filter: &UserFilter) -> Condition {
    let mut cond = Condition::all();
    if let Some(v) = &filter.sub {
        cond = cond.add(user::Column::Sub.eq(v.as_str()));
    }
    if let Some(v) = &filter.iss {
        cond = cond.add(user::Column::Iss.eq(v.as_str()));
    }
    if let Some(v) = &filter.email {
        cond = cond.add(user::Column::Email.eq(v.as_str()));
    }
    cond
}

#[async_trait::async_trait]
impl UserRepository for SeaUserRepository {
    async fn find(&self, sub: &str, iss: &str) -> Result<Option<User>, RepoError> {
        read_retrying(|| async move {
            Ok(user::Entity::find_by_id((sub.to_owned(), iss.to_owned()))
                .one(&self.db)
                .await
                .repo()?
                .map(to_user))
        })
        .await
    }

    async fn insert(&self, u: &User, mail: OutboundMail) -> Result<(), RepoError> {
        let txn = self.db.begin().await.repo()?;
        user::ActiveModel {
            sub: Set(u.sub.clone()),
            iss: Set(u.iss.clone()),
            email: Set(u.email.clone()),
            registration_datetime: Set(u.registration_datetime),
        }
        .insert(&txn)
        .await
        .repo()?;
        outbox::enqueue(&txn, &mail).await?;
        self.mail.commit(txn).await
    }

    async fn update_email(
        &self,
        sub: &str,
        iss: &str,
        email: &str,
        mail: OutboundMail,
    ) -> Result<(), RepoError> {
        let txn = self.db.begin().await.repo()?;
        let updated = user::Entity::update_many()
            .col_expr(user::Column::Email, sea_orm::sea_query::Expr::value(email))
            .filter(user::Column::Sub.eq(sub))
            .filter(user::Column::Iss.eq(iss))
            .exec(&txn)
            .await
            .repo()?;
        if updated.rows_affected == 0 {
            return Err(RepoError::NotFound);
        }
        outbox::enqueue(&txn, &mail).await?;
        self.mail.commit(txn).await
    }

    async fn list(
        &self,
        filter: &UserFilter,
        sort: &[SortKey<UserSort>],
        page: PageRequest,
    ) -> Result<Page<User>, RepoError> {
        let cond = exact(filter).add(terms_condition(&filter.terms, &[user::Column::Email]));
        let select = filter_if(user::Entity::find(), cond);
        let select = sort_by(select, sort, sort_column, user::Column::Iss);
        let select = sea_orm::QueryOrder::order_by_asc(select, user::Column::Sub);
        Ok(fetch_page(&self.db, select, page).await?.map(to_user))
    }

    async fn remove(&self, filter: &UserFilter) -> Result<u64, RepoError> {
        let txn = self.db.begin().await.repo()?;
        let res = user::Entity::delete_many().filter(exact(filter)).exec(&txn).await.repo()?;
        txn.commit().await.repo()?;
        Ok(res.rows_affected)
    }
}
