//! In-memory adapters of every port (feature `memory`): the repositories of each aggregate over
//! one shared [`MemoryStore`], and fakes of the identity provider, image registry, clock and
//! blocking pool.
//!
//! They keep the semantics of the SeaORM adapters of `eosc-perf-infra`: the same filters,
//! search terms (SQL `LIKE '%term%'`, case-sensitive, `%` and `_` as wildcards), sort keys with
//! the id as final tiebreaker, pagination totals, uniqueness conflicts, transactions (the
//! unit of work) and the cascades the database's foreign keys perform (contract §5.6). Mails the
//! services queue are kept in an outbox you can read with [`MemoryStore::outbox`].
//!
//! [`InMemory`] wires every service over these adapters in one call:
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! use eosc_perf_domain::memory::InMemory;
//!
//! let domain = InMemory::with_admins(["admin"]);
//! let alice = domain.identities.add("alice-token", "alice", Some("alice@example.org"), &[]);
//! let user = domain.users.register(&alice).await?;
//! assert_eq!(user.email, "alice@example.org");
//! assert_eq!(domain.store.outbox().len(), 1, "the welcome mail is queued");
//! # Ok::<(), eosc_perf_domain::DomainError>(())
//! # }).unwrap();
//! ```

mod catalog;
mod claims;
mod fakes;
mod json;
mod keys;
mod listing;
mod results;
mod samples;
mod state;
mod submits;
mod tags;
mod transaction;
mod users;
mod wiring;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

pub use fakes::{CountingPool, ManualClock, STATIC_ISSUER, StaticIdentityProvider, StaticImageRegistry};
pub use wiring::InMemory;

use crate::mail::OutboundMail;
pub use crate::ports::{NoImageCheck, RunInline};
use state::Tables;

/// Every table of the service in memory, shared by all repositories made from it. Cloning is
/// cheap and gives another handle on the same data. Each repository call holds one lock for
/// its whole duration, so a call is atomic like the SQL statement it stands for; a
/// transaction of the unit of work works on a copy of the tables and replaces them when it
/// commits.
#[derive(Clone, Default)]
pub struct MemoryStore {
    tables: Arc<Mutex<Tables>>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore").finish_non_exhaustive()
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every mail queued so far, oldest first.
    pub fn outbox(&self) -> Vec<OutboundMail> {
        self.lock().outbox.clone()
    }

    /// Removes and returns the queued mails (what a deliverer would send).
    pub fn take_outbox(&self) -> Vec<OutboundMail> {
        std::mem::take(&mut self.write().outbox)
    }

    /// The tables, to read.
    fn lock(&self) -> MutexGuard<'_, Tables> {
        // Nothing panics while the lock is held; a poisoned store is still consistent.
        self.tables.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The tables, to change outside a transaction: counted as a write, so that a transaction
    /// open meanwhile does not commit over the change.
    fn write(&self) -> MutexGuard<'_, Tables> {
        let mut tables = self.lock();
        tables.writes += 1;
        tables
    }
}
