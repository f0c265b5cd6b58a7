//! The playback-token manager: tokens per video, minted lazily, one mint at a time per video.
//!
//! The product's promise is that playback never breaks on token expiry without spending the
//! daily quota needlessly. [`TokenManager`] keeps that promise as a sans-IO state machine:
//!
//! - a token is handed out only while at least a margin of its life is left (30 s, capped at a
//!   third of the lifetime), counted from receipt on a monotonic clock — tokens are opaque;
//! - a mint happens only when a caller needs a token (or, with keep-warm, when an active
//!   video's token leaves its fresh window — unless the player holds everything it still needs
//!   for that video, see [`TokenManager::set_held`]);
//! - however many callers ask, one mint is in flight per video; late answers are dropped by
//!   request id, and a refusal of an already replaced token is recognised by its generation;
//! - transient failures are retried with jittered exponential backoff; a quota refusal pauses
//!   every video until the reset and fails callers at once, and a mint that succeeds (answered,
//!   inserted, or made elsewhere with the same key) ends the pause early.
//!
//! A front end is a small loop around it. By hand, in virtual time:
//!
//! ```
//! use std::time::Duration;
//! use sdk_core::clock::Instant;
//! use sdk_core::token::{PlaybackEvent, TokenConfig, TokenEvent, TokenLookup, TokenManager};
//! use sdk_core::{MintedToken, PlaybackToken, VideoId};
//!
//! let video = VideoId::new("vid_8f3a2c")?;
//! let mut tokens = TokenManager::new(TokenConfig::default(), 0x5eed);
//! let mut now = Instant::ZERO;
//!
//! // Two parts of the player ask at once: both wait for the same, single mint.
//! assert!(matches!(tokens.request_token(&video, now), TokenLookup::Pending));
//! assert!(matches!(tokens.request_token(&video, now), TokenLookup::Pending));
//! let request = tokens.poll_transmit(now).expect("one mint to send");
//! assert!(tokens.poll_transmit(now).is_none());
//!
//! // The front end mints through the API (or the app's token provider) and reports back.
//! now = now + Duration::from_millis(120);
//! let minted = MintedToken::new(PlaybackToken::new("eyJ.e30.sig")?, Duration::from_secs(300));
//! tokens.handle_response(request.id, Ok(minted), now);
//! match tokens.poll_event() {
//!     Some(TokenEvent::Ready { video: v, token }) => {
//!         assert_eq!(v, video);
//!         assert_eq!(token.time_left(now), Duration::from_secs(300));
//!     }
//!     other => panic!("expected Ready, got {other:?}"),
//! }
//! // What the application is told (the token itself never is).
//! assert!(matches!(
//!     tokens.poll_playback_event(),
//!     Some(PlaybackEvent::TokenRefreshed { .. })
//! ));
//!
//! // Four minutes later the token is still handed out; nothing is scheduled meanwhile.
//! assert_eq!(tokens.poll_timeout(), None);
//! now = now + Duration::from_secs(240);
//! assert!(matches!(tokens.request_token(&video, now), TokenLookup::Ready(_)));
//!
//! // Within the last 30 s it is not: the next request mints again.
//! now = now + Duration::from_secs(31);
//! assert!(matches!(tokens.request_token(&video, now), TokenLookup::Pending));
//! assert!(tokens.poll_transmit(now).is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A real driver also sleeps until [`TokenManager::poll_timeout`] and then calls
//! [`TokenManager::handle_timeout`], and aborts requests named by [`TokenEvent::Cancel`].
//! [`TokenEvent`]s are the driver's wake-ups; [`PlaybackEvent`]s, drained with
//! [`TokenManager::poll_playback_event`], are what every front end tells the application.

mod backoff;
mod config;
mod manager;
mod slot;
mod slots;
mod types;

pub use config::TokenConfig;
pub use manager::TokenManager;
pub use types::{
    Generation, IssuedToken, MintRequest, PlaybackEvent, Refusal, Rejection, RequestId, TokenEvent,
    TokenLookup,
};
