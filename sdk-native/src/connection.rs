//! What every call to the API needs — base URL, key, transport, timeouts, retry policy — and the
//! one loop that sends an endpoint through the core's retry driver.
//!
//! The client and the playback sessions' mint provider both hold it, so the provider needs no
//! way back to the client that owns the sessions (no weak reference breaks a cycle): dropping the
//! last clone of the client drops the sessions' state, which stops the driver task, which drops
//! the provider and with it the last reference to the key.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::Request;
use http::header::{HeaderValue, USER_AGENT};
use sdk_core::clock::Instant;
use sdk_core::endpoint::{Endpoint, Route};
use sdk_core::retry::{RetryDriver, RetryPolicy, RetryStep};
use sdk_core::{ApiKey, BaseUrl, BuildError, Error, TransportError, TransportErrorKind};
use tracing::Instrument;
use zeroize::Zeroize;

use crate::transport::Transport;

/// A configured way to the API, shared by a client and its mint provider.
pub(crate) struct Connection {
    pub(crate) base: BaseUrl,
    pub(crate) key: Option<ApiKey>,
    pub(crate) transport: Arc<dyn Transport>,
    /// Per-attempt timeout.
    pub(crate) timeout: Duration,
    /// Overall bound of one call, all attempts and waits included.
    pub(crate) deadline: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: u64,
    pub(crate) user_agent: HeaderValue,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("base_url", &self.base.as_str())
            .field("api_key", &self.key)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// The configured key, or [`BuildError::MissingApiKey`].
    pub(crate) fn api_key(&self) -> Result<&ApiKey, Error> {
        self.key
            .as_ref()
            .ok_or(Error::Build(BuildError::MissingApiKey))
    }

    /// Sends `endpoint` as the core's [`RetryDriver`] decides (attempts, backoff, quota wait,
    /// deadline); this loop only sends and sleeps.
    pub(crate) async fn send<E: Endpoint + Sync>(&self, endpoint: &E) -> Result<E::Output, Error> {
        let route = endpoint.route();
        let span = tracing::debug_span!("ansdev.request", route = route.name());
        async {
            // The driver's clock: time since the call started.
            let started = tokio::time::Instant::now();
            let now = || Instant::from_duration(started.elapsed());
            let mut driver = RetryDriver::new(route, self.retry.clone()).with_timeout(self.timeout);
            if let Some(deadline) = self.deadline {
                driver = driver.with_deadline(deadline, now());
            }
            loop {
                let request = endpoint.to_request(&self.base)?;
                let outcome = match self.exchange_within(request, driver.budget(now())).await {
                    Ok(response) => {
                        let output = endpoint.parse_response(&response);
                        wipe_body(route, response);
                        output
                    }
                    Err(err) => Err(err),
                };
                let attempt = driver.attempt();
                let err = match outcome {
                    Ok(output) => {
                        tracing::debug!(attempt, "ok");
                        return Ok(output);
                    }
                    Err(err) => err,
                };
                match driver.handle_failure(err, now(), unix_now(), fastrand::f64()) {
                    RetryStep::RetryAt(at) => {
                        let delay = at.saturating_duration_since(now());
                        tracing::warn!(attempt, delay_ms = delay.as_millis() as u64, "retrying");
                        tokio::time::sleep(delay).await;
                    }
                    RetryStep::Fail(err) => {
                        tracing::debug!(attempt, code = %err.code(), "failed");
                        return Err(err);
                    }
                }
            }
        }
        .instrument(span)
        .await
    }

    /// One attempt under the per-attempt timeout (the token manager owns the mints' retries).
    pub(crate) async fn exchange(
        &self,
        request: Request<Bytes>,
    ) -> Result<http::Response<Bytes>, Error> {
        self.exchange_within(request, self.timeout).await
    }

    /// One attempt under `budget`.
    async fn exchange_within(
        &self,
        mut request: Request<Bytes>,
        budget: Duration,
    ) -> Result<http::Response<Bytes>, Error> {
        request
            .headers_mut()
            .insert(USER_AGENT, self.user_agent.clone());
        let response = match tokio::time::timeout(budget, self.transport.send(request)).await {
            Err(_) => return Err(Error::Timeout { after: budget }),
            Ok(result) => result.map_err(Error::Transport)?,
        };
        // The default transport stops reading at the cap; this holds a custom one to it too.
        let max = self.max_response_bytes;
        if u64::try_from(response.body().len()).map_or(true, |len| len > max) {
            return Err(Error::Transport(TransportError::new(
                TransportErrorKind::BodyTooLarge,
                format!("the response body is larger than the {max}-byte cap"),
            )));
        }
        Ok(response)
    }
}

/// Wipes the body of a response whose route may carry a secret (a minted token, a new API key,
/// an AES key) once it has been decoded, when the SDK holds the only reference to it.
pub(crate) fn wipe_body(route: Route, response: http::Response<Bytes>) {
    if route.response_holds_secret()
        && let Ok(mut body) = response.into_body().try_into_mut()
    {
        body[..].zeroize();
    }
}

/// This machine's wall clock in Unix seconds: the driver dates a quota reset by it when the
/// refusal had no `Date` header.
fn unix_now() -> Option<u64> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .ok()
}
