//! # sdk-native — the async Rust client of the Ansdev API
//!
//! A typed, retrying, cancellable client on top of [`sdk_core`]: every route of the API, a
//! `Stream` over all videos, API-key management with a user token, and playback sessions that
//! keep a valid token at hand for as long as a video plays.
//!
//! ```no_run
//! # async fn run() -> Result<(), sdk_native::Error> {
//! let client = sdk_native::Client::builder()
//!     .api_key(std::env::var("ANSDEV_API_KEY").unwrap_or_default())
//!     .build()?;
//! let minted = client.mint_playback_token("vid_demo_encrypted").await?;
//! if let Some(quota) = minted.rate_limit {
//!     println!("{} of {} mints left today", quota.remaining, quota.limit);
//! }
//! # Ok(()) }
//! ```
//!
//! The API key lives only in memory: it is validated when the client is built, redacted in
//! `Debug`, never logged (`tracing` spans name the route, never a URL that carries a token), and
//! zeroized when the last clone of the client is dropped.

mod client;
mod download;
mod keys;
pub mod playback;
#[cfg(feature = "axum")]
pub mod token_endpoint;
pub mod transport;
mod videos;

pub use client::{Client, ClientBuilder};
pub use download::{DownloadProgress, DownloadSummary};
pub use keys::KeysClient;
pub use playback::{PlaybackEvent, PlaybackSession};
pub use transport::{BoxFuture, FnTransport, ReqwestTransport, Transport};

pub use sdk_core;
pub use sdk_core::endpoint::VideoQuery;
pub use sdk_core::retry::RetryPolicy;
pub use sdk_core::{
    AesKey, ApiKey, ApiKeyInfo, CreatedApiKey, Error, ErrorCode, IssuedToken, KeyId, MintedToken,
    NewApiKey, PlaybackToken, RateLimit, Remedy, Scope, TokenConfig, UserToken, Video, VideoId,
    VideoPage, VideoStatus,
};

/// The workspace README's Rust examples compile (and, where they need no server, run) as doc
/// tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
