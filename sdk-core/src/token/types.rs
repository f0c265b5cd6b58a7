//! What goes in and out of the playback-token manager: ids, requests, tokens and events.

use std::fmt;
use std::time::Duration;

use crate::catalog::ErrorCode;
use crate::clock::Instant;
use crate::error::Error;
use crate::model::VideoId;
use crate::rate_limit::RateLimit;
use crate::secret::PlaybackToken;

/// Identifies one mint request. Ids are unique within a manager and increase with every request,
/// so a late answer to an abandoned request is recognised and dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub(crate) u64);

impl RequestId {
    /// The id as a number (for logs and for front ends that key pending requests by it).
    #[must_use]
    pub fn get(self) -> u64 {
        self.0
    }

    /// The id from its number, for front ends that pass it through another language (e.g. to
    /// JavaScript and back). An id the manager never issued is simply not recognised.
    #[must_use]
    pub const fn from_raw(raw: u64) -> Self {
        Self(raw)
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mint#{}", self.0)
    }
}

/// The generation of a video's token: every token the manager takes in gets a higher one.
///
/// A player reports a refusal together with the generation of the token it used, so a refusal
/// of a token that was already replaced is recognised as stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Generation(pub(crate) u64);

impl Generation {
    /// The generation as a number.
    #[must_use]
    pub fn get(self) -> u64 {
        self.0
    }

    /// The generation from its number, for players that report refusals from another language.
    /// A generation the manager never issued is treated as stale.
    #[must_use]
    pub const fn from_raw(raw: u64) -> Self {
        Self(raw)
    }
}

/// A mint the front end should perform: through the API's mint route or through an
/// application-supplied token provider. Answer it with
/// [`TokenManager::handle_response`](super::TokenManager::handle_response).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MintRequest {
    /// Quote this id in the answer.
    pub id: RequestId,
    /// The video to mint a token for.
    pub video: VideoId,
}

/// A token handed out by the manager, with the times that govern its use.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct IssuedToken {
    /// The token (opaque).
    pub token: PlaybackToken,
    /// Report this with a refusal, see
    /// [`TokenManager::handle_rejection`](super::TokenManager::handle_rejection).
    pub generation: Generation,
    /// When the token was received (monotonic clock).
    pub received_at: Instant,
    /// When the token expires: receipt plus the announced lifetime.
    pub expires_at: Instant,
    /// The manager hands this token out until `expires_at - margin`, never later.
    pub margin: Duration,
    /// The quota state reported with the mint, when known.
    pub rate_limit: Option<RateLimit>,
}

impl IssuedToken {
    /// The last instant at which the manager hands this token out.
    #[must_use]
    pub fn fresh_until(&self) -> Instant {
        self.expires_at - self.margin
    }

    /// Time left before expiry at `now` (zero once expired).
    #[must_use]
    pub fn time_left(&self, now: Instant) -> Duration {
        self.expires_at.saturating_duration_since(now)
    }
}

/// The answer to [`TokenManager::request_token`](super::TokenManager::request_token).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TokenLookup {
    /// A token with at least the margin left: use it now.
    Ready(IssuedToken),
    /// A mint is under way (or backing off before a retry): wait for
    /// [`TokenEvent::Ready`] or [`TokenEvent::Failed`] for this video.
    Pending,
    /// No token can be had right now, e.g. the daily quota is used up until its reset.
    Failed(Error),
}

/// What the front end's driver acts on, drained with
/// [`TokenManager::poll_event`](super::TokenManager::poll_event): wake-ups for callers waiting
/// on a token, and mints to abort. Internal plumbing between the manager and its driver; what
/// an application is told is a [`PlaybackEvent`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TokenEvent {
    /// Callers waiting for this video can proceed with this token.
    Ready {
        /// The video.
        video: VideoId,
        /// The token.
        token: IssuedToken,
    },
    /// Callers waiting for this video fail with this error.
    Failed {
        /// The video.
        video: VideoId,
        /// Why no token could be had.
        error: Error,
    },
    /// The front end should abort this mint request: its answer is no longer wanted.
    Cancel {
        /// The request to abort.
        id: RequestId,
    },
}

/// Something an application may want to know about its playback tokens: the one app-facing
/// event type of every front end, drained with
/// [`TokenManager::poll_playback_event`](super::TokenManager::poll_playback_event). The Rust
/// client streams it as is (`sdk_native::PlaybackEvent`); the browser package converts it to
/// its `tokenRefreshed`, `quotaLow` and `error` events. It never carries a token.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum PlaybackEvent {
    /// A new token was taken in (minted, or inserted from elsewhere).
    TokenRefreshed {
        /// The video.
        video: VideoId,
        /// The token's generation.
        generation: Generation,
        /// Its announced lifetime.
        expires_in: Duration,
        /// The quota state reported with it, when known.
        rate_limit: Option<RateLimit>,
    },
    /// The daily quota is running low (at or below
    /// [`TokenConfig::quota_low_fraction`](super::TokenConfig::quota_low_fraction)).
    QuotaLow {
        /// The video whose mint reported it.
        video: VideoId,
        /// The quota state.
        rate_limit: RateLimit,
    },
    /// A mint attempt failed; `retry_in` says whether (and when) it is retried by itself.
    RefreshFailed {
        /// The video.
        video: VideoId,
        /// What went wrong.
        error: Error,
        /// Failed attempts in a row, this one included.
        attempt: u32,
        /// When the manager will try again by itself; `None` when it will not.
        retry_in: Option<Duration>,
    },
    /// A playback request's token was refused and a fresh token will not help: the
    /// [`Rejection::GaveUp`] verdict, told to the application too (a player such as hls.js only
    /// sees the HTTP failure).
    GaveUp {
        /// The video.
        video: VideoId,
        /// [`Error::AuthGaveUp`] with the refusal's code.
        error: Error,
    },
    /// Never emitted by the manager: a front end's delivery reports lost events. `missed`
    /// events were dropped (the oldest) because the reader fell behind; the newest follow.
    Lagged {
        /// How many events were lost.
        missed: u64,
    },
}

impl PlaybackEvent {
    /// The video the event is about (`None` for [`Lagged`](Self::Lagged)).
    #[must_use]
    pub fn video(&self) -> Option<&VideoId> {
        match self {
            PlaybackEvent::TokenRefreshed { video, .. }
            | PlaybackEvent::QuotaLow { video, .. }
            | PlaybackEvent::RefreshFailed { video, .. }
            | PlaybackEvent::GaveUp { video, .. } => Some(video),
            PlaybackEvent::Lagged { .. } => None,
        }
    }
}

/// What a front end knows about a refused playback request: the HTTP status, and the body's
/// `error.code` when the body could be read. Hand it to
/// [`TokenManager::handle_rejection`](super::TokenManager::handle_rejection), which decides
/// everything else — front ends keep no list of codes or statuses of their own.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Refusal {
    /// The HTTP status of the answer.
    pub status: u16,
    /// The code of the answer's error envelope; `None` when the body was missing or unreadable
    /// (a loader that dropped it, a proxy's page).
    pub code: Option<ErrorCode>,
}

impl Refusal {
    /// A refusal answered `status`, with the body's code if one could be read.
    #[must_use]
    pub fn new(status: u16, code: Option<ErrorCode>) -> Self {
        Self { status, code }
    }

    /// The refusal an error describes, or `None` when no answer arrived (a transport failure,
    /// a timeout, a request that could not be built).
    #[must_use]
    pub fn from_error(error: &Error) -> Option<Self> {
        let status = error.status()?.as_u16();
        let code = match error {
            Error::Api(api) => Some(api.code.clone()),
            Error::QuotaExhausted(_) => Some(ErrorCode::RateLimitExceeded),
            _ => None,
        };
        Some(Self { status, code })
    }
}

/// A refusal with `code`, answered with the status the catalog gives it (an unknown code with
/// none, which is never a token refusal).
impl From<&ErrorCode> for Refusal {
    fn from(code: &ErrorCode) -> Self {
        let status = code.info().map_or(0, |info| info.status);
        Self::new(status, Some(code.clone()))
    }
}

/// What a player should do after its token was refused, see
/// [`TokenManager::handle_rejection`](super::TokenManager::handle_rejection).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Rejection {
    /// The token was dropped: request a token again (a fresh one will be minted) and retry once.
    Remint,
    /// The refused token had already been replaced: request the current one and retry.
    Stale,
    /// A fresh token will not help: surface this error.
    GaveUp(Error),
    /// The refusal is not about the token (e.g. `NO_KEY`); nothing changed. Handle the error
    /// as usual.
    Unrelated,
}
