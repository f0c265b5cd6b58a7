#![doc = include_str!("../README.md")]
//!
//! # Hostile servers
//!
//! The default transport never follows a redirect to another origin (scheme, host, port): such
//! a call fails with [`TransportErrorKind::RedirectRefused`](sdk_core::TransportErrorKind) before
//! any request reaches the other origin, so neither `x-ansdev-key`, a user token nor a playback
//! token in a URL path can be carried there. Response bodies are capped
//! ([`ClientBuilder::max_response_bytes`], 64 MiB by default), and no wait derived from a server
//! header (a quota reset) exceeds [`MAX_RESET_WAIT`], a
//! day. See the [`transport`] module for the details.
//!
//! # Secrets in memory
//!
//! What the SDK does with its own copies of the API key, user tokens, playback tokens and new
//! API keys:
//!
//! - They are held in types that zeroize on drop (`ApiKey`, `UserToken`, `PlaybackToken`,
//!   `AesKey`); the builder holds the key in a zeroizing buffer until `build` moves it (no copy)
//!   into the `ApiKey`.
//! - An auth header (`x-ansdev-key`, `Authorization`, `Cookie`) and a URL with a token in its
//!   path are assembled at their final size in a buffer that zeroizes itself when the request's
//!   last reference is dropped — by the SDK, by a custom [`Transport`], or by reqwest.
//! - A minted token is decoded into self-wiping strings; a refused token is wiped; the
//!   `playerUrl` the playback sessions do not keep is wiped.
//! - A response body of a route that carries a secret (mint, key creation, AES key delivery)
//!   is wiped once decoded when the SDK holds its only reference; the default transport grows
//!   its body buffer by hand, wiping the buffer it outgrew.
//!
//! The `c8_…` test checks this with a scanning allocator: after requests of every kind through
//! an [`FnTransport`] and dropping the client, no block freed by the SDK still holds a secret.
//!
//! What it cannot wipe, honestly:
//!
//! - reqwest turns the request's URI into a `url::Url` (a copy of a tokenized URL) and hyper
//!   writes the request line and headers into its own write buffer (HTTP/2: HPACK-encoded, auth
//!   headers never indexed); rustls encrypts from its own buffers. Those are freed without
//!   wiping.
//! - Responses pass through hyper's read buffers and the operating system's socket buffers
//!   before the SDK sees them; those keep a minted token or a new API key until reused.
//! - Copies the application makes of [`MintedToken::player_url`](sdk_core::MintedToken) (which
//!   repeats the token and wipes itself when dropped), and the strings the public URL builders of
//!   `sdk_core::endpoint` (`master_playlist_url`, …) return to their caller.
//! - Anything the application copied itself (the `&str` it passed to
//!   [`ClientBuilder::api_key`], environment variables), and memory the operating system swaps out
//!   or writes to a core dump.

mod client;
mod connection;
mod download;
mod keys;
pub mod playback;
#[cfg(feature = "axum")]
pub mod token_endpoint;
pub mod transport;
mod videos;
mod waiter;

pub use client::{API_KEY_ENV, BASE_URL_ENV, Client, ClientBuilder};
pub use download::{DownloadProgress, DownloadSummary};
pub use keys::KeysClient;
pub use playback::{EVENT_BUFFER, PlaybackEvent, PlaybackEvents, PlaybackSession};
pub use transport::{
    BoxFuture, DEFAULT_MAX_RESPONSE_BYTES, FnTransport, MAX_REDIRECTS, ReqwestTransport, Transport,
};
pub use waiter::{WaitError, WaitOptions};

pub use sdk_core;
// Everything an app names is reachable from this crate, so depending on sdk-native alone is
// enough (`sdk_native::sdk_core` stays for the rest of the core).
pub use sdk_core::endpoint::{self, VideoQuery};
pub use sdk_core::hls;
pub use sdk_core::rate_limit::MAX_RESET_WAIT;
pub use sdk_core::retry::{RetryDecision, RetryPolicy};
pub use sdk_core::{
    AesKey, ApiError, ApiKey, ApiKeyInfo, ApiKeyList, BaseUrl, BuildError, CodeFamily, CodeInfo,
    CreatedApiKey, DecodeError, DecodeErrorKind, Error, ErrorCode, IssuedToken, KeyEnvironment,
    KeyId, MintedToken, NewApiKey, PlaybackToken, Quality, QuotaExhausted, RateLimit, Remedy,
    Scope, TokenConfig, TransportError, TransportErrorKind, UserToken, Video, VideoId, VideoPage,
    VideoStatus,
};
// What `PlaybackSession::report_rejection` takes and answers.
pub use sdk_core::{Generation, Refusal, Rejection};

/// The workspace README's Rust examples compile (and, where they need no server, run) as doc
/// tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
