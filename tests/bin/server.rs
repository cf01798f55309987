//! The `eosc-perf` command line, built in this package so that its tests can run it as a
//! process (`CARGO_BIN_EXE_eosc-perf-under-test`): the same code as the server's binary.

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    server::cli::run().await
}
