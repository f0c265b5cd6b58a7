//! What the SDK takes from the JavaScript host: the global `fetch`, `performance.now()` and
//! `Math.random()`.
//!
//! All three are looked up on the global object at call time, never through `window`, so the
//! package works the same in a page, a worker and Node (where `web_sys::window()` is `None`).

use std::time::Duration;

use sdk_core::clock::Instant;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch(request)`.
    #[wasm_bindgen(js_name = fetch)]
    pub(crate) fn global_fetch(request: &web_sys::Request) -> js_sys::Promise;

    /// The global `performance.now()`: milliseconds on a monotonic clock.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// The current instant on the host's monotonic clock (origin: `performance.timeOrigin`).
pub(crate) fn now() -> Instant {
    Instant::from_millis_f64(performance_now())
}

/// A random seed for the token manager's retry jitter.
pub(crate) fn random_seed() -> u64 {
    // Two draws: one f64 carries 52 random bits at most.
    let high = (js_sys::Math::random() * f64::from(u32::MAX)) as u64;
    let low = (js_sys::Math::random() * f64::from(u32::MAX)) as u64;
    (high << 32) | low
}

/// A random number in `[0, 1)` for retry jitter.
#[cfg(feature = "client")]
pub(crate) fn random_unit() -> f64 {
    js_sys::Math::random()
}

/// Sleeps for `duration` on the host's timers.
pub(crate) async fn sleep(duration: Duration) {
    gloo_timers::future::TimeoutFuture::new(timer_millis(duration)).await;
}

/// Milliseconds for `setTimeout`, rounded up so a timer never fires before its deadline and
/// capped at the largest delay `setTimeout` accepts (about 24.8 days; longer overflows to 0).
pub(crate) fn timer_millis(duration: Duration) -> u32 {
    const MAX_TIMEOUT_MS: u128 = i32::MAX as u128;
    let millis = duration.as_micros().div_ceil(1000).min(MAX_TIMEOUT_MS);
    u32::try_from(millis).unwrap_or(u32::MAX)
}
