//! Non-repository ports: time and the container image registry.

use chrono::{DateTime, Utc};

/// Port: the current time, so that services are testable.
pub trait Clock: Send + Sync {
    /// Now, truncated to microseconds (the precision the API prints).
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        let now = Utc::now();
        let micros = now.timestamp_micros();
        DateTime::from_timestamp_micros(micros).unwrap_or(now)
    }
}

/// Port: does `image:tag` exist in its registry?
#[async_trait::async_trait]
pub trait ImageRegistry: Send + Sync {
    /// Checks the manifest of `image:tag`.
    ///
    /// # Errors
    /// The reason text of the contract (§6.4), e.g. `Error: manifest not found`.
    async fn check(&self, image: &str, tag: &str) -> Result<(), String>;
}

/// An image registry check that accepts everything (`IMAGE_CHECK=off`).
#[derive(Debug, Default, Clone, Copy)]
pub struct NoImageCheck;

#[async_trait::async_trait]
impl ImageRegistry for NoImageCheck {
    async fn check(&self, _image: &str, _tag: &str) -> Result<(), String> {
        Ok(())
    }
}

/// A piece of CPU-bound work handed to a [`BlockingPool`].
pub type BlockingJob = Box<dyn FnOnce() -> Result<(), crate::DomainError> + Send + 'static>;

/// Port: runs CPU-bound work (checking a large result document against its schema) where it
/// cannot stall the tasks that serve other requests.
#[async_trait::async_trait]
pub trait BlockingPool: Send + Sync {
    /// Runs `job` to completion and returns its answer.
    ///
    /// # Errors
    /// The job's own error, or an internal error when the job could not run to completion.
    async fn run(&self, job: BlockingJob) -> Result<(), crate::DomainError>;
}

/// A pool that runs each job at once on the caller's thread (tests, embedders without an async
/// runtime).
#[derive(Debug, Default, Clone, Copy)]
pub struct RunInline;

#[async_trait::async_trait]
impl BlockingPool for RunInline {
    async fn run(&self, job: BlockingJob) -> Result<(), crate::DomainError> {
        job()
    }
}
