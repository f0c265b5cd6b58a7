//! The error catalog: every error code the SDK knows, as one table.
//!
//! Each row gives the wire string, the HTTP status the API pairs it with, the envelope family it
//! travels in, whether a retry can help, what a caller should do, and the default message the
//! reference server sends. Adding a code is adding one row.
//!
//! The table has two parts. The wire rows are what an API may answer with
//! ([`ErrorCode::ALL`]). The client rows ([`ErrorCode::CLIENT`], family [`CodeFamily::Client`])
//! are failures the SDK itself reports (nothing arrived, the answer was unreadable, a freed
//! object was used): they have no HTTP status and are never parsed from a response, so a server
//! that sends one gets [`ErrorCode::Unknown`], never a code that poses as the SDK's own.

use std::fmt;

use http::StatusCode;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Which envelope (and which part of the contract) a code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CodeFamily {
    /// The documented Ansdev catalog (`/v1/video…` routes).
    Ansdev,
    /// Codes this project added to the Ansdev envelope for cases the catalog does not name.
    AnsdevExtension,
    /// The genericized Intelligence envelope (`/v1/keys` and the job routes).
    Intelligence,
    /// Failures the SDK reports itself; no server sends them (see [`ErrorCode::CLIENT`]).
    Client,
}

/// What a caller should do about an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Remedy {
    /// Send the `x-ansdev-key` header (configure a key on the client).
    ProvideApiKey,
    /// The key is unknown, revoked or expired: create a new key and rotate it in.
    RotateApiKey,
    /// Give the key the scope the route needs (e.g. `video:read`).
    GrantScope,
    /// The daily playback-token quota is used up: wait until the reset time.
    WaitForQuotaReset,
    /// Too many requests: back off and retry later.
    BackOff,
    /// Check the video id, and that the key's user owns the video.
    CheckVideoId,
    /// The video is still being processed: retry when its status is `COMPLETED`.
    WaitUntilVideoReady,
    /// The playback token expired: mint a new one and retry once.
    RemintToken,
    /// The playback token is malformed, tampered with or of the wrong kind: mint a new one.
    ReplaceToken,
    /// The token was minted for another video: mint one for this video.
    UseTokenForThisVideo,
    /// The video is not encrypted: play it without a key.
    PlayWithoutKey,
    /// The server cannot unwrap the video's key (configuration drift): contact the operator.
    ContactOperator,
    /// A transient server failure: retry with backoff.
    RetryLater,
    /// The request itself is wrong (bad parameter or body): fix it, do not retry.
    FixRequest,
    /// The user's session is missing or expired: sign in again.
    Reauthenticate,
    /// The free tier is used up: upgrade or buy credits.
    UpgradePlan,
    /// The SDK and the API disagree on a route: update the SDK or report a bug.
    ReportBug,
    /// The base URL answered as the API never does (a redirect, an oversized body): check that
    /// it points at the API and not at a proxy, a login page or another host.
    CheckBaseUrl,
    /// The package was used before its wasm was loaded: call and await `init()` first.
    InitializeFirst,
    /// The object was freed (`free()`): create a new one instead of reusing it.
    CreateAnew,
    /// The browser cannot run the SDK's player (it plays HLS only natively, with no code per
    /// request): tell the viewer to use a browser with Media Source Extensions.
    UnsupportedBrowser,
}

macro_rules! catalog {
    (
        wire { $( $(#[$doc:meta])* $variant:ident = $wire:literal, $status:literal, $family:ident,
            retryable: $retry:literal, $remedy:ident, $message:literal; )* }
        client { $( $(#[$cdoc:meta])* $cvariant:ident = $cwire:literal,
            retryable: $cretry:literal, $cremedy:ident, $cmessage:literal; )* }
    ) => {
        /// A machine-readable error code: one of either envelope, or one the SDK reports itself.
        ///
        /// Codes the SDK does not know are kept losslessly in [`ErrorCode::Unknown`], so a newer
        /// API never breaks an older SDK.
        #[derive(Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
            $( $(#[$cdoc])* $cvariant, )*
            /// A code this version of the SDK does not know, kept as received.
            Unknown(String),
        }

        impl ErrorCode {
            /// Every code an API may send, in catalog order (the client rows are in
            /// [`CLIENT`](Self::CLIENT)).
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// Every code the SDK reports itself (family [`CodeFamily::Client`]), in catalog
            /// order. No server sends these.
            pub const CLIENT: &'static [ErrorCode] = &[$(ErrorCode::$cvariant),*];

            /// Every row of the catalog: [`ALL`](Self::ALL), then [`CLIENT`](Self::CLIENT).
            pub const EVERY: &'static [ErrorCode] =
                &[$(ErrorCode::$variant,)* $(ErrorCode::$cvariant),*];

            /// The code as it appears on the wire (or, for a client row, in `code()` and JS).
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $(ErrorCode::$variant => $wire,)*
                    $(ErrorCode::$cvariant => $cwire,)*
                    ErrorCode::Unknown(raw) => raw,
                }
            }

            /// Parses a code a response carried; unknown strings are kept in
            /// [`ErrorCode::Unknown`]. A client row's string is unknown here: a server cannot
            /// pose as the SDK's own `TIMEOUT` or `PLAYER_FREED`.
            #[must_use]
            pub fn from_wire(code: &str) -> Self {
                match code {
                    $($wire => ErrorCode::$variant,)*
                    other => ErrorCode::Unknown(other.to_owned()),
                }
            }

            /// The catalog row of a known code, `None` for an unknown one.
            #[must_use]
            pub fn info(&self) -> Option<&'static CodeInfo> {
                const ROWS: &[CodeInfo] = &[$(CodeInfo {
                    code: $wire,
                    status: $status,
                    family: CodeFamily::$family,
                    retryable: $retry,
                    remedy: Remedy::$remedy,
                },)* $(CodeInfo {
                    code: $cwire,
                    status: NO_STATUS,
                    family: CodeFamily::Client,
                    retryable: $cretry,
                    remedy: Remedy::$cremedy,
                }),*];
                let index = ErrorCode::EVERY.iter().position(|c| c == self)?;
                ROWS.get(index)
            }

            /// The row's message, `None` for an unknown code: what the reference server sends
            /// with an API code (the Intelligence ones are fixed by the docs), and for a client
            /// row what the failure means. A function rather than a field of [`CodeInfo`], so a
            /// build that never shows it (the browser package) does not carry the texts.
            #[must_use]
            pub fn message(&self) -> Option<&'static str> {
                match self {
                    $(ErrorCode::$variant => Some($message),)*
                    $(ErrorCode::$cvariant => Some($cmessage),)*
                    ErrorCode::Unknown(_) => None,
                }
            }
        }
    };
}

/// The [`CodeInfo::status`] of a client row: no response arrived, or none was at fault.
pub const NO_STATUS: u16 = 0;

/// One row of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CodeInfo {
    /// Wire string, e.g. `INVALID_API_KEY`.
    pub code: &'static str,
    /// The HTTP status the API sends with this code; [`NO_STATUS`] (0) for a client row.
    pub status: u16,
    /// Which envelope family the code belongs to.
    pub family: CodeFamily,
    /// Whether retrying the same request, unchanged, can succeed.
    pub retryable: bool,
    /// What a caller should do.
    pub remedy: Remedy,
}

catalog! {
wire {
    /// 401: the `x-ansdev-key` header is missing.
    ApiKeyRequired = "API_KEY_REQUIRED", 401, Ansdev, retryable: false, ProvideApiKey,
        "API key required. Send it in the x-ansdev-key header.";
    /// 401: the key is unknown or revoked.
    InvalidApiKey = "INVALID_API_KEY", 401, Ansdev, retryable: false, RotateApiKey,
        "Invalid API key.";
    /// 401: the key is past its `expiresAt`.
    ApiKeyExpired = "API_KEY_EXPIRED", 401, Ansdev, retryable: false, RotateApiKey,
        "API key has expired.";
    /// 403: the key lacks the route's scope.
    InsufficientScope = "INSUFFICIENT_SCOPE", 403, Ansdev, retryable: false, GrantScope,
        "API key lacks the required scope: video:read.";
    /// 429: the daily playback-token quota is used up.
    RateLimitExceeded = "RATE_LIMIT_EXCEEDED", 429, Ansdev, retryable: false, WaitForQuotaReset,
        "Daily limit of 1000 playback tokens exceeded.";
    /// 404: the video does not exist or belongs to another user.
    VideoNotFound = "VIDEO_NOT_FOUND", 404, Ansdev, retryable: false, CheckVideoId,
        "Video not found.";
    /// 400: tokens can be minted only for `COMPLETED` videos.
    VideoNotReady = "VIDEO_NOT_READY", 400, Ansdev, retryable: false, WaitUntilVideoReady,
        "Video is not ready for playback.";
    /// 401: the playback token is past its TTL.
    PlaybackTokenExpired = "PLAYBACK_TOKEN_EXPIRED", 401, Ansdev, retryable: false, RemintToken,
        "Playback token has expired.";
    /// 401: the playback token is malformed, tampered with or of the wrong scope.
    PlaybackTokenInvalid = "PLAYBACK_TOKEN_INVALID", 401, Ansdev, retryable: false, ReplaceToken,
        "Playback token is invalid.";
    /// 403: the token was issued for another video.
    PlaybackTokenMismatch = "PLAYBACK_TOKEN_MISMATCH", 403, Ansdev, retryable: false,
        UseTokenForThisVideo, "Playback token was issued for a different video.";
    /// 404: a key was requested for a video that is not encrypted.
    NoKey = "NO_KEY", 404, Ansdev, retryable: false, PlayWithoutKey,
        "Video is not encrypted.";
    /// 500: the server could not unwrap the video's key.
    KeyDecryptFailed = "KEY_DECRYPT_FAILED", 500, Ansdev, retryable: false, ContactOperator,
        "Failed to decrypt the video key.";
    /// 400: a query parameter is out of range.
    InvalidRequest = "INVALID_REQUEST", 400, AnsdevExtension, retryable: false, FixRequest,
        "Invalid request.";
    /// 404: no such route (also the Intelligence envelope's generic 404).
    NotFound = "NOT_FOUND", 404, AnsdevExtension, retryable: false, ReportBug,
        "Not found";
    /// 405: the route exists but not with this method.
    MethodNotAllowed = "METHOD_NOT_ALLOWED", 405, AnsdevExtension, retryable: false, ReportBug,
        "Method not allowed.";
    /// 408: the request was not completed in time (a stalled body); the connection is closed.
    RequestTimeout = "REQUEST_TIMEOUT", 408, AnsdevExtension, retryable: true, RetryLater,
        "The request was not completed in time.";
    /// 500: an unexpected server failure.
    InternalError = "INTERNAL_ERROR", 500, AnsdevExtension, retryable: true, RetryLater,
        "Internal server error.";
    /// 401 (Intelligence): authentication required or failed.
    Unauthorized = "UNAUTHORIZED", 401, Intelligence, retryable: false, Reauthenticate,
        "Authentication required";
    /// 422 (Intelligence): request validation or JSON failed.
    ValidationError = "VALIDATION_ERROR", 422, Intelligence, retryable: false, FixRequest,
        "Invalid request";
    /// 500 (Intelligence): a server error, detail withheld.
    ServerError = "SERVER_ERROR", 500, Intelligence, retryable: true, RetryLater,
        "An error occurred";
    /// 403 (Intelligence).
    Forbidden = "FORBIDDEN", 403, Intelligence, retryable: false, Reauthenticate,
        "Forbidden";
    /// 409 (Intelligence): e.g. an 11th active API key.
    Conflict = "CONFLICT", 409, Intelligence, retryable: false, FixRequest,
        "Conflict";
    /// 429 (Intelligence).
    TooManyRequests = "TOO_MANY_REQUESTS", 429, Intelligence, retryable: true, BackOff,
        "Too many requests";
    /// 402 (Intelligence job routes): the free tier is used up.
    FreeTierLimitReached = "FREE_TIER_LIMIT_REACHED", 402, Intelligence, retryable: false,
        UpgradePlan, "Free tier limit reached";
}
client {
    /// A caller-supplied value is invalid (a malformed key, id, token, option or parameter);
    /// nothing was sent.
    BuildError = "BUILD_ERROR", retryable: false, FixRequest,
        "A value given to the SDK is invalid; nothing was sent.";
    /// The request could not be sent or the answer not received (connection refused or reset,
    /// a token provider that threw).
    TransportError = "TRANSPORT_ERROR", retryable: true, RetryLater,
        "The request could not be sent or its answer not received.";
    /// No complete answer arrived within the timeout or the call's deadline.
    Timeout = "TIMEOUT", retryable: true, RetryLater,
        "No complete answer arrived in time.";
    /// An answer arrived but could not be understood (e.g. a proxy's HTML page, a truncated body).
    DecodeError = "DECODE_ERROR", retryable: true, RetryLater,
        "The answer could not be understood.";
    /// The API answered with a redirect, which the SDK never follows to another origin (it
    /// would carry the key or a token there).
    RedirectRefused = "REDIRECT_REFUSED", retryable: false, CheckBaseUrl,
        "The API answered with a redirect the SDK does not follow.";
    /// The answer was larger than the client's response cap; reading stopped there.
    BodyTooLarge = "BODY_TOO_LARGE", retryable: false, CheckBaseUrl,
        "The answer was larger than the response cap.";
    /// (Browser) a class was constructed before the package's `init()` resolved.
    NotInitialized = "NOT_INITIALIZED", retryable: false, InitializeFirst,
        "The wasm is not loaded yet; call and await init() first.";
    /// (Browser) a player was used after `free()`.
    PlayerFreed = "PLAYER_FREED", retryable: false, CreateAnew,
        "The player was freed.";
    /// (Browser) a client was used after `free()`.
    ClientFreed = "CLIENT_FREED", retryable: false, CreateAnew,
        "The client was freed.";
    /// (Browser) the browser plays HLS only natively (no Media Source Extensions): a native
    /// player cannot be given a token per request.
    NativeHlsUnsupported = "NATIVE_HLS_UNSUPPORTED", retryable: false, UnsupportedBrowser,
        "This browser plays HLS only natively; the player needs Media Source Extensions.";
}
}

impl ErrorCode {
    /// The HTTP status this code is sent with, if the code is known.
    #[must_use]
    pub fn status(&self) -> Option<StatusCode> {
        self.info()
            .and_then(|i| StatusCode::from_u16(i.status).ok())
    }

    /// Whether retrying the same request unchanged can succeed. Unknown codes are not retried.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        self.info().is_some_and(|i| i.retryable)
    }

    /// What a caller should do, if the code is known.
    #[must_use]
    pub fn remedy(&self) -> Option<Remedy> {
        self.info().map(|i| i.remedy)
    }

    /// The Intelligence code for an HTTP status, as the genericizing handler maps it.
    #[must_use]
    pub fn intelligence_for_status(status: StatusCode) -> Option<ErrorCode> {
        Some(match status.as_u16() {
            401 => ErrorCode::Unauthorized,
            402 => ErrorCode::FreeTierLimitReached,
            403 => ErrorCode::Forbidden,
            404 => ErrorCode::NotFound,
            409 => ErrorCode::Conflict,
            400 | 422 => ErrorCode::ValidationError,
            429 => ErrorCode::TooManyRequests,
            500..=599 => ErrorCode::ServerError,
            _ => return None,
        })
    }
}

impl fmt::Debug for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorCode::Unknown(raw) => write!(f, "Unknown({raw:?})"),
            known => f.write_str(known.as_str()),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Ok(ErrorCode::from_wire(&raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_through_its_wire_string() {
        for code in ErrorCode::ALL {
            assert_eq!(&ErrorCode::from_wire(code.as_str()), code);
            let info = code.info().expect("known code has a row");
            assert_eq!(info.code, code.as_str());
            assert!(code.status().is_some(), "{code} has a valid status");
        }
    }

    #[test]
    fn client_rows_are_rows_that_no_response_can_claim() {
        assert_eq!(
            ErrorCode::EVERY.len(),
            ErrorCode::ALL.len() + ErrorCode::CLIENT.len()
        );
        for code in ErrorCode::CLIENT {
            let info = code.info().expect("a client code has a row");
            assert_eq!(info.code, code.as_str());
            assert_eq!(info.family, CodeFamily::Client, "{code}");
            assert_eq!(code.status(), None, "{code} has no HTTP status");
            assert!(!code.message().unwrap().is_empty());
            // A server sending the SDK's own code gets an unknown code, not the SDK's row.
            assert_eq!(
                ErrorCode::from_wire(code.as_str()),
                ErrorCode::Unknown(code.as_str().to_owned())
            );
            assert!(!ErrorCode::ALL.contains(code));
        }
        for code in ErrorCode::ALL {
            assert_ne!(code.info().unwrap().family, CodeFamily::Client, "{code}");
        }
        let names: Vec<_> = ErrorCode::CLIENT.iter().map(ErrorCode::as_str).collect();
        assert_eq!(
            names,
            [
                "BUILD_ERROR",
                "TRANSPORT_ERROR",
                "TIMEOUT",
                "DECODE_ERROR",
                "REDIRECT_REFUSED",
                "BODY_TOO_LARGE",
                "NOT_INITIALIZED",
                "PLAYER_FREED",
                "CLIENT_FREED",
                "NATIVE_HLS_UNSUPPORTED"
            ]
        );
    }

    #[test]
    fn the_catalog_has_the_documented_codes() {
        let ansdev = ErrorCode::ALL
            .iter()
            .filter(|c| c.info().unwrap().family == CodeFamily::Ansdev)
            .count();
        let intelligence = ErrorCode::ALL
            .iter()
            .filter(|c| c.info().unwrap().family == CodeFamily::Intelligence)
            .count();
        assert_eq!(ansdev, 12);
        // UNAUTHORIZED, VALIDATION_ERROR, SERVER_ERROR, FORBIDDEN, CONFLICT, TOO_MANY_REQUESTS,
        // FREE_TIER_LIMIT_REACHED; NOT_FOUND is shared with the Ansdev extensions.
        assert_eq!(intelligence, 7);
        assert_eq!(
            ErrorCode::RateLimitExceeded.status(),
            Some(StatusCode::TOO_MANY_REQUESTS)
        );
        assert_eq!(
            ErrorCode::VideoNotReady.status(),
            Some(StatusCode::BAD_REQUEST)
        );
        assert_eq!(
            ErrorCode::KeyDecryptFailed.status().map(|s| s.as_u16()),
            Some(500)
        );
    }

    #[test]
    fn unknown_codes_are_kept_losslessly() {
        let code: ErrorCode = serde_json::from_str("\"QUANTUM_FLUX\"").unwrap();
        assert_eq!(code, ErrorCode::Unknown("QUANTUM_FLUX".into()));
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"QUANTUM_FLUX\"");
        assert!(!code.is_retryable());
        assert_eq!(code.remedy(), None);
    }

    #[test]
    fn remedies_guide_the_caller() {
        assert_eq!(
            ErrorCode::InvalidApiKey.remedy(),
            Some(Remedy::RotateApiKey)
        );
        assert_eq!(
            ErrorCode::PlaybackTokenExpired.remedy(),
            Some(Remedy::RemintToken)
        );
        assert_eq!(
            ErrorCode::RateLimitExceeded.remedy(),
            Some(Remedy::WaitForQuotaReset)
        );
        assert!(ErrorCode::ServerError.is_retryable());
        assert!(!ErrorCode::KeyDecryptFailed.is_retryable());
    }
}
