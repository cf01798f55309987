//! eosc-perf domain: the model of the EOSC Performance service, free of any framework.
//!
//! Benchmarks (container image + tag + JSON Schema), sites and their flavors (VM types) are
//! submitted by registered users and moderated by admins. Results are JSON documents validated
//! against their benchmark's schema, uploaded for an approved benchmark and flavor, tagged with
//! free tags. Claims report suspicious results and hide them until an admin decides. Submits are
//! the admins' to-do list. Users are OIDC identities, registered by (sub, iss).
//!
//! This crate holds entities, the rules of the contract, the ports (repository traits, identity
//! provider, image registry, clock) and the services that enforce the rules. It depends on no
//! web, database or HTTP-client crate.

pub mod access;
pub mod benchmark;
pub mod claim;
pub mod error;
pub mod filter;
pub mod flavor;
pub mod identity;
pub mod mail;
#[cfg(feature = "memory")]
pub mod memory;
pub mod ports;
pub mod query;
pub mod result;
pub mod schema;
pub mod service;
pub mod site;
pub mod submit;
pub mod tag;
pub mod user;

pub use error::{DomainError, RepoError};
pub use identity::{AuthError, Identity, IdentityProvider};
pub use query::{DateRange, Page, PageRequest, SortDir, SortKey, Status};
