//! eosc-perf server: configuration, telemetry and the composition root that wires the
//! concrete adapters (SeaORM, OIDC, SMTP outbox, OCI registry) into the domain services and
//! the HTTP layer. The only crate that knows every concrete type.

pub mod cli;
pub mod config;
pub mod demo;
pub mod limits;
pub mod metrics;
pub mod read_routing;
pub mod readiness;
pub mod standby;
pub mod startup;
pub mod telemetry;

pub use config::Settings;
pub use startup::Application;
