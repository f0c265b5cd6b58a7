//! The HTTP boundary: `http::Request<Bytes>` in, `http::Response<Bytes>` out.
//!
//! [`ReqwestTransport`] is what a [`Client`](crate::Client) uses by default; [`FnTransport`] turns
//! a closure into a transport for tests and for apps that bring their own HTTP stack.
//!
//! # Redirects stay on the request's origin
//!
//! [`ReqwestTransport`] follows a redirect only when it stays on the origin (scheme, host and
//! port) of the request the SDK sent, for at most [`MAX_REDIRECTS`] hops. A redirect to any other
//! origin is not followed — no request reaches it — and the call fails with
//! [`TransportErrorKind::RedirectRefused`], which is never retried.
//!
//! Why one rule for every request: the secrets travel in different places. reqwest strips
//! `Authorization` and `Cookie` on a cross-host redirect, but not `x-ansdev-key`, and a playback
//! token in the path of a playlist or key URL would be carried to the new host whatever headers
//! are stripped. A rule by origin does not depend on where a secret sits. Segment requests carry
//! no secret but follow the same rule: a playlist already lists their absolute URLs, so the API
//! has no reason to send them elsewhere. The `Referer` header is never sent either (it would
//! repeat a tokenized URL).
//!
//! The SDK sets this policy itself: [`ClientBuilder::http_client`](crate::ClientBuilder::http_client)
//! takes a `reqwest::ClientBuilder` (pool, proxy, TLS) and applies the policy before building it.
//! A custom [`Transport`] sees redirects as responses and decides for itself.
//!
//! # Response size is capped
//!
//! A response larger than the cap ([`DEFAULT_MAX_RESPONSE_BYTES`] unless configured) fails with
//! [`TransportErrorKind::BodyTooLarge`]: a `Content-Length` over the cap is refused before any of
//! the body is read, and a body without one (or lying about it) is read chunk by chunk with a
//! running total, so a hostile or broken server cannot make the client buffer more than the cap.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use http::{Request, Response, StatusCode};
use sdk_core::{BuildError, TransportError, TransportErrorKind};
use zeroize::Zeroize;

/// A boxed, `Send` future, as transports return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Hops a same-origin redirect chain may take: enough for a trailing-slash or a moved-route hop,
/// few enough that a redirect loop fails fast.
pub const MAX_REDIRECTS: usize = 5;

/// The default cap on a response body: 64 MiB. The largest bodies the SDK reads are HLS
/// segments; a 6-second 2160p segment at 40 Mbit/s is about 30 MB, so this leaves twice that.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// Sends one request and returns the whole response.
///
/// Implementations must not put the request's URL into errors: playback URLs carry a token. They
/// decide their own redirect behaviour; see the [module documentation](self) for the SDK's.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and reads the full response body.
    fn send(
        &self,
        request: Request<Bytes>,
    ) -> BoxFuture<'_, Result<Response<Bytes>, TransportError>>;
}

/// The default transport: reqwest with the SDK's redirect policy (same origin only, at most
/// [`MAX_REDIRECTS`] hops, no `Referer`) and a response-size cap.
#[derive(Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    max_response_bytes: u64,
}

impl ReqwestTransport {
    /// A transport with reqwest's default settings and the SDK's policies.
    pub fn new() -> Result<Self, BuildError> {
        Self::from_builder(reqwest::Client::builder())
    }

    /// Builds `builder` (its pool, proxy and TLS settings) after applying the SDK's redirect
    /// policy, which replaces any policy set on it.
    pub fn from_builder(builder: reqwest::ClientBuilder) -> Result<Self, BuildError> {
        let client = builder
            .redirect(same_origin_redirects())
            .referer(false)
            .build()
            .map_err(|err| BuildError::InvalidParameter {
                name: "http_client",
                reason: format!("the HTTP client could not be built: {err}"),
            })?;
        Ok(Self {
            client,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        })
    }

    /// Caps response bodies at `bytes` (default [`DEFAULT_MAX_RESPONSE_BYTES`]).
    #[must_use]
    pub fn with_max_response_bytes(mut self, bytes: u64) -> Self {
        self.max_response_bytes = bytes;
        self
    }
}

impl fmt::Debug for ReqwestTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReqwestTransport")
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

impl Transport for ReqwestTransport {
    fn send(
        &self,
        request: Request<Bytes>,
    ) -> BoxFuture<'_, Result<Response<Bytes>, TransportError>> {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request.map(reqwest::Body::from))
                .map_err(transport_error)?;
            let mut response = self
                .client
                .execute(request)
                .await
                .map_err(transport_error)?;
            let mut builder = Response::builder()
                .status(response.status())
                .version(response.version());
            if let Some(headers) = builder.headers_mut() {
                headers.extend(std::mem::take(response.headers_mut()));
            }
            let body = read_capped(response, self.max_response_bytes).await?;
            builder.body(body).map_err(|_| {
                TransportError::new(TransportErrorKind::Other, "could not assemble the response")
            })
        })
    }
}

/// Reads the body, refusing it as soon as it is known to exceed `max` bytes.
async fn read_capped(mut response: reqwest::Response, max: u64) -> Result<Bytes, TransportError> {
    let announced = response.content_length();
    if announced.is_some_and(|len| len > max) {
        return Err(body_too_large(max));
    }
    // An honest `Content-Length` (already checked against the cap) sizes the buffer once.
    let capacity = usize::try_from(announced.unwrap_or(0)).unwrap_or(0);
    let mut body = BytesMut::with_capacity(capacity);
    while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
        let total = body.len().saturating_add(chunk.len());
        if u64::try_from(total).map_or(true, |total| total > max) {
            body[..].zeroize();
            return Err(body_too_large(max));
        }
        if body.capacity() - body.len() < chunk.len() {
            // Grow by hand so the old buffer is wiped rather than freed as it is: a response
            // body may hold a token or a new API key.
            let mut grown = BytesMut::with_capacity(total.max(body.capacity().saturating_mul(2)));
            grown.extend_from_slice(&body);
            body[..].zeroize();
            body = grown;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn body_too_large(max: u64) -> TransportError {
    TransportError::new(
        TransportErrorKind::BodyTooLarge,
        format!("the response body is larger than the {max}-byte cap; reading stopped"),
    )
}

/// Why the redirect policy refused a redirect; found again in the error's source chain.
#[derive(Debug)]
struct RedirectRefusal {
    status: StatusCode,
    too_many: bool,
}

impl fmt::Display for RedirectRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.status.as_u16();
        if self.too_many {
            write!(
                f,
                "the server answered {status} after {MAX_REDIRECTS} redirects; the SDK stops there"
            )
        } else {
            write!(
                f,
                "the server answered {status} with a redirect to another origin; the SDK does not \
                 follow cross-origin redirects with credentials"
            )
        }
    }
}

impl std::error::Error for RedirectRefusal {}

/// Same origin (scheme, host, port) as the first request of the chain, at most
/// [`MAX_REDIRECTS`] hops.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let status = attempt.status();
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if !same_origin {
            attempt.error(RedirectRefusal {
                status,
                too_many: false,
            })
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error(RedirectRefusal {
                status,
                too_many: true,
            })
        } else {
            attempt.follow()
        }
    })
}

/// Maps a reqwest error without its URL (which may contain a playback token).
fn transport_error(err: reqwest::Error) -> TransportError {
    let err = err.without_url();
    if err.is_redirect() {
        // The refusal names the status and the rule; reqwest's wrapper around it would only
        // repeat it one link down the chain, so it is not attached.
        let message = std::error::Error::source(&err)
            .and_then(|source| source.downcast_ref::<RedirectRefusal>())
            .map_or_else(
                || "a redirect was refused".to_owned(),
                RedirectRefusal::to_string,
            );
        return TransportError::new(TransportErrorKind::RedirectRefused, message);
    }
    let kind = if err.is_connect() {
        TransportErrorKind::Connect
    } else if err.is_body() || err.is_decode() || err.is_request() {
        TransportErrorKind::ConnectionReset
    } else {
        TransportErrorKind::Other
    };
    // A fixed description: reqwest's own text (and its causes) follows as the error's source,
    // so a printed chain says each thing once.
    let message = match kind {
        _ if err.is_timeout() => "the HTTP client timed out",
        TransportErrorKind::Connect => "could not connect to the API",
        TransportErrorKind::ConnectionReset => "the connection failed during the exchange",
        _ => "the HTTP client failed",
    };
    TransportError::new(kind, message).with_source(err)
}

/// A transport made of a closure, for tests and custom HTTP stacks.
///
/// ```
/// use bytes::Bytes;
/// use sdk_native::FnTransport;
///
/// let transport = FnTransport::new(|_request| async {
///     Ok(http::Response::builder().status(503).body(Bytes::new()).unwrap())
/// });
/// # let _ = transport;
/// ```
pub struct FnTransport<F>(Arc<F>);

impl<F, Fut> FnTransport<F>
where
    F: Fn(Request<Bytes>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Response<Bytes>, TransportError>> + Send + 'static,
{
    /// Wraps `f`, called once per request.
    pub fn new(f: F) -> Self {
        Self(Arc::new(f))
    }
}

impl<F> fmt::Debug for FnTransport<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnTransport")
    }
}

impl<F, Fut> Transport for FnTransport<F>
where
    F: Fn(Request<Bytes>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Response<Bytes>, TransportError>> + Send + 'static,
{
    fn send(
        &self,
        request: Request<Bytes>,
    ) -> BoxFuture<'_, Result<Response<Bytes>, TransportError>> {
        Box::pin((self.0)(request))
    }
}
