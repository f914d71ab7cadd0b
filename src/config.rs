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
pub enum Command {
    /// Serve the HTTP API (the default).
    Serve(ServeArgs),
    /// Check content and print every problem; exit 1 if there are any.
    Validate(ContentArgs),
    /// Print the OpenAPI document as JSON.
    Openapi,
}

/// Where the catalog comes from.
#[derive(Debug, Clone, Args)]
pub struct ContentArgs {
    /// Serve content from this directory instead of the content embedded at build time.
    #[arg(long, env = "BACKCARE_CONTENT", value_name = "DIR")]
    pub content: Option<PathBuf>,
}

/// Options for `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BACKCARE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Content source.
    #[command(flatten)]
    pub content: ContentArgs,
}
