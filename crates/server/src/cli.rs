//! The command line of `eosc-perf`: serve, apply migrations, print the OpenAPI document,
//! run a playground (`demo`), check a running server's readiness (`healthcheck`, for container health checks), or import
//! an original deployment's database (`import`).

use std::{process::ExitCode, time::Duration};

use clap::{Parser, Subcommand};

use crate::{Settings, telemetry};

/// How long `healthcheck` waits for the answer.
const HEALTHCHECK_TIMEOUT: Duration = Duration::from_secs(5);

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
    /// A playground: serve on loopback with sample data and a demo token issuer, and print
    /// ready-to-paste curl commands (see docs/operations.md).
    Demo {
        /// Listen address, loopback only (default 127.0.0.1:5000).
        #[arg(long)]
        bind: Option<String>,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Print the OpenAPI document.
    Openapi,
    /// Copy an original deployment (eosc-perf-backend 1.2.3) into DATABASE_URL's database,
    /// after applying migrations. Idempotent: run it again to resume or to check.
    Import {
        /// postgres:// URL of the original's database (only read, in a read-only transaction).
        #[arg(long, value_name = "POSTGRES_URL")]
        from: String,
    },
    /// Exit 0 when the server's readiness check answers 200, 1 otherwise.
    Healthcheck {
        /// Readiness URL (default: http://127.0.0.1:<port of BIND_ADDRESS, else 5000>/health/ready).
        #[arg(long)]
        url: Option<String>,
    },
}

/// Runs the command named on the command line.
pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Healthcheck { url } = cli.command {
        return healthcheck(url).await;
    }
    let mut settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    telemetry::init(settings.log_format);
    let outcome = match cli.command {
        Command::Serve { bind } => {
            if let Some(bind) = bind {
                settings.bind = bind;
            }
            serve(settings).await
        }
        Command::Demo { bind } => crate::demo::run(settings, bind).await,
        Command::Migrate => migrate(settings).await,
        Command::Import { from } => import(settings, &from).await,
        Command::Openapi => {
            println!("{:#}", api::openapi_document(&settings.http));
            Ok(())
        }
        Command::Healthcheck { .. } => Ok(()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let app = crate::Application::build(settings).await?;
    app.run_until_stopped().await?;
    Ok(())
}

async fn migrate(settings: Settings) -> anyhow::Result<()> {
    let db = infra::connect(&settings.database).await?;
    infra::migrate(&db).await?;
    tracing::info!("migrations applied");
    Ok(())
}

async fn import(settings: Settings, from: &str) -> anyhow::Result<()> {
    let db = infra::connect(&settings.database).await?;
    infra::migrate(&db).await?;
    let report = infra::import::import_original(from, &db, |t| {
        tracing::info!(table = t.table, read = t.read, new = t.new, updated = t.updated, "table imported");
    })
    .await?;
    print!("{report}");
    println!("import complete: {} new, {} updated", report.total_new(), report.total_updated());
    Ok(())
}

/// The default readiness URL: loopback, on the port of `bind` (5000 when it names none).
pub fn default_healthcheck_url(bind: &str) -> String {
    let port = bind.rsplit_once(':').and_then(|(_, port)| port.parse::<u16>().ok()).unwrap_or(5000);
    format!("http://127.0.0.1:{port}/health/ready")
}

async fn healthcheck(url: Option<String>) -> ExitCode {
    let url = match url {
        Some(url) => url,
        None => match crate::config::bind_address(&|name| std::env::var(name).ok()) {
            Ok(bind) => default_healthcheck_url(&bind),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        },
    };
    let client = match reqwest::Client::builder().timeout(HEALTHCHECK_TIMEOUT).build() {
        Ok(client) => client,
        Err(e) => {
            eprintln!("healthcheck: {e}");
            return ExitCode::FAILURE;
        }
    };
    match client.get(&url).send().await {
        Ok(resp) if resp.status() == reqwest::StatusCode::OK => {
            println!("healthy: {url} answered 200");
            ExitCode::SUCCESS
        }
        Ok(resp) => {
            eprintln!("unhealthy: {url} answered {}", resp.status().as_u16());
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("unhealthy: {url}: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::default_healthcheck_url;

    #[test]
    fn the_default_url_takes_the_port_of_the_bind_address() {
        assert_eq!(default_healthcheck_url("0.0.0.0:8080"), "http://127.0.0.1:8080/health/ready");
        assert_eq!(default_healthcheck_url("[::]:5001"), "http://127.0.0.1:5001/health/ready");
        assert_eq!(default_healthcheck_url("localhost"), "http://127.0.0.1:5000/health/ready");
    }
}
