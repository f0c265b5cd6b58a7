//! The HTTP boundary: `http::Request<Bytes>` in, `http::Response<Bytes>` out.
//!
//! [`ReqwestTransport`] is what a [`Client`](crate::Client) uses by default; [`FnTransport`] turns
//! a closure into a transport for tests and for apps that bring their own HTTP stack.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use http::{Request, Response};
use sdk_core::{TransportError, TransportErrorKind};

/// A boxed, `Send` future, as transports return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Sends one request and returns the whole response.
///
/// Implementations must not put the request's URL into errors: playback URLs carry a token.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and reads the full response body.
    fn send(
        &self,
        request: Request<Bytes>,
    ) -> BoxFuture<'_, Result<Response<Bytes>, TransportError>>;
}

/// The default transport, on a (possibly caller-supplied) `reqwest::Client`.
#[derive(Clone, Default)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// Uses `client` (its connection pool, proxy and TLS settings) for every request.
    #[must_use]
    pub fn new(client: reqwest::Client) -> Self {
        Self { client }
    }
}

impl fmt::Debug for ReqwestTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReqwestTransport").finish_non_exhaustive()
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
            let response = self
                .client
                .execute(request)
                .await
                .map_err(transport_error)?;
            let mut builder = Response::builder()
                .status(response.status())
                .version(response.version());
            if let Some(headers) = builder.headers_mut() {
                headers.extend(response.headers().clone());
            }
            let body = response.bytes().await.map_err(transport_error)?;
            builder.body(body).map_err(|_| {
                TransportError::new(TransportErrorKind::Other, "could not assemble the response")
            })
        })
    }
}

/// Maps a reqwest error without its URL (which may contain a playback token).
fn transport_error(err: reqwest::Error) -> TransportError {
    let err = err.without_url();
    let kind = if err.is_connect() {
        TransportErrorKind::Connect
    } else if err.is_body() || err.is_decode() || err.is_request() {
        TransportErrorKind::ConnectionReset
    } else {
        TransportErrorKind::Other
    };
    let message = if err.is_timeout() {
        "the HTTP client timed out".to_owned()
    } else {
        err.to_string()
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
