//! The client: configuration and the typed calls' entry point; the sending itself is the
//! [`Connection`]'s, shared with the playback sessions' mint provider.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::HeaderValue;
use sdk_core::endpoint::Endpoint;
use sdk_core::retry::RetryPolicy;
use sdk_core::{ApiKey, BaseUrl, BuildError, Error, TokenConfig};
use zeroize::Zeroizing;

use crate::connection::Connection;
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
    pub(crate) connection: Arc<Connection>,
    pub(crate) tokens: Arc<crate::playback::Tokens>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let connection = &self.inner.connection;
        f.debug_struct("Client")
            .field("base_url", &connection.base.as_str())
            .field("api_key", &connection.key)
            .field("timeout", &connection.timeout)
            .field("deadline", &connection.deadline)
            .field("retry", &connection.retry)
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
        &self.inner.connection.base
    }

    /// The public prefix of the configured key (e.g. `ak_live_7c1b`), safe to log.
    #[must_use]
    pub fn key_prefix(&self) -> Option<&str> {
        self.inner.connection.key.as_ref().map(ApiKey::prefix)
    }

    pub(crate) fn api_key(&self) -> Result<&ApiKey, Error> {
        self.inner.connection.api_key()
    }

    /// Sends any endpoint of `sdk_core::endpoint` with this client's timeout, deadline and retry
    /// policy. Every typed method of the client goes through here; what retries and when is the
    /// core's [`RetryDriver`](sdk_core::retry::RetryDriver).
    pub async fn send<E: Endpoint + Sync>(&self, endpoint: &E) -> Result<E::Output, Error> {
        self.inner.connection.send(endpoint).await
    }
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
    /// [`TransportErrorKind::BodyTooLarge`](sdk_core::TransportErrorKind::BodyTooLarge). The default transport stops reading at the cap; a
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
        let connection = Arc::new(Connection {
            base,
            key,
            transport,
            timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
            deadline: self.deadline,
            retry: self.retry.unwrap_or_default(),
            max_response_bytes,
            user_agent,
        });
        // The sessions' mint provider shares the connection, not the client: nothing points
        // back at the client, so dropping its last clone frees the sessions' state, stops the
        // driver task and, with the provider, the last reference to the key (zeroized).
        let tokens = Arc::new(crate::playback::Tokens::new(
            self.token_config.unwrap_or_default(),
            Arc::new(crate::playback::ApiMint(connection.clone())),
        ));
        Ok(Client {
            inner: Arc::new(Inner { connection, tokens }),
        })
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
