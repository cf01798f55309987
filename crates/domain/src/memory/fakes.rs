//! Fakes of the non-repository ports: identity provider, image registry, clock, blocking pool.

use std::{
    collections::{BTreeSet, HashMap},
    sync::{
        Mutex, MutexGuard, PoisonError, RwLock,
        atomic::{AtomicUsize, Ordering},
    },
};

use chrono::{DateTime, TimeDelta, Utc};

use crate::{
    AuthError, DomainError, Identity, IdentityProvider,
    ports::{BlockingJob, BlockingPool, Clock, ImageRegistry},
};

/// The issuer [`StaticIdentityProvider::add`] gives its identities.
pub const STATIC_ISSUER: &str = "https://issuer.example.org";

/// An identity provider with fixed tokens: each known token yields its identity, any other
/// token is refused like an unknown one (`User identity could not be determined`).
#[derive(Debug, Default)]
pub struct StaticIdentityProvider {
    tokens: RwLock<HashMap<String, Identity>>,
}

impl StaticIdentityProvider {
    /// A provider that knows no token yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes `token` resolve to `identity`.
    pub fn insert(&self, token: &str, identity: Identity) {
        self.tokens.write().unwrap_or_else(PoisonError::into_inner).insert(token.to_owned(), identity);
    }

    /// Makes `token` resolve to a verified identity of `sub` at [`STATIC_ISSUER`], and returns
    /// that identity.
    pub fn add(&self, token: &str, sub: &str, email: Option<&str>, entitlements: &[&str]) -> Identity {
        let identity = Identity {
            sub: sub.to_owned(),
            iss: STATIC_ISSUER.to_owned(),
            email: email.map(str::to_owned),
            email_verified: email.map(|_| true),
            entitlements: entitlements.iter().map(|e| (*e).to_owned()).collect(),
            api_key: None,
        };
        self.insert(token, identity.clone());
        identity
    }
}

#[async_trait::async_trait]
impl IdentityProvider for StaticIdentityProvider {
    async fn identify(&self, token: &str) -> Result<Identity, AuthError> {
        if token.is_empty() {
            return Err(AuthError::no_bearer());
        }
        self.tokens
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(token)
            .cloned()
            .ok_or_else(AuthError::undetermined)
    }
}

/// An image registry that knows a fixed set of `image:tag`; anything else is missing
/// (`Error: manifest not found`, the registry's 404 of contract §6.4).
#[derive(Debug, Default)]
pub struct StaticImageRegistry {
    images: RwLock<BTreeSet<String>>,
}

impl StaticImageRegistry {
    /// A registry holding these `image:tag` references.
    pub fn with_images<'a>(images: impl IntoIterator<Item = &'a str>) -> Self {
        Self { images: RwLock::new(images.into_iter().map(str::to_owned).collect()) }
    }

    /// Publishes `image:tag`.
    pub fn publish(&self, image: &str, tag: &str) {
        self.images.write().unwrap_or_else(PoisonError::into_inner).insert(format!("{image}:{tag}"));
    }
}

#[async_trait::async_trait]
impl ImageRegistry for StaticImageRegistry {
    async fn check(&self, image: &str, tag: &str) -> Result<(), String> {
        let known =
            self.images.read().unwrap_or_else(PoisonError::into_inner).contains(&format!("{image}:{tag}"));
        if known { Ok(()) } else { Err("Error: manifest not found".into()) }
    }
}

/// A clock that stands still until told otherwise.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock showing `now` (truncated to microseconds, like the system clock).
    pub fn at(now: DateTime<Utc>) -> Self {
        Self { now: Mutex::new(truncate(now)) }
    }

    /// Sets the time.
    pub fn set(&self, now: DateTime<Utc>) {
        *self.lock() = truncate(now);
    }

    /// Moves the time forward (or back, for a negative `by`).
    pub fn advance(&self, by: TimeDelta) {
        let mut now = self.lock();
        *now = now.checked_add_signed(by).unwrap_or(*now);
    }

    fn lock(&self) -> MutexGuard<'_, DateTime<Utc>> {
        self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for ManualClock {
    /// Starts at the current time.
    fn default() -> Self {
        Self::at(Utc::now())
    }
}

fn truncate(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at)
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.lock()
    }
}

/// A blocking pool that runs each job inline and counts the jobs it ran, so a test can tell
/// which work was handed off.
#[derive(Debug, Default)]
pub struct CountingPool {
    jobs: AtomicUsize,
}

impl CountingPool {
    /// How many jobs ran so far.
    pub fn jobs(&self) -> usize {
        self.jobs.load(Ordering::SeqCst)
    }
}

#[async_trait::async_trait]
impl BlockingPool for CountingPool {
    async fn run(&self, job: BlockingJob) -> Result<(), DomainError> {
        self.jobs.fetch_add(1, Ordering::SeqCst);
        job()
    }
}
