//! One error type, organised by the phase in which a call failed.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;

use crate::catalog::{ErrorCode, Remedy};
use crate::rate_limit::{MAX_RESET_WAIT, RateLimit};

/// Why a call failed, by phase: building the request, moving bytes, waiting, decoding the
/// answer, the API refusing, the quota being used up, or authentication giving up.
///
/// Errors never contain a secret: keys and tokens are described, never echoed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be built: a caller-supplied value is invalid. Nothing was sent.
    // Transparent (as are Transport and Decode): the inner error's text is the message and its
    // source is the chain's next link, so a printed chain never repeats a line.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The request could not be sent or the response not received.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// No complete response arrived in time.
    #[error("timed out after {} ms", Millis(.after.to_owned()))]
    Timeout {
        /// How long the caller waited.
        after: Duration,
    },
    /// A response arrived but could not be understood.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The API answered with an error envelope.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The daily playback-token quota is used up until its reset.
    #[error(transparent)]
    QuotaExhausted(#[from] QuotaExhausted),
    /// A playback token was refused again right after a fresh one was minted; its
    /// [`code`](Error::code) is the refusal's.
    #[error("authentication gave up: {code} persisted after minting a fresh token")]
    AuthGaveUp {
        /// The code of the last refusal (e.g. `PLAYBACK_TOKEN_MISMATCH`).
        code: ErrorCode,
    },
}

impl Error {
    /// The machine-readable code: the API's, or a client row of the catalog
    /// ([`ErrorCode::CLIENT`]) for a failure the SDK reports itself, so callers can `match` on
    /// every code. Only an API's code can be [`ErrorCode::Unknown`].
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Api(e) => e.code.clone(),
            Error::QuotaExhausted(_) => ErrorCode::RateLimitExceeded,
            // The refusal that persisted (a wire row): apps and the hosted player page show
            // `PLAYBACK_TOKEN_EXPIRED` or `…_MISMATCH`, which says more than "gave up" would.
            Error::AuthGaveUp { code } => code.clone(),
            Error::Build(_) => ErrorCode::BuildError,
            Error::Transport(t) => match t.kind {
                TransportErrorKind::RedirectRefused => ErrorCode::RedirectRefused,
                TransportErrorKind::BodyTooLarge => ErrorCode::BodyTooLarge,
                _ => ErrorCode::TransportError,
            },
            Error::Timeout { .. } => ErrorCode::Timeout,
            Error::Decode(_) => ErrorCode::DecodeError,
        }
    }

    /// The HTTP status, when a response arrived.
    #[must_use]
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::QuotaExhausted(_) => Some(StatusCode::TOO_MANY_REQUESTS),
            Error::Decode(e) => e.status,
            _ => None,
        }
    }

    /// Whether trying again (after a backoff) can succeed. Quota exhaustion is not retryable
    /// until its reset; see [`QuotaExhausted::retry_after`].
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(t) => t.kind.is_retryable(),
            Error::Timeout { .. } => true,
            Error::Api(e) => {
                e.code.is_retryable() || (e.status.is_server_error() && e.code.info().is_none())
            }
            Error::Decode(e) => e
                .status
                .is_none_or(|s| s.is_server_error() || s.is_success()),
            Error::Build(_) | Error::QuotaExhausted(_) | Error::AuthGaveUp { .. } => false,
        }
    }

    /// What a caller should do about this error: its code's row, except that an undecodable
    /// answer a retry cannot fix (e.g. a 4xx that is not an envelope) is a bug to report, and a
    /// refusal that outlived a fresh token needs another token, not another mint of the same.
    #[must_use]
    pub fn remedy(&self) -> Option<Remedy> {
        match self {
            Error::Decode(_) if !self.is_retryable() => Some(Remedy::ReportBug),
            Error::AuthGaveUp { .. } => Some(Remedy::ReplaceToken),
            other => other.code().remedy(),
        }
    }

    /// The rate-limit state the response carried, if any.
    #[must_use]
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        match self {
            Error::Api(e) => e.rate_limit.as_ref(),
            Error::QuotaExhausted(e) => e.rate_limit.as_ref(),
            _ => None,
        }
    }
}

/// A duration as `Duration::as_millis` writes it, without 128-bit integer formatting (a
/// kilobyte of the browser wasm): the whole seconds, then the milliseconds as three digits.
struct Millis(Duration);

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (secs, millis) = (self.0.as_secs(), self.0.subsec_millis());
        if secs == 0 {
            write!(f, "{millis}")
        } else {
            write!(f, "{secs}{millis:03}")
        }
    }
}

/// A caller-supplied value is invalid; nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The API key is malformed. The key itself is never repeated.
    #[error("invalid API key: {reason}")]
    InvalidApiKey {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A playback or user token is malformed. The token itself is never repeated.
    #[error("invalid token: {reason}")]
    InvalidToken {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A video id breaks the 1–64 character rule.
    #[error("invalid video id: {reason}")]
    InvalidVideoId {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A parameter is out of range.
    #[error("invalid parameter `{name}`: {reason}")]
    InvalidParameter {
        /// Parameter name as it appears on the wire.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The call needs an API key and the client has none.
    #[error("this call needs an API key; configure one on the client")]
    MissingApiKey,
    /// The base URL is not an absolute `http`/`https` URL.
    #[error("invalid base URL: {reason}")]
    InvalidBaseUrl {
        /// What is wrong with it.
        reason: &'static str,
    },
}

/// What kind of transport failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be made.
    Connect,
    /// The connection was closed or reset mid-exchange.
    ConnectionReset,
    /// The request was cancelled.
    Cancelled,
    /// The server answered with a redirect that the SDK refused to follow: a redirect to another
    /// origin would carry the API key (a header) or the playback token (in the path) to a host
    /// the app never configured. Not retryable: asking again gets the same answer.
    RedirectRefused,
    /// The response body was larger than the configured cap; reading stopped there. Not
    /// retryable: a hostile or broken server would answer the same way again.
    BodyTooLarge,
    /// Anything else.
    Other,
}

impl TransportErrorKind {
    /// Whether another attempt can succeed: a refused redirect or an oversized body would be
    /// answered the same way again.
    #[must_use]
    pub fn is_retryable(self) -> bool {
        !matches!(self, Self::RedirectRefused | Self::BodyTooLarge)
    }
}

/// The front end could not move the bytes. Built by the front ends from their HTTP client's
/// error; they must strip URLs first, since playback URLs carry a token.
#[derive(Clone, thiserror::Error)]
#[error("transport error ({kind:?}): {message}")]
pub struct TransportError {
    /// What kind of failure.
    pub kind: TransportErrorKind,
    /// A description without URLs or secrets.
    pub message: String,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// A transport error with a message (which must not contain a URL or a secret).
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// Attaches the underlying error, kept for `source()` chains.
    #[must_use]
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// The underlying error, if the front end attached one.
    #[must_use]
    pub fn inner(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.source.as_deref()
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

/// A response arrived but its body or headers could not be understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not decode the response: {}{kind}", .status.map(|s| format!("HTTP {}: ", s.as_u16())).unwrap_or_default())]
pub struct DecodeError {
    /// The HTTP status of the response, when known.
    pub status: Option<StatusCode>,
    /// What could not be decoded.
    pub kind: DecodeErrorKind,
}

/// What exactly could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The body was empty where content was expected.
    #[error("empty body")]
    EmptyBody,
    /// The JSON ended early (a truncated response).
    #[error("truncated JSON")]
    TruncatedJson,
    /// The body is not valid JSON.
    #[error("malformed JSON at line {line}, column {column}")]
    MalformedJson {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A field is missing or has the wrong type or value.
    #[error("field `{field}`: {reason}")]
    Field {
        /// Path of the field, e.g. `data.items[3].status`.
        field: String,
        /// What is wrong, without the value itself.
        reason: String,
    },
    /// The body is not an envelope at all (e.g. an HTML error page from a proxy).
    #[error("unexpected non-envelope body (content-type {content_type:?}): {snippet:?}")]
    NotAnEnvelope {
        /// The response's `Content-Type`.
        content_type: Option<String>,
        /// The start of the body, printable characters only.
        snippet: String,
    },
    /// A header is present but malformed.
    #[error("header `{name}`: {reason}")]
    Header {
        /// Header name.
        name: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// The body has the wrong length or shape (e.g. an AES key that is not 16 bytes).
    #[error("{0}")]
    Body(String),
    /// An HLS playlist could not be read (see [`crate::hls::HlsError`]).
    #[error("playlist: {reason}")]
    Playlist {
        /// What is wrong, without any URL or token from the playlist.
        reason: String,
    },
}

impl DecodeError {
    pub(crate) fn new(status: Option<StatusCode>, kind: DecodeErrorKind) -> Self {
        Self { status, kind }
    }
}

/// The API answered with an error envelope (either family).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} {code}: {message}", .status.as_u16())]
#[non_exhaustive]
pub struct ApiError {
    /// The machine-readable code.
    pub code: ErrorCode,
    /// The API's human-readable message.
    pub message: String,
    /// The HTTP status of the response.
    pub status: StatusCode,
    /// Rate-limit headers, when the route sends them.
    pub rate_limit: Option<RateLimit>,
}

impl ApiError {
    /// An API error with the given code, message and status.
    pub fn new(code: ErrorCode, message: impl Into<String>, status: StatusCode) -> Self {
        Self {
            code,
            message: message.into(),
            status,
            rate_limit: None,
        }
    }
}

/// The daily playback-token quota is used up (`RATE_LIMIT_EXCEEDED`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("daily playback-token quota used up ({message}){}{}", .rate_limit.as_ref().map(|r| format!("; resets at {}", crate::rate_limit::rfc3339_utc(r.reset_at))).unwrap_or_default(), if *.reset_capped { CAPPED_NOTE } else { "" })]
#[non_exhaustive]
pub struct QuotaExhausted {
    /// The API's message, e.g. "Daily limit of 1000 playback tokens exceeded."
    pub message: String,
    /// The rate-limit headers of the refusal (limit, remaining = 0, reset time).
    pub rate_limit: Option<RateLimit>,
    /// How long until the reset, from the response's own `Date` header when it had one
    /// (immune to a skewed client clock), at most [`MAX_RESET_WAIT`]. See
    /// [`RateLimit::time_until_reset`]; set it through [`with_retry_after`](Self::with_retry_after)
    /// so the cap applies (every reader in the SDK applies it again through
    /// [`capped_wait`](Self::capped_wait)).
    pub retry_after: Option<Duration>,
    /// The server's reset time was more than [`MAX_RESET_WAIT`] away, which a daily quota cannot
    /// be: the wait was capped at that.
    pub reset_capped: bool,
}

/// What the message adds when the server's reset time was implausible.
const CAPPED_NOTE: &str = "; the server's reset time was implausible (more than 24 h away), so the wait is capped at 24 h";

impl QuotaExhausted {
    /// A quota refusal (for token providers and tests; the API's is built by the decoder). The
    /// wait is capped at [`MAX_RESET_WAIT`].
    pub fn new(
        message: impl Into<String>,
        rate_limit: Option<RateLimit>,
        retry_after: Option<Duration>,
    ) -> Self {
        Self {
            message: message.into(),
            rate_limit,
            retry_after: None,
            reset_capped: false,
        }
        .with_retry_after(retry_after)
    }

    /// Sets the wait until the reset, capped at [`MAX_RESET_WAIT`] (and marked
    /// [`reset_capped`](Self::reset_capped) when the cap applied).
    #[must_use]
    pub fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.reset_capped |= retry_after.is_some_and(|wait| wait > MAX_RESET_WAIT);
        self.retry_after = retry_after.map(|wait| wait.min(MAX_RESET_WAIT));
        self
    }

    /// The wait until the reset, never more than [`MAX_RESET_WAIT`] even if
    /// [`retry_after`](Self::retry_after) was set by hand. What the SDK's retry loop and token
    /// manager read.
    #[must_use]
    pub fn capped_wait(&self) -> Option<Duration> {
        self.retry_after.map(|wait| wait.min(MAX_RESET_WAIT))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_are_written_as_as_millis_would() {
        for duration in [
            Duration::ZERO,
            Duration::from_nanos(999_999),
            Duration::from_millis(7),
            Duration::from_millis(999),
            Duration::from_millis(1_000),
            Duration::from_millis(10_050),
            Duration::new(86_400, 123_456_789),
            Duration::new(u64::MAX / 1_000 + 1, 5_000_000),
            Duration::MAX,
        ] {
            assert_eq!(
                Millis(duration).to_string(),
                duration.as_millis().to_string()
            );
        }
    }

    #[test]
    fn phases_have_codes_and_retryability() {
        let timeout = Error::Timeout {
            after: Duration::from_secs(10),
        };
        assert!(timeout.is_retryable());
        assert_eq!(timeout.code(), ErrorCode::Timeout);
        assert_eq!(timeout.to_string(), "timed out after 10000 ms");

        let api = Error::Api(ApiError::new(
            ErrorCode::InvalidApiKey,
            "Invalid API key.",
            StatusCode::UNAUTHORIZED,
        ));
        assert!(!api.is_retryable());
        assert_eq!(api.status(), Some(StatusCode::UNAUTHORIZED));
        assert_eq!(api.remedy(), Some(Remedy::RotateApiKey));
        assert_eq!(api.to_string(), "401 INVALID_API_KEY: Invalid API key.");

        let bad_gateway = Error::Decode(DecodeError::new(
            Some(StatusCode::BAD_GATEWAY),
            DecodeErrorKind::EmptyBody,
        ));
        assert!(bad_gateway.is_retryable());
        let length_required = Error::Decode(DecodeError::new(
            Some(StatusCode::LENGTH_REQUIRED),
            DecodeErrorKind::EmptyBody,
        ));
        assert!(!length_required.is_retryable());
    }

    #[test]
    fn c1_no_error_the_sdk_makes_has_an_invented_code() {
        let transport = |kind| Error::Transport(TransportError::new(kind, "x"));
        let made = [
            (
                Error::Build(BuildError::MissingApiKey),
                ErrorCode::BuildError,
            ),
            (
                transport(TransportErrorKind::Connect),
                ErrorCode::TransportError,
            ),
            (
                transport(TransportErrorKind::Other),
                ErrorCode::TransportError,
            ),
            (
                transport(TransportErrorKind::RedirectRefused),
                ErrorCode::RedirectRefused,
            ),
            (
                transport(TransportErrorKind::BodyTooLarge),
                ErrorCode::BodyTooLarge,
            ),
            (
                Error::Timeout {
                    after: Duration::from_secs(1),
                },
                ErrorCode::Timeout,
            ),
            (
                Error::Decode(DecodeError::new(None, DecodeErrorKind::EmptyBody)),
                ErrorCode::DecodeError,
            ),
            (
                Error::AuthGaveUp {
                    code: ErrorCode::PlaybackTokenMismatch,
                },
                ErrorCode::PlaybackTokenMismatch,
            ),
            (
                Error::QuotaExhausted(QuotaExhausted::new("Daily limit", None, None)),
                ErrorCode::RateLimitExceeded,
            ),
        ];
        for (err, expected) in made {
            let code = err.code();
            assert_eq!(code, expected, "{err}");
            assert!(code.info().is_some(), "{err}: {code:?} is a catalog row");
            assert!(err.remedy().is_some(), "{err} has a remedy");
        }
    }

    #[test]
    fn transport_errors_keep_their_source() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer");
        let err = TransportError::new(TransportErrorKind::ConnectionReset, "connection reset")
            .with_source(io);
        assert!(err.inner().is_some());
        assert_eq!(
            err.to_string(),
            "transport error (ConnectionReset): connection reset"
        );
    }

    #[test]
    fn refused_redirects_and_oversized_bodies_are_final() {
        for kind in [
            TransportErrorKind::RedirectRefused,
            TransportErrorKind::BodyTooLarge,
        ] {
            let err = Error::Transport(TransportError::new(kind, "refused"));
            assert!(!err.is_retryable(), "{kind:?} must not be retried");
            assert_eq!(err.remedy(), Some(Remedy::CheckBaseUrl));
        }
        let reset = Error::Transport(TransportError::new(
            TransportErrorKind::ConnectionReset,
            "reset",
        ));
        assert!(reset.is_retryable());
    }

    #[test]
    fn s4_a_reset_years_away_is_capped_at_a_day_and_says_so() {
        let ten_years = Duration::from_secs(10 * 365 * 86_400);
        let rate_limit = RateLimit::new(1000, 0, 2_000_000_000);
        let quota = QuotaExhausted::new("Daily limit", Some(rate_limit), Some(ten_years));
        assert_eq!(quota.retry_after, Some(MAX_RESET_WAIT));
        assert!(quota.reset_capped);
        let message = Error::QuotaExhausted(quota).to_string();
        assert!(message.contains("implausible"), "{message}");
        assert!(message.contains("capped at 24 h"), "{message}");

        let plausible = QuotaExhausted::new("Daily limit", None, Some(Duration::from_secs(60)));
        assert_eq!(plausible.retry_after, Some(Duration::from_secs(60)));
        assert!(!plausible.reset_capped);
        assert!(
            !Error::QuotaExhausted(plausible)
                .to_string()
                .contains("capped")
        );

        // A wait set by hand past the cap is still read capped.
        let mut by_hand = QuotaExhausted::new("Daily limit", None, None);
        by_hand.retry_after = Some(Duration::MAX);
        assert_eq!(by_hand.capped_wait(), Some(MAX_RESET_WAIT));
    }

    /// Every line of a printed error chain (`{err}`, then each `source()`), as an app or
    /// `anyhow`'s `{:#}` shows them.
    fn chain(err: &(dyn std::error::Error + 'static)) -> Vec<String> {
        let mut lines = vec![err.to_string()];
        let mut next = err.source();
        while let Some(source) = next {
            lines.push(source.to_string());
            next = source.source();
        }
        lines
    }

    #[test]
    fn a_printed_chain_never_repeats_a_line_and_reset_times_are_rfc3339() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused by peer");
        let transport = Error::Transport(
            TransportError::new(TransportErrorKind::Connect, "could not connect to the API")
                .with_source(io),
        );
        let build = Error::Build(BuildError::InvalidApiKey {
            reason: "must be 40 characters",
        });
        let decode = Error::Decode(DecodeError::new(
            Some(StatusCode::BAD_GATEWAY),
            DecodeErrorKind::EmptyBody,
        ));
        for err in [&transport, &build, &decode] {
            let lines = chain(err);
            for (i, line) in lines.iter().enumerate() {
                for later in &lines[i + 1..] {
                    assert!(
                        !line.contains(later.as_str()),
                        "{lines:?} repeats {later:?}"
                    );
                }
            }
        }
        assert_eq!(
            chain(&transport),
            [
                "transport error (Connect): could not connect to the API",
                "refused by peer"
            ]
        );
        assert!(build.to_string().starts_with("invalid API key"), "{build}");
        assert!(!build.to_string().contains("request"), "{build}");

        let quota = QuotaExhausted::new(
            "Daily limit",
            Some(RateLimit::new(1000, 0, 1_795_564_800)),
            None,
        );
        let text = Error::QuotaExhausted(quota).to_string();
        assert!(text.contains("resets at 2026-11-25T00:00:00Z"), "{text}");
    }
}
