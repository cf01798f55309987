//! Users: register, read and refresh oneself; admins list, search and remove.

use std::sync::Arc;

use crate::{
    Clash, DomainError, Identity, Missing, Page, SortKey,
    access::{Admin, Registered},
    mail::MailTemplates,
    ports::Clock,
    query::PageRequest,
    user::{User, UserFilter, UserRepository, UserSort},
};

/// User use cases.
#[derive(Clone)]
pub struct UserService {
    users: Arc<dyn UserRepository>,
    clock: Arc<dyn Clock>,
    mails: MailTemplates,
}

impl UserService {
    /// Wires the service.
    pub fn new(users: Arc<dyn UserRepository>, clock: Arc<dyn Clock>, mails: MailTemplates) -> Self {
        Self { users, clock, mails }
    }

    /// `POST /users:register`.
    ///
    /// # Errors
    /// 422 without an e-mail claim, 409 when already registered.
    pub async fn register(&self, who: &Identity) -> Result<User, DomainError> {
        let email = who
            .email
            .clone()
            .ok_or_else(|| DomainError::Invalid("No scope for email in oidc token".into()))?;
        let user = User {
            sub: who.sub.clone(),
            iss: who.iss.clone(),
            email,
            registration_datetime: self.clock.now(),
        };
        let mail = self.mails.registered(&user.email);
        self.users
            .insert(&user, mail)
            .await
            .map_err(|e| e.into_domain(|| Missing::User, || Clash::UserRegistered))?;
        tracing::info!(user.sub = %user.sub, "user registered: {}", user.sub);
        Ok(user)
    }

    /// `GET /users/self`.
    ///
    /// # Errors
    /// 404 `User not registered`.
    pub async fn get_self(&self, who: &Identity) -> Result<User, DomainError> {
        self.users.find(&who.sub, &who.iss).await?.ok_or(DomainError::NotFound(Missing::User))
    }

    /// `POST /users/self:update`: refresh the e-mail from userinfo (requires a verified e-mail).
    ///
    /// # Errors
    /// 403 when not registered, 422 when the e-mail is missing or unverified.
    pub async fn update_self(&self, caller: &Registered) -> Result<(), DomainError> {
        let who = caller.identity();
        let email = who
            .email
            .as_deref()
            .ok_or_else(|| DomainError::Invalid("No scope for email in oidc token".into()))?;
        match who.email_verified {
            None => return Err(DomainError::Invalid("No email_verified status in user".into())),
            Some(false) => return Err(DomainError::Invalid("Email unverified by OIDC provider".into())),
            Some(true) => {}
        }
        let mail = self.mails.updated(email);
        self.users
            .update_email(&who.sub, &who.iss, email, mail)
            .await
            .map_err(|e| e.into_domain(|| Missing::User, || Clash::UserRegistered))
    }

    /// `GET /users` and `GET /users:search` (admin).
    ///
    /// # Errors
    /// 404 for a page out of range.
    pub async fn list(
        &self,
        _admin: &Admin,
        filter: &UserFilter,
        sort: &[SortKey<UserSort>],
        page: PageRequest,
    ) -> Result<Page<User>, DomainError> {
        self.users.list(filter, sort, page).await?.ensure_in_range()
    }

    /// `POST /users:remove` (admin): deletes every user matching all given exact filters.
    ///
    /// # Errors
    /// 422 `Cancelled, undefined users` when no filter is given.
    pub async fn remove(&self, _admin: &Admin, filter: &UserFilter) -> Result<(), DomainError> {
        if filter.has_no_selector() {
            return Err(DomainError::Invalid("Cancelled, undefined users".into()));
        }
        let removed = self.users.remove(filter).await?;
        tracing::info!(users.removed = removed, "removed {removed} users");
        Ok(())
    }
}
