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
//!
//! # Embedding
//!
//! Another Rust service can use the rules with its own adapters (implement the traits of
//! [`ports`], [`identity`] and the repository trait of each aggregate), or, with the feature
//! `memory`, with the in-memory adapters of the module `memory` (std only: a mutex over B-tree
//! maps).
//! `memory::InMemory` wires every service over them:
//!
//! ```
//! # #[cfg(feature = "memory")]
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use eosc_perf_domain::{memory::InMemory, service::Decision, site::{Site, SiteDraft}};
//!
//! let domain = InMemory::with_admins(["urn:example:admin"]);
//! let admin = domain.identities.add("t1", "root", Some("root@example.org"), &["urn:example:admin"]);
//! let alice = domain.identities.add("t2", "alice", Some("alice@example.org"), &[]);
//! domain.users.register(&admin).await?;
//! domain.users.register(&alice).await?;
//! // Capabilities: only the access check hands them out, and the services require them.
//! let root = domain.access.admin(&admin).await?;
//! let alice = domain.access.user(&alice).await?;
//!
//! let draft = SiteDraft { name: "KIT".into(), address: "Karlsruhe".into(), description: None };
//! let site = domain.catalog.create::<Site>(&alice, draft).await?;
//! domain.catalog.decide::<Site>(&root, site.id, Decision::Approve).await?;
//! let again = domain.catalog.decide::<Site>(&root, site.id, Decision::Approve).await;
//! assert_eq!(again.unwrap_err().to_string(), format!("Site {} was already approved", site.id));
//! # Ok::<(), eosc_perf_domain::DomainError>(())
//! # }).unwrap();
//! ```
//!
//! `cargo run -p eosc-perf-domain --example embed` runs a longer walk through the use cases.

pub mod access;
pub mod api_key;
pub mod benchmark;
pub mod claim;
pub mod error;
pub mod export;
pub mod filter;
pub mod flavor;
pub mod flavor_spec;
pub mod id;
pub mod idempotency;
pub mod identity;
pub mod mail;
#[cfg(feature = "memory")]
pub mod memory;
pub mod moderated;
pub mod ports;
pub mod query;
pub mod result;
pub mod schema;
pub mod service;
pub mod site;
pub mod statistics;
pub mod stats;
pub mod submit;
pub mod tag;
pub mod unit_of_work;
pub mod user;

pub use error::{Clash, DomainError, ItemError, Missing, RepoError};
pub use id::{BenchmarkId, ClaimId, FlavorId, Id, ResultId, SiteId, SubmitId, TagId};
pub use identity::{AuthError, Identity, IdentityProvider};
pub use query::{DateRange, Page, PageRequest, SortDir, SortKey, Status};
