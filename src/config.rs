//! Command line and environment configuration.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// backcare: back-pain self-care recommendations over HTTP.
#[derive(Debug, Parser)]
#[command(
    name = "backcare",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// What to do; `serve` when left out.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options for `serve` when no subcommand is given.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
#[expect(
    clippy::large_enum_variant,
    reason = "parsed once at start-up; boxing would buy nothing"
)]
pub enum Command {
    /// Serve the HTTP API (the default).
    Serve(ServeArgs),
    /// Check content and print every problem; exit 1 if there are any.
    Validate(ContentArgs),
    /// Print the OpenAPI document as JSON.
    Openapi,
    /// Ask a running server's `/readyz`; exit 0 when it answers 200. For a
    /// container `HEALTHCHECK` in an image with no shell or curl.
    Healthcheck(HealthcheckArgs),
}

/// Options for `healthcheck`.
#[derive(Debug, Clone, Args)]
pub struct HealthcheckArgs {
    /// The server's address: the same variable `serve` listens on, with an
    /// unspecified host (0.0.0.0) asked on loopback.
    #[arg(long, env = "BACKCARE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Seconds to wait for the answer.
    #[arg(long, default_value_t = 2)]
    pub timeout: u64,
}

/// Where the catalog comes from.
#[derive(Debug, Clone, Args)]
pub struct ContentArgs {
    /// Serve content from this directory instead of the content embedded at build time.
    #[arg(long, env = "BACKCARE_CONTENT", value_name = "DIR")]
    pub content: Option<PathBuf>,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Whether CDS Hooks calls must carry a valid bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CdsAuthMode {
    /// Every call needs a JWT from a `--cds-issuer` (the default).
    On,
    /// No checking, for local development only; logged as a warning.
    Off,
}

/// Options for `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BACKCARE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Address of the admin listener serving /metrics; keep it off the public network.
    #[arg(long, env = "BACKCARE_ADMIN_BIND", default_value = "127.0.0.1:9090")]
    pub admin_bind: SocketAddr,
    /// Content source.
    #[command(flatten)]
    pub content: ContentArgs,
    /// With --content: reload when files change on disk (SIGHUP always reloads).
    #[arg(long, env = "BACKCARE_WATCH", requires = "content")]
    pub watch: bool,
    /// Log format.
    #[arg(long, env = "BACKCARE_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Largest request body in bytes (413 above it).
    #[arg(long, env = "BACKCARE_BODY_LIMIT", default_value_t = 64 * 1024, value_parser = clap::value_parser!(u32).range(1..=16 * 1024 * 1024))]
    pub body_limit: u32,
    /// Seconds a request may take before it is answered 503.
    #[arg(long, env = "BACKCARE_REQUEST_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub request_timeout: u64,
    /// Requests served at once; beyond it requests get 503 with Retry-After.
    #[arg(long, env = "BACKCARE_CONCURRENCY_LIMIT", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub concurrency_limit: u32,
    /// Browser origins allowed by CORS, comma separated (none by default).
    #[arg(long, env = "BACKCARE_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Public base URL for absolute links in CDS Hooks cards
    /// (`https://backcare.example.org`); from the request's Host when unset.
    #[arg(long, env = "BACKCARE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Seconds a request body may take to arrive (408 after it). A request
    /// counts against --concurrency-limit only once its body has arrived.
    #[arg(long, env = "BACKCARE_BODY_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub body_timeout: u64,
    /// Seconds a request head may take to arrive, from the connection
    /// opening or from its first byte; the connection is closed after it.
    #[arg(long, env = "BACKCARE_HEADER_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub header_timeout: u64,
    /// Seconds a keep-alive connection may sit with no request before it is
    /// closed; keep it above the load balancer's own idle timeout.
    #[arg(long, env = "BACKCARE_IDLE_TIMEOUT", default_value_t = 75, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub idle_timeout: u64,
    /// Seconds a connection with no request in progress may stay open while
    /// the connection limit is reached: idle and stalled clients make room.
    #[arg(long, env = "BACKCARE_IDLE_TIMEOUT_WHEN_FULL", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub idle_timeout_when_full: u64,
    /// Connections open at once on the public listener; beyond it a
    /// connection is answered 503 and closed.
    #[arg(long, env = "BACKCARE_MAX_CONNECTIONS", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_connections: u32,
    /// Seconds to keep serving after SIGTERM or SIGINT with /readyz
    /// answering 503, so load balancers stop sending work first.
    #[arg(long, env = "BACKCARE_DRAIN_DELAY", default_value_t = 5, value_parser = clap::value_parser!(u64).range(0..=300))]
    pub drain_delay: u64,
    /// CDS Hooks authentication: `on` requires every call to /cds-services
    /// to carry a JWT signed by a `--cds-issuer`, and with none configured
    /// refuses them all; `off` is for local development only.
    #[arg(long, env = "BACKCARE_CDS_AUTH", value_enum, default_value = "on")]
    pub cds_auth: CdsAuthMode,
    /// A trusted CDS client (EHR): its `iss` and a JWK Set file of its
    /// public keys, as `ISSUER=PATH`. Repeatable; the variable takes a
    /// comma-separated list. Needs --public-url, which tokens' `aud` names.
    #[arg(
        long = "cds-issuer",
        env = "BACKCARE_CDS_ISSUERS",
        value_name = "ISSUER=PATH",
        value_delimiter = ','
    )]
    pub cds_issuers: Vec<String>,
    /// A file of at least 32 random bytes keying CDS card ids; give every
    /// replica the same one so feedback reaching any of them, or arriving
    /// after a restart, is counted. Random per process when unset.
    #[arg(long, env = "BACKCARE_CDS_CARD_KEY_FILE", value_name = "PATH")]
    pub cds_card_key_file: Option<PathBuf>,
    /// Seconds to let in-flight requests finish once the drain delay is over.
    #[arg(long, env = "BACKCARE_SHUTDOWN_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(0..=300))]
    pub shutdown_timeout: u64,
}
