//! Runnable examples of the Ansdev SDK; each program is a binary of this crate
//! (`cargo run -p examples --bin NAME`). They read their settings from the environment:
//!
//! | variable | meaning | default |
//! |---|---|---|
//! | `ANSDEV_API_KEY` | an API key (`ak_live_…` / `ak_test_…`) | required where a key is used |
//! | `ANSDEV_BASE_URL` | the API | `https://api.ansdev.cloud` |
//! | `ANSDEV_USER_TOKEN` | a dashboard user's bearer token (key management) | required by `keys` |
//! | `ANSDEV_VIDEO` | the video `player-backend`'s page plays | `vid_demo_encrypted` |
//! | `ANSDEV_BACKEND_ADDR` | where `player-backend` listens | `127.0.0.1:3000` |
//! | `ANSDEV_PLAYER_ASSETS` | the built `sdk-wasm` package `player-backend` serves | the workspace's |
//!
//! `player-backend` serves two browser pages: its own (`examples/player-backend/`) and the plain
//! HTML page `examples/browser/index.html`; both get tokens from its token endpoint.
//!
//! `./scripts/demo.sh` starts the reference server and runs them against it.

use std::process::ExitCode;

use sdk_native::{Client, Error};

/// Reads an environment variable, or explains which one is missing.
pub fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name} (see examples/src/lib.rs)"))
}

/// A client from `ANSDEV_API_KEY` and `ANSDEV_BASE_URL`.
pub fn client_from_env() -> Result<Client, Box<dyn std::error::Error>> {
    let mut builder = Client::builder()
        .api_key(env("ANSDEV_API_KEY")?)
        .user_agent("ansdev-examples");
    if let Ok(base) = std::env::var("ANSDEV_BASE_URL") {
        builder = builder.base_url(base);
    }
    Ok(builder.build()?)
}

/// One line on what to do about an error, by class. Never prints a secret: SDK errors hold none.
#[must_use]
pub fn explain(err: &Error) -> String {
    let remedy = err
        .remedy()
        .map(|r| format!(" — what to do: {r:?}"))
        .unwrap_or_default();
    let class = match err {
        Error::Build(_) => "invalid input, nothing was sent",
        Error::Transport(_) => "network failure (retried already)",
        Error::Timeout { .. } => "timed out (retried already)",
        Error::Decode(_) => "unexpected answer",
        Error::Api(_) => "the API refused",
        Error::QuotaExhausted(_) => "daily playback-token quota used up",
        Error::AuthGaveUp { .. } => "the playback token kept being refused",
        _ => "error",
    };
    format!("{class}: {err} [code {}]{remedy}", err.code())
}

/// Runs an example's async body and turns its error into a message and exit code 1.
pub fn run<F>(body: F) -> ExitCode
where
    F: std::future::Future<Output = Result<(), Box<dyn std::error::Error>>>,
{
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            report(&err.to_string());
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(body) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            match err.downcast_ref::<Error>() {
                Some(sdk) => report(&explain(sdk)),
                None => report(&err.to_string()),
            }
            ExitCode::FAILURE
        }
    }
}

#[allow(clippy::print_stderr)] // a command-line program reports on stderr
fn report(message: &str) {
    eprintln!("error: {message}");
}
