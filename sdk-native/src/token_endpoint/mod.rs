//! A token endpoint for axum apps: the browser player's token provider calls it, so the API key
//! stays on the server.
//!
//! `GET {mount}/{videoId}` (a public `vid_…` id or a job id: both name one video) answers
//! `{"token": "…", "expiresIn": 287, "jobId": "…", "rateLimit": {"limit", "remaining", "reset"}}`
//! where `expiresIn` is the token's remaining life in seconds and `rateLimit` the key's daily
//! quota as of the last mint. A refusal answers
//! `{"error": {"code", "message", "status", "retryable", "retryAfterMs"?}}` with its status (the
//! API's, or 502 when the API could not be reached) and `Retry-After` when a wait is known.
//! Every answer is `Cache-Control: no-store`.
//!
//! # Who gets a token: the app decides, before anything else
//!
//! There is no endpoint without an authorization decision: [`TokenEndpoint::new`] takes one, and
//! [`TokenEndpoint::allow_list`] builds one from the videos the app publishes. The decision sees
//! the whole request (headers, cookies, extensions such as `ConnectInfo`) and the id asked for,
//! and runs before any call to the API: a refused request costs nothing upstream.
//!
//! ```no_run
//! use std::net::SocketAddr;
//!
//! use sdk_native::token_endpoint::TokenEndpoint;
//! # async fn run(client: sdk_native::Client) -> Result<(), Box<dyn std::error::Error>> {
//! // The videos this site publishes; any other id (even one of the key's own videos) gets 404.
//! let trailer = client.get_video("vid_demo_encrypted").await?;
//! let app = axum::Router::new().nest(
//!     "/playback-token",
//!     TokenEndpoint::allow_list(client, [trailer]).router(),
//! );
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! // The rate limit tells clients apart by their address: serve with connect info.
//! axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await?;
//! # Ok(()) }
//! ```
//!
//! A site with accounts checks the viewer's session. The closure copies what it needs out of
//! the request, then answers in a future of its own (which may await a database):
//!
//! ```no_run
//! use http::header::COOKIE;
//! use sdk_native::token_endpoint::{ClientKey, Refusal, SharePolicy, TokenEndpoint};
//!
//! /// The session id from the `session` cookie, if any.
//! fn session(request: &http::request::Parts) -> Option<String> {
//!     let cookies = request.headers.get(COOKIE)?.to_str().ok()?;
//!     cookies
//!         .split(';')
//!         .find_map(|c| c.trim().strip_prefix("session="))
//!         .map(str::to_owned)
//! }
//!
//! # async fn may_watch(session: &str, video: &sdk_native::VideoId) -> bool { true }
//! # fn run(client: sdk_native::Client) -> axum::Router {
//! let endpoint = TokenEndpoint::new(client, |request, video| {
//!     let session = session(request);
//!     let video = video.clone();
//!     async move {
//!         let session = session.ok_or_else(Refusal::unauthorized)?;
//!         if may_watch(&session, &video).await {
//!             Ok(())
//!         } else {
//!             Err(Refusal::not_found())
//!         }
//!     }
//! })
//! .policy(SharePolicy::PerViewer)
//! // Signed-in viewers are limited per session rather than per address.
//! .client_key(|request| session(request).map(|s| ClientKey::text(&s)).or_else(|| ClientKey::peer(request)));
//! endpoint.router()
//! # }
//! ```
//!
//! An endpoint without a decision does not compile:
//!
//! ```compile_fail,E0061
//! # fn run(client: sdk_native::Client) -> axum::Router {
//! sdk_native::token_endpoint::TokenEndpoint::new(client).router()
//! # }
//! ```
//!
//! # What protects the key's daily quota
//!
//! - **One video, one entry.** The endpoint asks the API once which video an id names and keys
//!   everything by its job id, so `vid_x` and its job id share one token. A video that is not
//!   `COMPLETED` is refused without a mint.
//! - **Refusals are remembered.** An unknown id, a video not ready, or a refusal of the key
//!   itself (quota used up, key revoked or expired, scope missing) is answered again from memory
//!   for 60 s ([`remember_refusals_for`](TokenEndpoint::remember_refusals_for)); a used-up quota
//!   until its reset (at most an hour between checks).
//! - **Bounded memory.** The endpoint remembers at most 1024 ids
//!   ([`video_cache`](TokenEndpoint::video_cache)), least recently used first out, and the
//!   allowance of at most 4096 clients.
//! - **A rate limit per client** ([`ClientLimit`], default 5 at once then one every 10 s): only
//!   requests that would call the API count. Over it: 429 `TOO_MANY_REQUESTS` with
//!   `Retry-After`, and no API call. A client is its IP address (from axum's
//!   `ConnectInfo<SocketAddr>`; IPv6 by /64) unless [`client_key`](TokenEndpoint::client_key)
//!   says otherwise, e.g. a session id. Behind a reverse proxy every request comes from the
//!   proxy's address: name the client from what the proxy vouches for.
//!
//! # Shared or per-viewer tokens
//!
//! Under [`SharePolicy::Shared`] (the default), viewers of one video share its token while it
//! has more than its refresh margin to live: about one mint per video per four and a half
//! minutes, however many viewers, and a page reload costs nothing. Under
//! [`SharePolicy::PerViewer`] every request mints: a leaked token then names the viewer it was
//! issued to, but every request spends one of the key's daily mints, so the rate limit is all
//! that stops one page (or an `<img>` on another site pointing at the endpoint) from draining
//! the quota. Choose it only with an authorization decision that admits known viewers and a
//! limit sized to the quota.

mod client_limit;
mod handler;
mod key_gate;
mod refusal;
mod videos;

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use http::request::Parts;
use sdk_core::{Video, VideoId};

pub use client_limit::{ClientKey, ClientLimit};
pub use refusal::Refusal;

use crate::{BoxFuture, Client};
use client_limit::{ClientLimiter, KeyFn};
use key_gate::KeyGate;
use videos::Videos;

/// Whether viewers of the same video share tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SharePolicy {
    /// Viewers of one video share the current token while it has more than the refresh margin
    /// left: one mint serves every viewer in that window (the quota-friendly default).
    #[default]
    Shared,
    /// Every request mints a token of its own: a leaked token names one viewer, but each request
    /// spends one of the day's mints (see the [module docs](self)).
    PerViewer,
}

/// Ids remembered at most: a video known by both of its ids takes two. An entry is an id (≤ 64
/// bytes) and either a shared handle or a short refusal, a few hundred bytes in all.
const VIDEO_CACHE: NonZeroUsize = NonZeroUsize::MIN.saturating_add(1023);
/// How long a refusal is answered from memory: long enough that repeating an unknown id is free,
/// short enough that a video published a moment later plays within a minute.
const REFUSAL_TTL: Duration = Duration::from_secs(60);

type Authorizer =
    Arc<dyn Fn(&Parts, &VideoId) -> BoxFuture<'static, Result<(), Refusal>> + Send + Sync>;

/// The endpoint's configuration; [`router`](Self::router) turns it into an axum `Router`.
///
/// Clones share caches and rate-limit state. The settings start them afresh: set them before
/// [`router`](Self::router).
#[derive(Clone)]
pub struct TokenEndpoint {
    client: Client,
    policy: SharePolicy,
    authorize: Authorizer,
    limit: ClientLimit,
    key: KeyFn,
    cache_capacity: NonZeroUsize,
    refusal_ttl: Duration,
    state: Arc<EndpointState>,
}

/// What the endpoint remembers between requests.
struct EndpointState {
    videos: Videos,
    gate: KeyGate,
    limiter: ClientLimiter,
}

impl fmt::Debug for TokenEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenEndpoint")
            .field("client", &self.client)
            .field("policy", &self.policy)
            .field("limit", &self.limit)
            .field("cache_capacity", &self.cache_capacity)
            .field("refusal_ttl", &self.refusal_ttl)
            .finish_non_exhaustive()
    }
}

impl TokenEndpoint {
    /// Mints with `client`'s API key for the requests `authorize` lets through.
    ///
    /// `authorize` sees the request's head (headers, cookies, extensions) and the id asked for
    /// (either of a video's ids), and answers `Ok(())` or a [`Refusal`]. It runs on every
    /// request, before the caches and before any API call. The future it returns owns what it
    /// uses: copy values out of the request first.
    pub fn new<F, Fut>(client: Client, authorize: F) -> Self
    where
        F: Fn(&Parts, &VideoId) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), Refusal>> + Send + 'static,
    {
        let authorize: Authorizer =
            Arc::new(move |request, video| Box::pin(authorize(request, video)));
        let key: KeyFn = Arc::new(ClientKey::peer);
        let limit = ClientLimit::default();
        let (cache_capacity, refusal_ttl) = (VIDEO_CACHE, REFUSAL_TTL);
        Self {
            state: Arc::new(EndpointState::new(
                limit,
                key.clone(),
                cache_capacity,
                refusal_ttl,
            )),
            client,
            policy: SharePolicy::default(),
            authorize,
            limit,
            key,
            cache_capacity,
            refusal_ttl,
        }
    }

    /// Mints only for `videos` (by either of their ids); any other id is refused with 404
    /// `VIDEO_NOT_FOUND`, the answer a missing video gets, without asking the API.
    pub fn allow_list(client: Client, videos: impl IntoIterator<Item = Video>) -> Self {
        let allowed: HashSet<VideoId> = videos
            .into_iter()
            .flat_map(|video| [video.id, video.job_id])
            .collect();
        let allowed = Arc::new(allowed);
        Self::new(client, move |_, video| {
            let answer = if allowed.contains(video) {
                Ok(())
            } else {
                Err(Refusal::not_found())
            };
            std::future::ready(answer)
        })
    }

    /// Sets the sharing policy (default [`SharePolicy::Shared`]).
    #[must_use]
    pub fn policy(mut self, policy: SharePolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Sets the per-client rate limit (default [`ClientLimit::default`]).
    #[must_use]
    pub fn client_limit(self, limit: ClientLimit) -> Self {
        Self { limit, ..self }.afresh()
    }

    /// Names the client a request comes from, for the rate limit (default
    /// [`ClientKey::peer`], the connection's IP address). `None` means the endpoint cannot tell
    /// and answers 500 rather than lump every client together.
    #[must_use]
    pub fn client_key(
        self,
        key: impl Fn(&Parts) -> Option<ClientKey> + Send + Sync + 'static,
    ) -> Self {
        Self {
            key: Arc::new(key),
            ..self
        }
        .afresh()
    }

    /// How many ids the endpoint remembers at most (default 1024), least recently used first
    /// out.
    #[must_use]
    pub fn video_cache(self, capacity: NonZeroUsize) -> Self {
        Self {
            cache_capacity: capacity,
            ..self
        }
        .afresh()
    }

    /// How long a refusal (an unknown id, a video not ready, a refused key) is answered from
    /// memory (default 60 s).
    #[must_use]
    pub fn remember_refusals_for(self, ttl: Duration) -> Self {
        Self {
            refusal_ttl: ttl,
            ..self
        }
        .afresh()
    }

    /// How many ids the endpoint remembers now (never more than [`video_cache`](Self::video_cache)).
    #[must_use]
    pub fn cached_ids(&self) -> usize {
        self.state.videos.len()
    }

    /// How many clients' allowances the rate limit tracks now (never more than 4096).
    #[must_use]
    pub fn tracked_clients(&self) -> usize {
        self.state.limiter.tracked()
    }

    /// The routes: `GET /{videoId}`.
    pub fn router(self) -> Router {
        Router::new()
            .route("/{video_id}", get(handler::token))
            .with_state(self)
    }

    fn afresh(mut self) -> Self {
        self.state = Arc::new(EndpointState::new(
            self.limit,
            self.key.clone(),
            self.cache_capacity,
            self.refusal_ttl,
        ));
        self
    }
}

impl EndpointState {
    fn new(limit: ClientLimit, key: KeyFn, capacity: NonZeroUsize, refusal_ttl: Duration) -> Self {
        Self {
            videos: Videos::new(capacity, refusal_ttl),
            gate: KeyGate::new(refusal_ttl),
            limiter: ClientLimiter::new(limit, key),
        }
    }
}
