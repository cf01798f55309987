//! Access levels of contract §2.8: token, user (registered), admin (registered and entitled).

use std::sync::Arc;

use crate::{
    DomainError, Identity,
    user::{User, UserRepository},
};

/// Decides what an identity may do.
#[derive(Clone)]
pub struct Access {
    users: Arc<dyn UserRepository>,
    admin_entitlements: Vec<String>,
}

impl Access {
    /// `admin_entitlements` empty means nobody is admin (Q12, fail closed).
    pub fn new(users: Arc<dyn UserRepository>, admin_entitlements: Vec<String>) -> Self {
        Self { users, admin_entitlements }
    }

    /// Whether the identity holds an admin entitlement (registration not checked).
    pub fn is_entitled_admin(&self, who: &Identity) -> bool {
        who.entitlements.iter().any(|e| self.admin_entitlements.contains(e))
    }

    /// Level *user*: the caller must be registered.
    ///
    /// # Errors
    /// `AccessDenied(is_registered)` when not registered.
    pub async fn user(&self, who: &Identity) -> Result<User, DomainError> {
        self.users.find(&who.sub, &who.iss).await?.ok_or_else(|| DomainError::AccessDenied {
            who: who.display_name(),
            requirement: "is_registered",
        })
    }

    /// Level *admin*: registered and entitled.
    ///
    /// # Errors
    /// `AccessDenied(is_registered)` or `AccessDenied(is_admin)`.
    pub async fn admin(&self, who: &Identity) -> Result<User, DomainError> {
        let user = self.user(who).await?;
        if self.is_entitled_admin(who) {
            Ok(user)
        } else {
            Err(DomainError::AccessDenied { who: who.display_name(), requirement: "is_admin" })
        }
    }
}
