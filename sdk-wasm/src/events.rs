//! Events for the application: `tokenRefreshed`, `quotaLow` and `error`, delivered to
//! listeners registered with `on(name, callback)` and removed with `off(name, callback)`.

use std::cell::RefCell;
use std::time::Duration;

use sdk_core::{Error, Generation, RateLimit, VideoId};
use wasm_bindgen::JsValue;

use crate::js_error::{millis, set, with_cause};

/// The event names the SDK emits.
pub(crate) const EVENT_NAMES: [&str; 3] = ["tokenRefreshed", "quotaLow", "error"];

/// Something to tell the application.
#[derive(Debug)]
pub(crate) enum Notice {
    TokenRefreshed {
        video: VideoId,
        generation: Generation,
        expires_in: Duration,
        rate_limit: Option<RateLimit>,
    },
    QuotaLow {
        video: VideoId,
        rate_limit: RateLimit,
    },
    /// A failure: a mint attempt (with its retry schedule) or a playback request that could
    /// not be healed.
    Error {
        video: VideoId,
        error: Error,
        attempt: Option<u32>,
        retry_in: Option<Duration>,
        /// What the token provider threw or rejected with, kept as the error's `cause`.
        cause: Option<JsValue>,
    },
}

impl Notice {
    fn name(&self) -> &'static str {
        match self {
            Notice::TokenRefreshed { .. } => "tokenRefreshed",
            Notice::QuotaLow { .. } => "quotaLow",
            Notice::Error { .. } => "error",
        }
    }

    fn video(&self) -> &VideoId {
        match self {
            Notice::TokenRefreshed { video, .. }
            | Notice::QuotaLow { video, .. }
            | Notice::Error { video, .. } => video,
        }
    }

    /// The payload handed to listeners. Tokens are never part of it.
    fn to_js(&self) -> JsValue {
        let payload: JsValue = match self {
            Notice::TokenRefreshed {
                generation,
                expires_in,
                rate_limit,
                ..
            } => {
                let payload: JsValue = js_sys::Object::new().into();
                set(
                    &payload,
                    "generation",
                    &JsValue::from_f64(generation.get() as f64),
                );
                set(
                    &payload,
                    "expiresIn",
                    &JsValue::from_f64(expires_in.as_secs_f64()),
                );
                let rate_limit = rate_limit.as_ref().map_or(JsValue::NULL, rate_limit_to_js);
                set(&payload, "rateLimit", &rate_limit);
                payload
            }
            Notice::QuotaLow { rate_limit, .. } => rate_limit_to_js(rate_limit),
            Notice::Error {
                error,
                attempt,
                retry_in,
                cause,
                ..
            } => {
                let payload: JsValue = with_cause(error, cause.as_ref()).into();
                let attempt = attempt.map_or(JsValue::NULL, JsValue::from);
                set(&payload, "attempt", &attempt);
                let retry = retry_in.map_or(JsValue::NULL, |d| JsValue::from_f64(millis(d)));
                set(&payload, "retryInMs", &retry);
                payload
            }
        };
        set(
            &payload,
            "videoId",
            &JsValue::from_str(self.video().as_str()),
        );
        payload
    }
}

/// `{limit, remaining, resetAt}` (reset as Unix seconds).
pub(crate) fn rate_limit_to_js(rate_limit: &RateLimit) -> JsValue {
    let value: JsValue = js_sys::Object::new().into();
    set(&value, "limit", &JsValue::from(rate_limit.limit));
    set(&value, "remaining", &JsValue::from(rate_limit.remaining));
    set(
        &value,
        "resetAt",
        &JsValue::from_f64(rate_limit.reset_at as f64),
    );
    value
}

#[derive(Debug)]
struct Listener {
    event: String,
    callback: js_sys::Function,
    /// Only this video's events (a player's listeners), or every video's (a client's).
    video: Option<VideoId>,
}

/// The registered listeners.
#[derive(Debug, Default)]
pub(crate) struct Listeners {
    entries: RefCell<Vec<Listener>>,
}

impl Listeners {
    pub(crate) fn add(&self, event: String, callback: js_sys::Function, video: Option<VideoId>) {
        self.entries.borrow_mut().push(Listener {
            event,
            callback,
            video,
        });
    }

    pub(crate) fn remove(&self, event: &str, callback: &js_sys::Function, video: Option<&VideoId>) {
        let callback: &JsValue = callback;
        self.entries.borrow_mut().retain(|l| {
            let same = l.event == event && l.video.as_ref() == video && {
                let registered: &JsValue = &l.callback;
                registered == callback
            };
            !same
        });
    }

    /// Calls every listener of the notice's event. A throwing listener does not stop the
    /// others, nor the SDK; listeners may add or remove listeners while being called.
    pub(crate) fn emit(&self, notice: &Notice) {
        let name = notice.name();
        let callbacks: Vec<js_sys::Function> = self
            .entries
            .borrow()
            .iter()
            .filter(|l| l.event == name && l.video.as_ref().is_none_or(|v| v == notice.video()))
            .map(|l| l.callback.clone())
            .collect();
        if callbacks.is_empty() {
            return;
        }
        let payload = notice.to_js();
        for callback in callbacks {
            let _ = callback.call1(&JsValue::UNDEFINED, &payload);
        }
    }
}
