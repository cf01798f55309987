//! `eosc-perf`: serve the EOSC Performance API, apply migrations, print the OpenAPI spec, or
//! check a running server's health (see [`eosc_perf::cli`]).

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    eosc_perf::cli::run().await
}
