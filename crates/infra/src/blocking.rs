//! The blocking pool adapter: CPU-bound jobs run on tokio's blocking threads, so the worker
//! threads that serve requests keep serving while a large document is checked.

use domain::{
    DomainError,
    ports::{BlockingJob, BlockingPool},
};

/// Runs jobs with `tokio::task::spawn_blocking`.
#[derive(Debug, Default, Clone, Copy)]
pub struct TokioBlockingPool;

#[async_trait::async_trait]
impl BlockingPool for TokioBlockingPool {
    async fn run(&self, job: BlockingJob) -> Result<(), DomainError> {
        tokio::task::spawn_blocking(job)
            .await
            .map_err(|e| DomainError::Internal(format!("a blocking job did not complete: {e}")))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_off_the_async_thread_and_keep_their_answer() {
        let caller = std::thread::current().id();
        let pool = TokioBlockingPool;
        let ran_elsewhere = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = ran_elsewhere.clone();
        let job: BlockingJob = Box::new(move || {
            flag.store(std::thread::current().id() != caller, std::sync::atomic::Ordering::SeqCst);
            Err(DomainError::Invalid("refused".into()))
        });
        assert!(matches!(pool.run(job).await, Err(DomainError::Invalid(m)) if m == "refused"));
        assert!(ran_elsewhere.load(std::sync::atomic::Ordering::SeqCst));
    }
}
