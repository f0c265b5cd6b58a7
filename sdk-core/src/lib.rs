//! # sdk-core — the Ansdev API, sans I/O
//!
//! Everything the Ansdev SDK knows about the API lives here, as plain data and pure functions:
//! the error catalog, both envelopes, the key and token types, request building and response
//! parsing for every route, the retry policy, the playback-token manager (a state machine that
//! takes `now` as input) and HLS playlist rewriting.
//!
//! This crate performs no I/O, reads no clock and draws no randomness of its own, so the same
//! logic drives the async Rust client (`sdk-native`), the browser package (`sdk-wasm`), and
//! virtual-time tests that play two hours of video in milliseconds.
//!
//! ```
//! use sdk_core::{ApiKey, BaseUrl, endpoint::{Endpoint, GetVideo}, VideoId};
//!
//! let key: ApiKey = "ak_live_0123456789abcdef0123456789abcdef".parse()?;
//! let base = BaseUrl::production();
//! let request = GetVideo::new(&key, VideoId::new("vid_8f3a2c")?).to_request(&base)?;
//! assert_eq!(request.uri(), "https://api.ansdev.cloud/v1/video/vid_8f3a2c");
//! assert!(request.headers()["x-ansdev-key"].is_sensitive());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod api_key;
mod base_url;
pub mod catalog;
pub mod clock;
pub mod endpoint;
pub mod envelope;
mod error;
pub mod hls;
pub mod model;
pub mod rate_limit;
pub mod retry;
mod secret;
pub mod token;

pub use api_key::{ApiKey, KeyEnvironment};
pub use base_url::BaseUrl;
pub use catalog::{CodeFamily, CodeInfo, ErrorCode, Remedy};
pub use error::{
    ApiError, BuildError, DecodeError, DecodeErrorKind, Error, QuotaExhausted, TransportError,
    TransportErrorKind,
};
pub use model::{
    ApiKeyInfo, ApiKeyList, CreatedApiKey, KeyId, MintedToken, NewApiKey, Quality, Scope, Video,
    VideoId, VideoPage, VideoStatus,
};
pub use rate_limit::RateLimit;
pub use secret::{AesKey, PlaybackToken, UserToken};
pub use token::{
    Generation, IssuedToken, MintRequest, PlaybackEvent, Refusal, Rejection, RequestId,
    TokenConfig, TokenEvent, TokenLookup, TokenManager,
};
