//! `eosc-perf`: serve the EOSC Performance API, apply migrations, or print the OpenAPI spec.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "eosc-perf", version, about = "EOSC Performance API server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply pending migrations, then serve.
    Serve {
        /// Listen address (default: env BIND_ADDRESS, then 127.0.0.1:5000).
        #[arg(long)]
        bind: Option<String>,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
}

#[tokio::main]
async fn main() -> ExitCode {
    eosc_perf::telemetry::init();
    let cli = Cli::parse();
    let mut settings = match eosc_perf::Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = match cli.command {
        Command::Serve { bind } => {
            if let Some(bind) = bind {
                settings.bind = bind;
            }
            serve(settings).await
        }
        Command::Migrate => migrate(settings).await,
        Command::Openapi => {
            println!("{:#}", api::openapi_document(&settings.http));
            Ok(())
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: eosc_perf::Settings) -> anyhow::Result<()> {
    let app = eosc_perf::Application::build(settings).await?;
    app.run_until_stopped().await?;
    Ok(())
}

async fn migrate(settings: eosc_perf::Settings) -> anyhow::Result<()> {
    let db = infra::connect(&settings.database).await?;
    infra::migrate(&db).await?;
    tracing::info!("migrations applied");
    Ok(())
}
