//! The backcare binary: parse configuration, load the catalog, serve.

use std::process::ExitCode;

use backcare::catalog::{Catalog, LoadError, Problem};
use backcare::config::{Cli, Command, ContentArgs};
use clap::Parser;

// mimalloc: the engine and the JSON layer allocate many small strings per
// request; glibc's allocator spent about 40% of a recommendation's
// instructions in malloc/free (callgrind), mimalloc far less.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Loads the catalog and checks that the engine finds everything it cites.
fn load(args: &ContentArgs) -> Result<Catalog, LoadError> {
    let catalog = match &args.content {
        Some(dir) => Catalog::from_dir(dir)?,
        None => Catalog::embedded()?,
    };
    let missing = backcare::engine::check_catalog(&catalog);
    if missing.is_empty() {
        Ok(catalog)
    } else {
        Err(LoadError::Invalid(
            missing
                .into_iter()
                .map(|message| Problem {
                    file: "(engine)".to_owned(),
                    field: String::new(),
                    message,
                })
                .collect(),
        ))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Validate(args)) => match load(&args) {
            Ok(catalog) => {
                let counts: Vec<String> = catalog
                    .counts()
                    .iter()
                    .map(|(k, n)| format!("{n} {k}"))
                    .collect();
                println!(
                    "content is valid: {} (version {})",
                    counts.join(", "),
                    catalog.version
                );
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("{err}");
                ExitCode::FAILURE
            }
        },
        Some(Command::Openapi) => {
            println!("{}", backcare::http::openapi_json());
            ExitCode::SUCCESS
        }
        Some(Command::Serve(args)) => serve(args),
        None => serve(cli.serve),
    }
}

fn serve(args: backcare::config::ServeArgs) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let catalog = match load(&args.content) {
        Ok(catalog) => catalog,
        Err(err) => {
            eprintln!("refusing to start: {err}");
            return ExitCode::FAILURE;
        }
    };
    let counts: Vec<String> = catalog
        .counts()
        .iter()
        .map(|(k, n)| format!("{k}={n}"))
        .collect();
    tracing::info!(version = %catalog.version, counts = %counts.join(" "), "catalog loaded");
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(args.bind).await {
            Ok(l) => l,
            Err(err) => {
                eprintln!("cannot listen on {}: {err}", args.bind);
                return ExitCode::FAILURE;
            }
        };
        tracing::info!(address = %args.bind, "serving; docs at /docs");
        let app = backcare::http::app(backcare::http::AppState::new(catalog));
        match axum::serve(listener, app)
            .with_graceful_shutdown(shutdown_signal())
            .await
        {
            Ok(()) => {
                tracing::info!("stopped");
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("server error: {err}");
                ExitCode::FAILURE
            }
        }
    })
}

/// Resolves on SIGINT or SIGTERM, so in-flight requests can finish.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(%err, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(err) => {
                tracing::error!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down; finishing in-flight requests");
}
