//! Users: OIDC identities registered by (sub, iss), with the e-mail released at registration.

use chrono::{DateTime, Utc};

use crate::{
    Page, RepoError, SortKey,
    mail::OutboundMail,
    query::{PageRequest, SortField},
};

/// A registered user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// OIDC subject.
    pub sub: String,
    /// OIDC issuer.
    pub iss: String,
    /// E-mail from userinfo at registration or last update.
    pub email: String,
    /// When the user registered.
    pub registration_datetime: DateTime<Utc>,
}

/// The key of a user: (sub, iss).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserKey {
    /// Subject.
    pub sub: String,
    /// Issuer.
    pub iss: String,
}

impl User {
    /// The user's key.
    pub fn key(&self) -> UserKey {
        UserKey { sub: self.sub.clone(), iss: self.iss.clone() }
    }
}

/// Exact-match filters and e-mail search terms for user lists; also the selector of
/// `POST /users:remove`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFilter {
    /// Exact subject.
    pub sub: Option<String>,
    /// Exact issuer.
    pub iss: Option<String>,
    /// Exact e-mail.
    pub email: Option<String>,
    /// Substrings of the e-mail, all required (case-sensitive).
    pub terms: Vec<String>,
}

impl UserFilter {
    /// True when no exact filter is set (removal needs at least one).
    pub fn has_no_selector(&self) -> bool {
        self.sub.is_none() && self.iss.is_none() && self.email.is_none()
    }
}

/// What user lists sort on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserSort {
    /// `sub`
    Sub,
    /// `iss`
    Iss,
    /// `email`
    Email,
    /// `registration_datetime`
    RegistrationDatetime,
}

impl SortField for UserSort {
    fn named(name: &str) -> Option<Vec<Self>> {
        let field = match name {
            "sub" => Self::Sub,
            "iss" => Self::Iss,
            "email" => Self::Email,
            "registration_datetime" => Self::RegistrationDatetime,
            _ => return None,
        };
        Some(vec![field])
    }
}

/// Port: user storage.
#[async_trait::async_trait]
pub trait UserRepository: Send + Sync {
    /// The user registered as (sub, iss), if any.
    ///
    /// # Errors
    /// `Unavailable` or `Backend` when the database fails.
    async fn find(&self, sub: &str, iss: &str) -> Result<Option<User>, RepoError>;
    /// Stores a new user and queues its welcome mail in the same transaction.
    ///
    /// # Errors
    /// `Conflict` when (sub, iss) is already registered.
    async fn insert(&self, user: &User, mail: OutboundMail) -> Result<(), RepoError>;
    /// Replaces the e-mail of (sub, iss) and queues the notification mail.
    ///
    /// # Errors
    /// `NotFound` when the user does not exist.
    async fn update_email(
        &self,
        sub: &str,
        iss: &str,
        email: &str,
        mail: OutboundMail,
    ) -> Result<(), RepoError>;
    /// Filtered, sorted page of users.
    ///
    /// # Errors
    /// `Unavailable` or `Backend` when the database fails.
    async fn list(
        &self,
        filter: &UserFilter,
        sort: &[SortKey<UserSort>],
        page: PageRequest,
    ) -> Result<Page<User>, RepoError>;
    /// Deletes every user matching the exact filters, with everything they uploaded.
    ///
    /// # Errors
    /// `Unavailable` or `Backend` when the database fails.
    async fn remove(&self, filter: &UserFilter) -> Result<u64, RepoError>;
}
