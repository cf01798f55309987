//! Access levels of contract §2.8: token, user (registered), admin (registered and entitled).
//!
//! Access is a capability: [`Registered`] and [`Admin`] can only be built here, by checking an
//! [`Identity`] against the user table and the admin entitlements. Every service operation that
//! needs a level takes the matching value, so no caller (a new handler, an embedding service)
//! can skip the check: without the capability the call does not compile.
//!
//! An identity from an API key (`Identity::api_key`) is never admin, and passes a level only
//! where the operation names a scope the key holds ([`Access::user_with_scope`],
//! [`Access::reader`]); everywhere else it is refused with a flaat-shaped 403.

use std::sync::Arc;

use crate::{
    DomainError, Identity,
    api_key::{OIDC_TOKEN_REQUIRED, Scope},
    user::{User, UserKey, UserRepository},
};

/// Proof that the caller is a registered user (level *user*).
#[derive(Debug, Clone)]
pub struct Registered {
    user: User,
    identity: Identity,
    admin: bool,
}

impl Registered {
    /// The caller's user record.
    pub fn user(&self) -> &User {
        &self.user
    }

    /// The token's identity the capability was granted to (its e-mail claims, entitlements).
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// The caller's `(sub, iss)`.
    pub fn key(&self) -> UserKey {
        self.user.key()
    }

    /// Whether the caller also holds an admin entitlement (for owner-or-admin rules).
    pub fn is_admin(&self) -> bool {
        self.admin
    }

    /// Whether the caller may act on something `owner` uploaded: the owner or an admin.
    pub fn owns_or_administers(&self, owner: &UserKey) -> bool {
        self.admin || self.user.key() == *owner
    }
}

/// Proof that the caller is a registered user holding an admin entitlement (level *admin*).
#[derive(Debug, Clone)]
pub struct Admin(Registered);

impl Admin {
    /// The admin's user record.
    pub fn user(&self) -> &User {
        self.0.user()
    }

    /// The admin as a registered user.
    pub fn registered(&self) -> &Registered {
        &self.0
    }
}

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

    /// Level *user*: the caller must be registered, with an OIDC token (keys are refused).
    ///
    /// # Errors
    /// `AccessDenied(is_registered)` when not registered, `AccessDenied(is_oidc_token)` for a key.
    pub async fn user(&self, who: &Identity) -> Result<Registered, DomainError> {
        Self::key_allows(who, None)?;
        self.registered(who).await
    }

    /// Level *user* for an operation an API key with `scope` may perform.
    ///
    /// # Errors
    /// `AccessDenied(is_registered)`, or `AccessDenied(has_scope(..))` for a key without `scope`.
    pub async fn user_with_scope(&self, who: &Identity, scope: Scope) -> Result<Registered, DomainError> {
        Self::key_allows(who, Some(scope))?;
        self.registered(who).await
    }

    /// Level *token* (registration, reading oneself): any identity from an OIDC token.
    ///
    /// # Errors
    /// `AccessDenied(is_oidc_token)` for an API key.
    pub fn token(&self, who: &Identity) -> Result<(), DomainError> {
        Self::key_allows(who, None)
    }

    /// A read that needs authentication only because of `PROTECTION_LEVEL=ALL`: any OIDC
    /// identity, or a key with `results:read`.
    ///
    /// # Errors
    /// `AccessDenied(has_scope(results:read))` for a key without that scope.
    pub fn reader(&self, who: &Identity) -> Result<(), DomainError> {
        Self::key_allows(who, Some(Scope::ResultsRead))
    }

    fn key_allows(who: &Identity, scope: Option<Scope>) -> Result<(), DomainError> {
        let Some(grant) = &who.api_key else { return Ok(()) };
        match scope {
            Some(scope) if grant.allows(scope) => Ok(()),
            Some(scope) => {
                Err(DomainError::AccessDenied { who: who.display_name(), requirement: scope.requirement() })
            }
            None => {
                Err(DomainError::AccessDenied { who: who.display_name(), requirement: OIDC_TOKEN_REQUIRED })
            }
        }
    }

    async fn registered(&self, who: &Identity) -> Result<Registered, DomainError> {
        let user = self.users.find(&who.sub, &who.iss).await?.ok_or_else(|| DomainError::AccessDenied {
            who: who.display_name(),
            requirement: "is_registered",
        })?;
        let admin = who.api_key.is_none() && self.is_entitled_admin(who);
        Ok(Registered { user, identity: who.clone(), admin })
    }

    /// Level *admin*: registered and entitled.
    ///
    /// # Errors
    /// `AccessDenied(is_registered)` or `AccessDenied(is_admin)`.
    pub async fn admin(&self, who: &Identity) -> Result<Admin, DomainError> {
        let registered = self.registered(who).await?;
        if registered.admin {
            Ok(Admin(registered))
        } else {
            Err(DomainError::AccessDenied { who: who.display_name(), requirement: "is_admin" })
        }
    }
}
