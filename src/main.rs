//! The backcare binary: parse configuration, load the catalog, serve.

use std::process::ExitCode;
use std::time::Duration;

use axum::http::HeaderValue;
use backcare::config::{CdsAuthMode, Cli, Command, LogFormat, ServeArgs};
use backcare::content;
use backcare::http::cds::{auth, card_id};
use backcare::http::serve::{self, ServeSettings};
use backcare::http::{AppState, Settings};
use clap::Parser;

// mimalloc: the engine and the JSON layer allocate many small strings per
// request; glibc's allocator spent about 40% of a recommendation's
// instructions in malloc/free (callgrind), mimalloc far less. It is built
// without transparent huge pages (Cargo.toml says why).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Validate(args)) => match content::load(args.content.as_deref()) {
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
        Some(Command::Healthcheck(args)) => {
            match backcare::health::check(args.bind, Duration::from_secs(args.timeout)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(why) => {
                    eprintln!("not ready: {why}");
                    ExitCode::FAILURE
                }
            }
        }
        Some(Command::Serve(args)) => serve(args),
        None => serve(cli.serve),
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
        LogFormat::Text => builder.init(),
    }
}

fn settings(args: &ServeArgs) -> Result<Settings, String> {
    let cors_origins = args
        .cors_origins
        .iter()
        .map(|o| o.trim())
        .filter(|o| !o.is_empty())
        .map(|o| {
            HeaderValue::from_str(o)
                .map_err(|_| format!("--cors-origins: `{o}` is not a valid origin"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let public_url = match &args.public_url {
        None => None,
        Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
            Some(url.trim_end_matches('/').to_owned())
        }
        Some(url) => {
            return Err(format!(
                "--public-url: `{url}` must start with https:// or http://"
            ));
        }
    };
    if let Some(path) = &args.cds_card_key_file {
        let secret = std::fs::read(path)
            .map_err(|e| format!("--cds-card-key-file: {}: {e}", path.display()))?;
        card_id::set_key(&secret).map_err(|e| format!("--cds-card-key-file: {e}"))?;
    }
    let cds_auth = cds_auth(args, public_url.as_deref())?;
    Ok(Settings {
        body_limit: args.body_limit as usize,
        request_timeout: Duration::from_secs(args.request_timeout),
        body_timeout: Duration::from_secs(args.body_timeout),
        concurrency_limit: args.concurrency_limit as usize,
        cors_origins,
        public_url,
        cds_auth: std::sync::Arc::new(cds_auth),
    })
}

/// CDS Hooks authentication from the flags: the issuers' key files are
/// read and checked now, so a bad file stops start-up.
fn cds_auth(args: &ServeArgs, public_url: Option<&str>) -> Result<auth::CdsAuth, String> {
    if args.cds_auth == CdsAuthMode::Off {
        tracing::warn!(
            "CDS Hooks authentication is off (--cds-auth off): anyone who can reach /cds-services can call it; use this only for local development"
        );
        return Ok(auth::CdsAuth::Off);
    }
    let mut issuers: Vec<auth::keys::Issuer> = Vec::new();
    for arg in args.cds_issuers.iter().filter(|a| !a.trim().is_empty()) {
        let (iss, path) =
            auth::keys::parse_issuer_arg(arg).map_err(|e| format!("--cds-issuer: {e}"))?;
        if issuers.iter().any(|i| i.iss == iss) {
            return Err(format!("--cds-issuer: `{iss}` is given twice"));
        }
        let issuer = auth::keys::Issuer::from_file(&iss, &path)
            .map_err(|e| format!("--cds-issuer {iss}: {e}"))?;
        let kids: Vec<&str> = issuer.keys.iter().map(|k| k.kid.as_str()).collect();
        tracing::info!(issuer = %iss, keys = %kids.join(" "), "trusting CDS Hooks client");
        issuers.push(issuer);
    }
    if issuers.is_empty() {
        tracing::warn!(
            "no --cds-issuer configured: every call to /cds-services will be answered 401 (--cds-auth off for local development)"
        );
    } else if public_url.is_none() {
        return Err(
            "--cds-issuer needs --public-url: a token's `aud` must be the endpoint's public URL"
                .to_owned(),
        );
    }
    Ok(auth::CdsAuth::Required(auth::Verifier::new(issuers)))
}

fn serve(args: ServeArgs) -> ExitCode {
    init_logging(args.log_format);
    backcare::http::middleware::log_panics();
    let settings = match settings(&args) {
        Ok(s) => s,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::FAILURE;
        }
    };
    let catalog = match content::load(args.content.content.as_deref()) {
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
    runtime.block_on(run(args, settings, AppState::new(catalog)))
}

async fn run(args: ServeArgs, settings: Settings, state: AppState) -> ExitCode {
    let (public, admin) = match (
        listen(args.bind, args.max_connections.max(128)),
        listen(args.admin_bind, 128),
    ) {
        (Ok(p), Ok(a)) => (p, a),
        (Err(err), _) => {
            eprintln!("cannot listen on {}: {err}", args.bind);
            return ExitCode::FAILURE;
        }
        (_, Err(err)) => {
            eprintln!("cannot listen on {} (admin): {err}", args.admin_bind);
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(address = %args.bind, admin = %args.admin_bind, "serving; docs at /docs, metrics on the admin address");

    if let Some(dir) = args.content.content.clone() {
        tokio::spawn(reload_on_sighup(state.clone(), dir.clone()));
        if args.watch
            && let Err(err) = content::watch(state.clone(), dir, Duration::from_secs(1))
        {
            tracing::error!(%err, "cannot start the content watcher; SIGHUP still reloads");
        }
    }
    let admin_app = backcare::http::admin(state.clone());
    tokio::spawn(async move {
        if let Err(err) = axum::serve(admin, admin_app).await {
            tracing::error!(%err, "admin listener failed");
        }
    });

    let app = backcare::http::app_with(state.clone(), &settings);
    let serving = ServeSettings {
        header_timeout: Duration::from_secs(args.header_timeout),
        idle_timeout: Duration::from_secs(args.idle_timeout),
        idle_timeout_when_full: Duration::from_secs(args.idle_timeout_when_full),
        max_connections: args.max_connections as usize,
        drain_delay: Duration::from_secs(args.drain_delay),
        shutdown_timeout: Duration::from_secs(args.shutdown_timeout),
    };
    match serve::serve(public, app, state, serving, shutdown_signal()).await {
        serve::Stopped::Drained => tracing::info!("stopped"),
        serve::Stopped::TimedOut => {
            tracing::warn!("in-flight requests did not finish in time; stopping anyway")
        }
    }
    ExitCode::SUCCESS
}

/// A listening socket with room for `backlog` connections not yet accepted
/// (the kernel caps it at `net.core.somaxconn`). `TcpListener::bind` leaves
/// 128: a burst of more new connections than that, which the cap and the
/// 503 for connections over it are there to absorb, had the kernel drop
/// SYNs instead, and those clients waited a second or more to retry
/// (scripts/hostile.py: 2,000 connections took 6 s to open, not 0.1 s).
fn listen(addr: std::net::SocketAddr, backlog: u32) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // As std's bind does on Unix: a restart can bind while the previous
    // process's connections are still in TIME_WAIT.
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(backlog)
}

/// Reloads the content directory on every SIGHUP.
async fn reload_on_sighup(state: AppState, dir: std::path::PathBuf) {
    #[cfg(unix)]
    {
        let mut hangups =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
                Ok(s) => s,
                Err(err) => {
                    tracing::error!(%err, "cannot listen for SIGHUP; reload is unavailable");
                    return;
                }
            };
        while hangups.recv().await.is_some() {
            tracing::info!("SIGHUP: reloading content");
            // Loading blocks: off the async threads that serve requests.
            let (state, dir) = (state.clone(), dir.clone());
            let _ = tokio::task::spawn_blocking(move || content::reload(&state, &dir)).await;
        }
    }
    #[cfg(not(unix))]
    let _ = (state, dir);
}

/// Resolves on SIGINT or SIGTERM; serving then drains (src/http/serve.rs).
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
    tracing::info!("stop signal received");
}
