//! Operations (docs/operations.md): health probes, Prometheus metrics, request ids and logs,
//! the `healthcheck` command, read replicas, `import`.

mod demo;
mod health;
mod import;
mod logs;
mod metrics;
mod metrics_sources;
mod read_replica;
mod request_ids;
