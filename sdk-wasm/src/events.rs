//! Events for the application: sdk-core's [`PlaybackEvent`] converted to the JS events
//! `tokenRefreshed`, `quotaLow` and `error`, delivered to listeners registered with
//! `on(name, callback)` and removed with `off(name, callback)`. Which events exist and when
//! they happen is the core's; this file only names and shapes them for JavaScript.

use std::cell::RefCell;

use sdk_core::{PlaybackEvent, RateLimit, VideoId};
use wasm_bindgen::JsValue;

use crate::js_error::{millis, set, with_cause};

/// The event names the SDK emits.
pub(crate) const EVENT_NAMES: [&str; 3] = ["tokenRefreshed", "quotaLow", "error"];

/// The JS name of `event`, or `None` for events the browser never emits (`Lagged`: listeners
/// are called synchronously, nothing is buffered or lost).
fn js_name(event: &PlaybackEvent) -> Option<&'static str> {
    match event {
        PlaybackEvent::TokenRefreshed { .. } => Some("tokenRefreshed"),
        PlaybackEvent::QuotaLow { .. } => Some("quotaLow"),
        PlaybackEvent::RefreshFailed { .. } | PlaybackEvent::GaveUp { .. } => Some("error"),
        _ => None,
    }
}

/// The payload handed to listeners, with the `videoId` every payload carries. `cause` is what
/// the token provider threw, kept as a failed mint's `error.cause`. Tokens are never part of it.
fn payload(event: &PlaybackEvent, video: &VideoId, cause: Option<&JsValue>) -> JsValue {
    let payload: JsValue = match event {
        PlaybackEvent::TokenRefreshed {
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
        PlaybackEvent::QuotaLow { rate_limit, .. } => rate_limit_to_js(rate_limit),
        PlaybackEvent::RefreshFailed {
            error,
            attempt,
            retry_in,
            ..
        } => {
            let payload: JsValue = with_cause(error, cause).into();
            set(&payload, "attempt", &JsValue::from(*attempt));
            let retry = retry_in.map_or(JsValue::NULL, |d| JsValue::from_f64(millis(d)));
            set(&payload, "retryInMs", &retry);
            payload
        }
        // A playback request that could not be healed: not a mint, so no attempt and no retry.
        PlaybackEvent::GaveUp { error, .. } => {
            let payload: JsValue = with_cause(error, None).into();
            set(&payload, "attempt", &JsValue::NULL);
            set(&payload, "retryInMs", &JsValue::NULL);
            payload
        }
        _ => js_sys::Object::new().into(),
    };
    set(&payload, "videoId", &JsValue::from_str(video.as_str()));
    payload
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

    /// Calls every listener of the event's JS name. A throwing listener does not stop the
    /// others, nor the SDK; listeners may add or remove listeners while being called.
    pub(crate) fn emit(&self, event: &PlaybackEvent, cause: Option<&JsValue>) {
        let (Some(name), Some(video)) = (js_name(event), event.video()) else {
            return;
        };
        let callbacks: Vec<js_sys::Function> = self
            .entries
            .borrow()
            .iter()
            .filter(|l| l.event == name && l.video.as_ref().is_none_or(|v| v == video))
            .map(|l| l.callback.clone())
            .collect();
        if callbacks.is_empty() {
            return;
        }
        let payload = payload(event, video, cause);
        for callback in callbacks {
            let _ = callback.call1(&JsValue::UNDEFINED, &payload);
        }
    }
}
