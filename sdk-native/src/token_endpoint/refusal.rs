//! Refusals: the typed "no" of an authorizer, a cache or the API, rendered in the token-provider
//! error shape that the browser SDK reads.

use std::borrow::Cow;
use std::time::Duration;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sdk_core::{Error, ErrorCode};
use serde_json::json;

/// Why the endpoint answers without a token: a status and a catalog code, rendered as
/// `{"error": {"code", "message", "status", "retryable", "retryAfterMs"?}}` (the token-provider
/// contract), with `Retry-After` when a wait is known.
///
/// An authorizer returns one of [`unauthorized`](Self::unauthorized) (no session),
/// [`forbidden`](Self::forbidden) (signed in, not entitled) or [`not_found`](Self::not_found)
/// (the viewer may not learn whether the video exists), or any catalog code with
/// [`from_code`](Self::from_code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    status: StatusCode,
    code: ErrorCode,
    message: Cow<'static, str>,
    retryable: bool,
    retry_after: Option<Duration>,
}

impl Refusal {
    /// 401 `UNAUTHORIZED`: the request carries no valid session.
    #[must_use]
    pub fn unauthorized() -> Self {
        Self::from_code(ErrorCode::Unauthorized)
    }

    /// 403 `FORBIDDEN`: the viewer is known but may not watch this video.
    #[must_use]
    pub fn forbidden() -> Self {
        Self::from_code(ErrorCode::Forbidden)
    }

    /// 404 `VIDEO_NOT_FOUND`: the same answer as for a video that does not exist, so a refusal
    /// does not tell a stranger which ids are real.
    #[must_use]
    pub fn not_found() -> Self {
        Self::from_code(ErrorCode::VideoNotFound)
    }

    /// A refusal with a catalog code: its status, message and retryability come from the
    /// catalog. A code the catalog does not know is sent as 403, not retryable.
    #[must_use]
    pub fn from_code(code: ErrorCode) -> Self {
        let info = code.info();
        Self {
            status: code.status().unwrap_or(StatusCode::FORBIDDEN),
            message: Cow::Borrowed(code.message().unwrap_or("Refused.")),
            retryable: info.is_some_and(|i| i.retryable),
            code,
            retry_after: None,
        }
    }

    /// Replaces the message the browser sees (it must not name a secret).
    #[must_use]
    pub fn with_message(mut self, message: impl Into<Cow<'static, str>>) -> Self {
        self.message = message.into();
        self
    }

    /// The HTTP status of the answer.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The machine-readable code.
    #[must_use]
    pub fn code(&self) -> &ErrorCode {
        &self.code
    }

    /// The human-readable message.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether asking again (after a backoff) can succeed.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        self.retryable
    }

    /// How long to wait before asking again, when known.
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// 429 `TOO_MANY_REQUESTS`: this client asked for more than its allowance.
    pub(super) fn too_many_requests(wait: Duration) -> Self {
        let mut refusal = Self::from_code(ErrorCode::TooManyRequests)
            .with_message("Too many token requests from this client; retry later.");
        refusal.retry_after = Some(wait);
        refusal
    }

    /// 500: the endpoint is mounted in a way that stops it from telling clients apart.
    pub(super) fn misconfigured(message: &'static str) -> Self {
        Self::from_code(ErrorCode::InternalError).with_message(message)
    }

    /// The answer for a failed API call: the API's status, code and words for an API refusal;
    /// a fixed description (never the transport's detail) and 502 when no answer came back.
    pub(super) fn from_error(err: &Error) -> Self {
        let status = err
            .status()
            .filter(|s| s.is_client_error() || s.is_server_error())
            .and_then(|s| StatusCode::from_u16(s.as_u16()).ok())
            .unwrap_or(StatusCode::BAD_GATEWAY);
        let message: Cow<'static, str> = match err {
            Error::Api(api) => Cow::Owned(api.message.clone()),
            Error::QuotaExhausted(quota) => Cow::Owned(quota.message.clone()),
            Error::Timeout { .. } => Cow::Borrowed("The video API did not answer in time."),
            Error::Transport(_) => Cow::Borrowed("The video API could not be reached."),
            Error::Decode(_) => {
                Cow::Borrowed("The video API sent an answer that was not understood.")
            }
            _ => Cow::Borrowed(
                err.code()
                    .message()
                    .unwrap_or("The token could not be issued."),
            ),
        };
        let retry_after = match err {
            Error::QuotaExhausted(quota) => quota.retry_after,
            _ => None,
        };
        Self {
            status,
            code: err.code(),
            message,
            retryable: err.is_retryable(),
            retry_after,
        }
    }

    /// The same refusal with `wait` left before asking again (a remembered refusal counts down).
    pub(super) fn with_retry_after(mut self, wait: Option<Duration>) -> Self {
        self.retry_after = wait;
        self
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut error = json!({
            "code": self.code.as_str(),
            "message": self.message,
            "status": self.status.as_u16(),
            "retryable": self.retryable,
        });
        if let (Some(wait), Some(fields)) = (self.retry_after, error.as_object_mut()) {
            fields.insert("retryAfterMs".into(), json!(saturating_millis(wait)));
        }
        let mut response = (self.status, Json(json!({ "error": error }))).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(wait) = self.retry_after {
            // Whole seconds, rounded up: `Retry-After` has no finer unit.
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

fn saturating_millis(wait: Duration) -> u64 {
    u64::try_from(wait.as_millis()).unwrap_or(u64::MAX)
}
