//! eosc-perf OIDC adapter: implements [`domain::IdentityProvider`].
//!
//! - A JWT access token must name a trusted issuer (`TRUSTED_OP_LIST`) in its `iss` claim; its
//!   signature is verified against that issuer's JWKS (found by OIDC discovery). An issuer that
//!   is not configured is never contacted.
//! - An opaque token is resolved through RFC 7662 introspection when client credentials are
//!   configured, otherwise through each trusted issuer's userinfo endpoint in turn.
//! - Userinfo supplies the e-mail and the `eduperson_entitlement` list used for admin checks.
//! - Answers are cached briefly in a bounded map keyed by a hash of the token, never past the
//!   token's expiry. Every outbound call has a timeout, so a slow provider yields a clear 401
//!   instead of a hang.

mod cache;
mod config;
mod jwt;
mod provider;

pub use config::{ConfigError, OidcConfig};
pub use provider::OidcIdentityProvider;
