//! `server-reference`: the reference server binary (flags in docs/api.md §13, `--help`).

use std::io::Write;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};
use server_reference::Config;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Logs go to stderr; stdout carries only the lines other tools parse.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let matches = Config::command().get_matches();
    let mut config = match Config::from_arg_matches(&matches) {
        Ok(config) => config,
        Err(err) => err.exit(),
    };
    if matches.value_source("master_key") == Some(ValueSource::CommandLine) {
        tracing::warn!(
            "--master-key on the command line is visible to every local user (ps, /proc): \
             use --master-key-file PATH or ANSDEV_MASTER_KEY"
        );
    }
    // Checked first, so a refused configuration leaves no key file behind.
    if let Err(err) = config.validate() {
        return cannot_start(&err);
    }
    if let Err(err) = config.use_dev_master_key_file() {
        return cannot_start(&err);
    }
    let server = match server_reference::serve(config).await {
        Ok(server) => server,
        Err(err) => return cannot_start(&err),
    };
    let mut out = std::io::stdout().lock();
    let mut lines = vec![format!("listening on {}", server.base_url())];
    // The demo key is the one key ever printed: the demo needs it, and it was just generated.
    if let Some(key) = server.demo_api_key() {
        lines.push(format!("demo api key: {key}"));
    }
    if let Some(url) = server.demo_player_url() {
        lines.push(format!("demo player: {url}"));
    }
    for line in lines {
        if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
            break;
        }
    }
    drop(out);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    tokio::select! {
        result = server.wait() => {
            if let Err(err) = result {
                tracing::error!(error = %err, "server failed");
                return std::process::ExitCode::FAILURE;
            }
        }
        () = shutdown => {}
    }
    std::process::ExitCode::SUCCESS
}

/// A start-up failure: one line on stderr (what a script waiting for `listening on` shows its
/// user), and a non-zero exit.
fn cannot_start(err: &dyn std::error::Error) -> std::process::ExitCode {
    let message = err.to_string().replace('\n', " ");
    let _ = writeln!(
        std::io::stderr(),
        "server-reference: cannot start: {message}"
    );
    std::process::ExitCode::FAILURE
}
