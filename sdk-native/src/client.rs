//! The client: configuration, and the one loop that sends any endpoint with retries.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::Request;
use http::header::{HeaderValue, USER_AGENT};
use sdk_core::clock::Instant;
use sdk_core::endpoint::{Endpoint, Route};
use sdk_core::retry::{RetryDriver, RetryPolicy, RetryStep};
use sdk_core::{
    ApiKey, BaseUrl, BuildError, Error, TokenConfig, TransportError, TransportErrorKind,
};
use tracing::Instrument;
use zeroize::{Zeroize, Zeroizing};

use crate::transport::{DEFAULT_MAX_RESPONSE_BYTES, ReqwestTransport, Transport};

/// The default per-attempt timeout.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// An async client of the Ansdev API. Cheap to clone: clones share configuration, connection pool
/// and playback sessions.
///
/// ```no_run
/// # async fn run() -> Result<(), sdk_native::Error> {
/// let client = sdk_native::Client::builder()
///     .api_key("ak_live_0123456789abcdef0123456789abcdef")
///     .build()?;
/// let page = client.list_videos(&Default::default()).await?;
/// for video in &page.items {
///     println!("{} {} {}", video.id, video.status, video.title);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) base: BaseUrl,
    pub(crate) key: Option<ApiKey>,
    transport: Arc<dyn Transport>,
    timeout: Duration,
    deadline: Option<Duration>,
    retry: RetryPolicy,
    max_response_bytes: u64,
    user_agent: HeaderValue,
    pub(crate) tokens: Arc<crate::playback::Tokens>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base.as_str())
            .field("api_key", &self.inner.key)
            .field("timeout", &self.inner.timeout)
            .field("deadline", &self.inner.deadline)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for production with an API key and default settings.
    pub fn new(api_key: &str) -> Result<Self, Error> {
        Self::builder().api_key(api_key).build()
    }

    /// A client configured from the environment: `ANSDEV_API_KEY` (required) and
    /// `ANSDEV_BASE_URL` (optional; production when unset), with default settings. See
    /// [`ClientBuilder::from_env`] to combine the environment with other settings.
    ///
    /// ```no_run
    /// let client = sdk_native::Client::from_env()?;
    /// # Ok::<(), sdk_native::Error>(())
    /// ```
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().from_env()?.build()
    }

    /// Configures a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The API base URL this client talks to.
    #[must_use]
    pub fn base_url(&self) -> &BaseUrl {
        &self.inner.base
    }

    /// The public prefix of the configured key (e.g. `ak_live_7c1b`), safe to log.
    #[must_use]
    pub fn key_prefix(&self) -> Option<&str> {
        self.inner.key.as_ref().map(ApiKey::prefix)
    }

    pub(crate) fn api_key(&self) -> Result<&ApiKey, Error> {
        self.inner
            .key
            .as_ref()
            .ok_or(Error::Build(BuildError::MissingApiKey))
    }

    /// Sends any endpoint of `sdk_core::endpoint` with this client's timeout, deadline and retry
    /// policy. Every typed method of the client goes through here; what retries and when is the
    /// core's [`RetryDriver`], this loop only sends and sleeps.
    pub async fn send<E: Endpoint + Sync>(&self, endpoint: &E) -> Result<E::Output, Error> {
        let route = endpoint.route();
        let span = tracing::debug_span!("ansdev.request", route = route.name());
        async {
            // The driver's clock: time since the call started.
            let started = tokio::time::Instant::now();
            let now = || Instant::from_duration(started.elapsed());
            let mut driver =
                RetryDriver::new(route, self.inner.retry.clone()).with_timeout(self.inner.timeout);
            if let Some(deadline) = self.inner.deadline {
                driver = driver.with_deadline(deadline, now());
            }
            loop {
                let request = endpoint.to_request(&self.inner.base)?;
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

    /// One attempt: the transport under the per-attempt timeout.
    pub(crate) async fn exchange(
        &self,
        request: Request<Bytes>,
    ) -> Result<http::Response<Bytes>, Error> {
        self.exchange_within(request, self.inner.timeout).await
    }

    /// One attempt under `budget`.
    async fn exchange_within(
        &self,
        mut request: Request<Bytes>,
        budget: Duration,
    ) -> Result<http::Response<Bytes>, Error> {
        request
            .headers_mut()
            .insert(USER_AGENT, self.inner.user_agent.clone());
        let response = match tokio::time::timeout(budget, self.inner.transport.send(request)).await
        {
            Err(_) => return Err(Error::Timeout { after: budget }),
            Ok(result) => result.map_err(Error::Transport)?,
        };
        // The default transport stops reading at the cap; this holds a custom one to it too.
        let max = self.inner.max_response_bytes;
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

/// Builds a [`Client`].
#[derive(Default)]
#[must_use]
pub struct ClientBuilder {
    base_url: Option<String>,
    key: Option<Zeroizing<String>>,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    retry: Option<RetryPolicy>,
    token_config: Option<TokenConfig>,
    user_agent: Option<String>,
    max_response_bytes: Option<u64>,
    http: Option<reqwest::ClientBuilder>,
    transport: Option<Arc<dyn Transport>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("api_key", &self.key.as_ref().map(|_| "[redacted]"))
            .finish_non_exhaustive()
    }
}

/// The environment variable [`ClientBuilder::from_env`] reads the API key from.
pub const API_KEY_ENV: &str = "ANSDEV_API_KEY";
/// The environment variable [`ClientBuilder::from_env`] reads the base URL from.
pub const BASE_URL_ENV: &str = "ANSDEV_BASE_URL";

impl ClientBuilder {
    /// Takes the API key from `ANSDEV_API_KEY` (required) and the base URL from
    /// `ANSDEV_BASE_URL` (when set). An unset or non-UTF-8 variable is a [`BuildError`] that
    /// names the variable, never its value; the key is validated at [`build`](Self::build).
    pub fn from_env(mut self) -> Result<Self, Error> {
        let key = std::env::var(API_KEY_ENV).map_err(|err| env_error(API_KEY_ENV, &err))?;
        self.key = Some(Zeroizing::new(key));
        match std::env::var(BASE_URL_ENV) {
            Ok(url) => self.base_url = Some(url),
            Err(std::env::VarError::NotPresent) => {}
            Err(err) => return Err(env_error(BASE_URL_ENV, &err)),
        }
        Ok(self)
    }

    /// The API key (`ak_live_…` or `ak_test_…`). Validated at [`build`](Self::build); held only
    /// in memory, redacted in `Debug`, zeroized when the last clone of the client is dropped.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(Zeroizing::new(key.into()));
        self
    }

    /// The API base URL (default `https://api.ansdev.cloud`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// An overall deadline per call, across all its attempts and backoff (default: none; the
    /// retry policy's attempt count bounds a call). An attempt running into it fails with
    /// [`Error::Timeout`]; a retry that could not start before it is not made, and the call
    /// fails with the last attempt's error. Playback sessions' mints are bounded by their own
    /// retry schedule, not by this deadline.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Per-attempt timeout (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retry policy (default: 4 attempts, jittered exponential backoff from 250 ms).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// How playback sessions refresh tokens (refresh margin, keep-warm, mint retries).
    pub fn token_config(mut self, config: TokenConfig) -> Self {
        self.token_config = Some(config);
        self
    }

    /// Appends `product` to the `User-Agent` (e.g. `my-app/1.2`).
    pub fn user_agent(mut self, product: impl Into<String>) -> Self {
        self.user_agent = Some(product.into());
        self
    }

    /// Sends through a `reqwest::Client` built from `builder` (its pool, proxy and TLS
    /// settings). The SDK applies its own redirect policy before building — same origin only,
    /// no `Referer` (see [`transport`](crate::transport)) — replacing any set on `builder`.
    pub fn http_client(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = Some(builder);
        self
    }

    /// Caps every response body at `bytes` (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`], 64 MiB); a larger response fails with
    /// [`TransportErrorKind::BodyTooLarge`]. The default transport stops reading at the cap; a
    /// custom [`Transport`] is held to it once it has returned the body.
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Sends through a custom [`Transport`] (tests, other HTTP stacks).
    pub fn transport(mut self, transport: impl Transport) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Validates the configuration.
    pub fn build(self) -> Result<Client, Error> {
        let base = match &self.base_url {
            Some(url) => BaseUrl::new(url)?,
            None => BaseUrl::production(),
        };
        // Moved out, not copied: the builder's buffer becomes the key's.
        let key = self
            .key
            .map(|mut key| ApiKey::new(std::mem::take(&mut *key)))
            .transpose()?;
        let mut agent = format!("ansdev-sdk-rust/{}", env!("CARGO_PKG_VERSION"));
        if let Some(product) = &self.user_agent {
            agent.push(' ');
            agent.push_str(product);
        }
        let user_agent =
            HeaderValue::try_from(agent).map_err(|_| BuildError::InvalidParameter {
                name: "user_agent",
                reason: "must be visible ASCII".into(),
            })?;
        let max_response_bytes = self
            .max_response_bytes
            .unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
        let transport: Arc<dyn Transport> = match self.transport {
            Some(transport) => transport,
            None => Arc::new(
                ReqwestTransport::from_builder(self.http.unwrap_or_default())?
                    .with_max_response_bytes(max_response_bytes),
            ),
        };
        let token_config = self.token_config.unwrap_or_default();
        // The sessions' mint provider calls back into this client, which owns the sessions'
        // shared state: the provider holds a weak reference, so dropping the last clone of the
        // client still frees (and zeroizes) the key and stops the driver task.
        let inner = Arc::new_cyclic(|weak: &std::sync::Weak<Inner>| Inner {
            base,
            key,
            transport,
            timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
            deadline: self.deadline,
            retry: self.retry.unwrap_or_default(),
            max_response_bytes,
            user_agent,
            tokens: Arc::new(crate::playback::Tokens::new(
                token_config,
                Arc::new(crate::playback::ApiMint(weak.clone())),
            )),
        });
        Ok(Client { inner })
    }
}

/// An environment variable that could not be read, named without its value.
fn env_error(name: &'static str, err: &std::env::VarError) -> Error {
    let reason = match err {
        std::env::VarError::NotPresent => "is not set",
        std::env::VarError::NotUnicode(_) => "is not valid UTF-8",
    };
    Error::Build(BuildError::InvalidParameter {
        name,
        reason: reason.into(),
    })
}
