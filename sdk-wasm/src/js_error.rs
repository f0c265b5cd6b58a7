//! Errors across the JavaScript edge: SDK errors become real `Error` objects with `code`,
//! `status`, `retryable` (never bare strings), and a token provider's failure becomes an SDK
//! error the token manager can retry or surface.

use std::time::Duration;

use http::StatusCode;
use js_sys::Reflect;
use sdk_core::{
    ApiError, BuildError, Error, ErrorCode, QuotaExhausted, TransportError, TransportErrorKind,
};
use wasm_bindgen::JsValue;

/// The `name` of every error the SDK throws or rejects with.
pub(crate) const ERROR_NAME: &str = "AnsdevError";

/// The `Symbol.for` key every SDK error carries: the exported `AnsdevError` class's
/// `instanceof` checks it (`js/errors.js`). A registered symbol, so errors from either entry,
/// and from a second copy of the package, are recognised alike.
pub(crate) const ERROR_BRAND: &str = "ansdev.error";

/// `error` as a JS `Error` named `AnsdevError`, with `code` (string), `status` (number or
/// null), `retryable` (boolean), for a used-up quota `retryAfterMs` (and `resetCapped: true`
/// when the server's reset time was implausible and the wait was capped at a day), and for a
/// transport failure (`TRANSPORT_ERROR`, `REDIRECT_REFUSED`, `BODY_TOO_LARGE`) its `kind`. The
/// message is the SDK's own, which never contains a key or a token.
pub(crate) fn to_js_error(error: &Error) -> js_sys::Error {
    let js = js_sys::Error::new(&error.to_string());
    js.set_name(ERROR_NAME);
    // Setting a property on a fresh Error cannot fail.
    let _ = Reflect::set(&js, &js_sys::Symbol::for_(ERROR_BRAND), &JsValue::TRUE);
    set(&js, "code", &JsValue::from_str(error.code().as_str()));
    let status = error
        .status()
        .map_or(JsValue::NULL, |s| JsValue::from(s.as_u16()));
    set(&js, "status", &status);
    set(&js, "retryable", &JsValue::from_bool(error.is_retryable()));
    if let Error::QuotaExhausted(quota) = error {
        if let Some(wait) = quota.retry_after {
            set(&js, "retryAfterMs", &JsValue::from_f64(millis(wait)));
        }
        if quota.reset_capped {
            set(&js, "resetCapped", &JsValue::TRUE);
        }
    }
    if let Error::Transport(transport) = error {
        set(
            &js,
            "kind",
            &JsValue::from_str(transport_kind(transport.kind)),
        );
    }
    js
}

/// The core's transport error kind by its Rust name, so apps can tell a refused redirect or
/// an oversized body from a network failure.
fn transport_kind(kind: TransportErrorKind) -> &'static str {
    match kind {
        TransportErrorKind::Connect => "Connect",
        TransportErrorKind::ConnectionReset => "ConnectionReset",
        TransportErrorKind::Cancelled => "Cancelled",
        TransportErrorKind::RedirectRefused => "RedirectRefused",
        TransportErrorKind::BodyTooLarge => "BodyTooLarge",
        _ => "Other",
    }
}

/// [`to_js_error`] as the value a promise rejects with.
pub(crate) fn reject(error: &Error) -> JsValue {
    to_js_error(error).into()
}

/// [`to_js_error`] with the token provider's own failure kept as `cause` (standard `Error`
/// cause), so the application still has its message and fields.
pub(crate) fn with_cause(error: &Error, cause: Option<&JsValue>) -> js_sys::Error {
    let js = to_js_error(error);
    if let Some(cause) = cause {
        set(&js, "cause", cause);
    }
    js
}

/// An invalid argument from the caller, as a JS error (`code: "BUILD_ERROR"`).
pub(crate) fn invalid_argument(name: &'static str, reason: impl Into<String>) -> JsValue {
    reject(&Error::Build(BuildError::InvalidParameter {
        name,
        reason: reason.into(),
    }))
}

/// What a token provider's rejection means to the token manager.
///
/// A provider may reject with an object carrying `code` and `status` (e.g. its backend relayed
/// the API's `RATE_LIMIT_EXCEEDED`); those are kept, so a quota refusal pauses minting and a
/// non-retryable code is not retried. `retryable: false` alone marks a final failure. Anything
/// else counts as a transient failure and is retried with backoff. The provider's own message
/// is not copied into the SDK's: it is the application's text and may name anything; the
/// thrown value itself is kept as the SDK error's `cause` (see `Tokens`).
pub(crate) fn from_provider_failure(value: &JsValue) -> Error {
    let code = get(value, "code").as_string();
    let status = get(value, "status")
        .as_f64()
        .and_then(|s| u16::try_from(s as i64).ok())
        .and_then(|s| StatusCode::from_u16(s).ok());
    if let Some(code) = code.map(|c| ErrorCode::from_wire(&c)) {
        if code == ErrorCode::RateLimitExceeded {
            let wait = get(value, "retryAfterMs")
                .as_f64()
                .filter(|ms| ms.is_finite() && *ms >= 0.0)
                .map(|ms| Duration::from_secs_f64(ms / 1000.0));
            let message = "the token provider reports the daily quota used up";
            return Error::QuotaExhausted(QuotaExhausted::new(message, None, wait));
        }
        let status = status
            .or_else(|| code.status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return Error::Api(ApiError::new(code, "refused by the token provider", status));
    }
    if get(value, "retryable").as_bool() == Some(false) {
        return Error::Build(BuildError::InvalidParameter {
            name: "tokenProvider",
            reason: "the token provider failed and marked the failure final".into(),
        });
    }
    TransportError::new(TransportErrorKind::Other, "the token provider failed").into()
}

pub(crate) fn get(target: &JsValue, name: &str) -> JsValue {
    if !target.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(target, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

pub(crate) fn set(target: &JsValue, name: &str, value: &JsValue) {
    // Setting a property on a plain object or Error cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(name), value);
}

pub(crate) fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
