//! # server-reference — the Ansdev contract, served for real
//!
//! An axum server that behaves like the Ansdev API down to the byte: both envelopes, every
//! catalog error in the right order, API-key auth with scopes and soft revocation, an exact
//! per-key daily playback-token quota, HS256 playback tokens, token-gated HLS playlists, public
//! AES-128 encrypted segments, key delivery, `/v1/keys` with RS256 user tokens, and a `--dev`
//! mode (user tokens, a movable clock, fault injection) for tests.
//!
//! Start it with [`serve`] (the binary does exactly that) or mount [`router`] yourself:
//!
//! ```no_run
//! # async fn run() -> Result<(), server_reference::StartError> {
//! let config = server_reference::Config::for_tests();
//! let server = server_reference::serve(config).await?;
//! println!("listening on {}", server.base_url());
//! # Ok(()) }
//! ```
//!
//! # Testing your app
//!
//! [`Config::for_tests`] is a `--dev` server on `127.0.0.1:0` with an in-memory database and
//! the demo dataset (its ids are in [`demo`], its key in [`RunningServer::demo_api_key`]). A
//! test drives it through [`RunningServer`]'s helpers, which check their input like the
//! `/dev/*` routes do:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use server_reference::{Config, Fault, core::VideoStatus, demo, serve};
//!
//! let server = serve(Config::for_tests()).await?;
//! server.arm_fault(Fault::on("mint").status(503))?;
//! server.set_video_status(demo::TRANSCODING_VIDEO_ID, &VideoStatus::Completed)?;
//! server.advance_clock(3600)?;
//! // … the app under test talks to server.base_url() …
//! let mints = server
//!     .requests()
//!     .iter()
//!     .filter(|r| r.route == "/v1/video/{video_id}/playback-token" && r.status == 200)
//!     .count();
//! # let _ = mints;
//! # Ok(()) }
//! ```
//!
//! The crate README's "Testing your app" guide covers the binary from any language, CI, and
//! every dev route's body and bounds.

mod auth;
mod clock;
mod config;
mod connections;
mod crypto;
pub mod demo;
mod dev_api;
mod dev_master_key;
mod dev_refusal;
mod error;
mod faults;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
mod http_date;
mod idp;
mod journal;
mod jwks;
mod jwt_shape;
mod lifecycle;
mod master_key_file;
mod media;
mod media_dir;
mod routes;
mod seed;
mod server;
mod state;
mod store;
mod test_double;
mod tokens;

pub use clock::ServerClock;
pub use config::{Config, ConfigError};
pub use dev_master_key::DevMasterKeyError;
pub use dev_refusal::DevRefusal;
pub use journal::{JOURNAL_CAPACITY, JournalEntry};
pub use master_key_file::MasterKeyFileError;
pub use media_dir::{MAX_MEDIA_FILE_BYTES, MAX_MEDIA_TOTAL_BYTES, MediaDir, MediaDirError};
pub use sdk_core as core;
pub use seed::{SeedApiKey, SeedFile, SeedUser, SeedVideo};
pub use server::{RunningServer, StartError, serve};
pub use state::AppState;
pub use test_double::Fault;

/// The application's routes with CORS, panic handling and the front end's 411 rule applied;
/// with `dev`, also the request journal and the life-cycle route. Every answer's `Date`
/// header reads the server clock.
pub fn router(state: AppState) -> axum::Router {
    use axum::middleware::from_fn_with_state;
    let mut app = routes::build(state.clone());
    if state.inner.dev {
        app = app
            .layer(from_fn_with_state(state.clone(), lifecycle::apply_due))
            .layer(from_fn_with_state(state.clone(), journal::record));
    }
    app.layer(from_fn_with_state(state, http_date::middleware))
}

/// The README's Rust examples compile as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
