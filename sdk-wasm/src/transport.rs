//! The HTTP boundary over the global `fetch`: `http::Request<Bytes>` in,
//! `http::Response<Bytes>` out, bounded by a timeout that aborts the fetch and by a cap on the
//! body it reads.
//!
//! These requests carry the API key (`x-ansdev-key`), so redirects are never followed
//! (`redirect: 'manual'`): a redirect answer — status 3xx under Node, an `opaqueredirect`
//! response (status 0) in browsers — fails with [`TransportErrorKind::RedirectRefused`].
//! Browsers and Node drop only `Authorization` and cookies on a cross-origin hop, not custom
//! headers, so following would hand the key to whatever host the `Location` names.
//!
//! The body is read through the stream reader with a running total and abandoned once it
//! passes [`Limits::max_body`] ([`TransportErrorKind::BodyTooLarge`]); a `Content-Length`
//! over the cap fails before any of it is read. Memory stays within the cap plus one chunk.
//!
//! Errors never carry the URL or the host's message about it: playback URLs contain a token.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use sdk_core::retry::{RetryDriver, RetryPolicy, RetryStep};
use sdk_core::{Error, TransportError, TransportErrorKind};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::js_error::get;
use crate::platform;

/// Headers the host computes itself and refuses (browsers) or rejects (Node) when set by hand.
const HOST_MANAGED: [&str; 3] = ["content-length", "host", "connection"];

/// The default cap on a response body: the API's largest answer (a page of videos) is tens of
/// kilobytes, so 16 MiB never cuts a real one and still bounds what a hostile server can make
/// the page hold.
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// The redirect statuses of the Fetch standard: what `fetch` would follow.
const REDIRECT_STATUSES: [u16; 5] = [301, 302, 303, 307, 308];

/// What bounds one request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// After this the fetch is aborted and the call fails with [`Error::Timeout`].
    pub(crate) timeout: Duration,
    /// A larger response body fails the call with [`TransportErrorKind::BodyTooLarge`].
    pub(crate) max_body: usize,
}

/// Sends one request through the global `fetch`, refusing redirects, and reads the whole body
/// within [`Limits`].
pub(crate) async fn send(
    request: Request<Bytes>,
    limits: Limits,
) -> Result<Response<Bytes>, Error> {
    let timeout = limits.timeout;
    let controller = web_sys::AbortController::new().map_err(|_| host_error("AbortController"))?;
    let fetch_request = to_fetch_request(&request, &controller.signal())?;
    let timed_out = Rc::new(Cell::new(false));
    let _timer = {
        let timed_out = timed_out.clone();
        let controller = controller.clone();
        // Dropping the timer (when this call ends) cancels it.
        gloo_timers::callback::Timeout::new(platform::timer_millis(timeout), move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let failed = |_| {
        if timed_out.get() {
            Error::Timeout { after: timeout }
        } else {
            network_error()
        }
    };
    let answer = JsFuture::from(platform::global_fetch(&fetch_request))
        .await
        .map_err(failed)?;
    let answer: web_sys::Response = answer.dyn_into().map_err(|_| host_error("fetch"))?;
    let refused = if is_redirect(&answer) {
        Some(TransportError::new(
            TransportErrorKind::RedirectRefused,
            "the API answered with a redirect; requests carrying the API key never follow one",
        ))
    } else if declared_length(&answer).is_some_and(|length| length > limits.max_body as u64) {
        Some(body_too_large(limits.max_body))
    } else {
        None
    };
    if let Some(refused) = refused {
        // Nothing of this answer is read: stop the host from downloading it.
        controller.abort();
        return Err(refused.into());
    }
    let body = read_body(&answer, limits.max_body, failed).await;
    if body.is_err() {
        controller.abort();
    }
    from_fetch_response(&answer, body?)
}

/// A redirect `fetch` did not follow: `opaqueredirect` (status 0) in browsers, the 3xx itself
/// under Node.
fn is_redirect(answer: &web_sys::Response) -> bool {
    answer.type_() == web_sys::ResponseType::Opaqueredirect
        || answer.status() == 0
        || REDIRECT_STATUSES.contains(&answer.status())
}

/// The `Content-Length` the server announced, when it is a plain number.
fn declared_length(answer: &web_sys::Response) -> Option<u64> {
    let length = answer.headers().get("content-length").ok().flatten()?;
    length.trim().parse().ok()
}

/// Reads the body chunk by chunk, giving up as soon as the running total passes `max`.
async fn read_body(
    answer: &web_sys::Response,
    max: usize,
    failed: impl Fn(JsValue) -> Error,
) -> Result<Vec<u8>, Error> {
    let Some(stream) = answer.body() else {
        return Ok(Vec::new());
    };
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut body = Vec::new();
    loop {
        let step = JsFuture::from(reader.read()).await.map_err(&failed)?;
        if get(&step, "done").as_bool() == Some(true) {
            return Ok(body);
        }
        let chunk: js_sys::Uint8Array = get(&step, "value")
            .dyn_into()
            .map_err(|_| host_error("ReadableStream"))?;
        let start = body.len();
        let end = start.saturating_add(chunk.length() as usize);
        if end > max {
            // `send` aborts the fetch, which tears the stream and the connection down.
            return Err(body_too_large(max).into());
        }
        body.resize(end, 0);
        chunk.copy_to(body.get_mut(start..).unwrap_or_default());
    }
}

/// How a call retries: the core's policy and an optional overall deadline.
#[derive(Debug, Clone, Default)]
pub(crate) struct Retries {
    /// What retries and after how long (`retry` option; the core's default otherwise).
    pub(crate) policy: RetryPolicy,
    /// Bounds the whole call, all attempts and waits (`deadlineMs` option).
    pub(crate) deadline: Option<Duration>,
}

/// Sends `request` (rebuilt by `make` for every attempt) as the core's [`RetryDriver`] decides:
/// the same attempts, backoff, quota wait and deadline as the native client. This loop only
/// fetches and sleeps.
pub(crate) async fn send_with_retry<T>(
    make: impl Fn() -> Result<Request<Bytes>, Error>,
    parse: impl Fn(&Response<Bytes>) -> Result<T, Error>,
    route: sdk_core::endpoint::Route,
    limits: Limits,
    retries: &Retries,
) -> Result<T, Error> {
    let mut driver = RetryDriver::new(route, retries.policy.clone()).with_timeout(limits.timeout);
    if let Some(deadline) = retries.deadline {
        driver = driver.with_deadline(deadline, platform::now());
    }
    loop {
        let attempt = Limits {
            timeout: driver.budget(platform::now()),
            ..limits
        };
        let error = match send(make()?, attempt)
            .await
            .and_then(|response| parse(&response))
        {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        match driver.handle_failure(error, platform::now(), unix_now(), platform::random_unit()) {
            RetryStep::RetryAt(at) => {
                platform::sleep(at.saturating_duration_since(platform::now())).await;
            }
            RetryStep::Fail(error) => return Err(error),
        }
    }
}

/// The host's wall clock in Unix seconds (`Date.now()`): dates a quota reset when the refusal
/// had no `Date` header (browsers hide it from cross-origin answers unless exposed).
fn unix_now() -> Option<u64> {
    let millis = js_sys::Date::now();
    (millis.is_finite() && millis >= 0.0).then(|| (millis / 1000.0) as u64)
}

fn to_fetch_request(
    request: &Request<Bytes>,
    signal: &web_sys::AbortSignal,
) -> Result<web_sys::Request, Error> {
    let headers = web_sys::Headers::new().map_err(|_| host_error("Headers"))?;
    for (name, value) in request.headers() {
        if HOST_MANAGED.contains(&name.as_str()) {
            continue;
        }
        let value = value.to_str().map_err(|_| {
            TransportError::new(TransportErrorKind::Other, "a header value is not ASCII")
        })?;
        headers
            .append(name.as_str(), value)
            .map_err(|_| host_error("Headers.append"))?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method(request.method().as_str());
    init.set_headers(&headers);
    init.set_signal(Some(signal));
    init.set_redirect(web_sys::RequestRedirect::Manual);
    if !request.body().is_empty() {
        // A copy, not a view: a view into wasm memory dies when the memory grows.
        let body = js_sys::Uint8Array::from(request.body().as_ref());
        init.set_body(&body);
    }
    web_sys::Request::new_with_str_and_init(&request.uri().to_string(), &init)
        .map_err(|_| host_error("Request").into())
}

fn from_fetch_response(
    answer: &web_sys::Response,
    body: Vec<u8>,
) -> Result<Response<Bytes>, Error> {
    let mut builder = Response::builder().status(answer.status());
    let entries = js_sys::try_iter(&answer.headers())
        .ok()
        .flatten()
        .ok_or_else(|| host_error("Headers iteration"))?;
    for entry in entries {
        let entry = js_sys::Array::from(&entry.map_err(|_| host_error("Headers iteration"))?);
        if let (Some(name), Some(value)) = (entry.get(0).as_string(), entry.get(1).as_string()) {
            builder = builder.header(name, value);
        }
    }
    builder.body(Bytes::from(body)).map_err(|_| {
        TransportError::new(
            TransportErrorKind::Other,
            "the response could not be assembled",
        )
        .into()
    })
}

/// A failed fetch. The host's message is dropped: it may name the URL, which may hold a token.
fn network_error() -> Error {
    TransportError::new(TransportErrorKind::Connect, "the network request failed").into()
}

fn body_too_large(max: usize) -> TransportError {
    TransportError::new(
        TransportErrorKind::BodyTooLarge,
        format!("the response body is larger than maxResponseBytes ({max} bytes)"),
    )
}

fn host_error(what: &'static str) -> TransportError {
    TransportError::new(
        TransportErrorKind::Other,
        format!("the JavaScript host refused {what}"),
    )
}
