//! The HTTP boundary over the global `fetch`: `http::Request<Bytes>` in,
//! `http::Response<Bytes>` out, bounded by a timeout that aborts the fetch.
//!
//! Errors never carry the URL or the host's message about it: playback URLs contain a token.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use sdk_core::retry::{RetryDecision, RetryPolicy};
use sdk_core::{Error, TransportError, TransportErrorKind};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::platform;

/// Headers the host computes itself and refuses (browsers) or rejects (Node) when set by hand.
const HOST_MANAGED: [&str; 3] = ["content-length", "host", "connection"];

/// Sends one request through the global `fetch` and reads the whole body. After `timeout`
/// the fetch is aborted and the call fails with [`Error::Timeout`].
pub(crate) async fn send(
    request: Request<Bytes>,
    timeout: Duration,
) -> Result<Response<Bytes>, Error> {
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
    let body = answer.array_buffer().map_err(|_| network_error())?;
    let body = JsFuture::from(body).await.map_err(failed)?;
    let body = js_sys::Uint8Array::new(&body).to_vec();
    from_fetch_response(&answer, body)
}

/// Sends `request` (rebuilt by `make` for every attempt), retrying transient failures as the
/// core's [`RetryPolicy`] decides.
pub(crate) async fn send_with_retry<T>(
    make: impl Fn() -> Result<Request<Bytes>, Error>,
    parse: impl Fn(&Response<Bytes>) -> Result<T, Error>,
    route: sdk_core::endpoint::Route,
    timeout: Duration,
) -> Result<T, Error> {
    let policy = RetryPolicy::default();
    let mut attempt = 1;
    loop {
        let result = match send(make()?, timeout).await {
            Ok(response) => parse(&response),
            Err(error) => Err(error),
        };
        let error = match result {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        match policy.decide(route, attempt, &error, platform::random_unit()) {
            RetryDecision::RetryAfter(delay) => {
                platform::sleep(delay).await;
                attempt += 1;
            }
            _ => return Err(error),
        }
    }
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

fn host_error(what: &'static str) -> TransportError {
    TransportError::new(
        TransportErrorKind::Other,
        format!("the JavaScript host refused {what}"),
    )
}
