//! eosc-perf OIDC adapter: implements [`domain::IdentityProvider`].
//!
//! - A JWT access token must name a trusted issuer (`TRUSTED_OP_LIST`) in its `iss` claim; its
//!   signature is verified against that issuer's JWKS (found by OIDC discovery). An issuer that
//!   is not configured is never contacted. An unknown `kid` refreshes the JWKS at most once per
//!   refresh interval (a minute) per issuer.
//! - An opaque token goes to every trusted issuer at once, under one overall timeout: RFC 7662
//!   introspection at an issuer with client credentials of its own, userinfo at the others.
//!   Credentials are per issuer and never sent to another one.
//! - Userinfo supplies the e-mail and the `eduperson_entitlement` list used for admin checks.
//!   The identity's `iss` is the trusted issuer that answered, never an `iss` in its JSON.
//! - Answers are cached in bounded moka caches keyed by a hash of the token: identities briefly
//!   and never past the token's expiry, refusals for a short window. An unavailable provider is
//!   not remembered. Every outbound call has a timeout, so a slow provider yields a clear 401
//!   instead of a hang.
//! - [`WithApiKeys`] puts API keys (`epk_…`) beside the OIDC tokens: they are resolved by the
//!   domain's key service on every request, never cached.
//! - [`DemoIssuer`]: the in-process issuer of `eosc-perf demo` only; `serve` never builds one.

mod api_keys;
mod cache;
mod config;
mod demo;
mod failure;
mod identity;
mod issuer;
mod jwt;
mod keys;
mod metrics;
mod provider;

pub use api_keys::WithApiKeys;
pub use config::{ClientCredentials, ConfigError, OidcConfig};
pub use demo::{DemoIssuer, DemoKeyError};
pub use metrics::{OidcEndpoint, OidcMetrics};
pub use provider::OidcIdentityProvider;
