//! Playback sessions: a valid token whenever the player needs one, for as long as it plays.
//!
//! Every session of a [`Client`] shares one sdk-core [`TokenManager`](sdk_core::TokenManager),
//! driven by one background task: tokens are minted lazily (only when a caller needs one and the
//! current one is within its refresh margin), one mint at a time per video however many callers
//! ask, retried with backoff, and paused until the reset when the daily quota is used up.

mod driver;
mod events;
mod provider;

use std::fmt;
use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sdk_core::clock::Instant;
use sdk_core::{
    AesKey, Error, Generation, IssuedToken, PlaybackToken, Refusal, Rejection, TokenConfig, Video,
    VideoId,
};
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::Client;
use driver::Command;
pub use events::{EVENT_BUFFER, PlaybackEvent, PlaybackEvents};
pub(crate) use provider::ApiMint;
use provider::SharedProvider;
pub use provider::{FnTokenProvider, TokenProvider};

/// The token machinery shared by every session of one client (or one token provider).
pub(crate) struct Tokens {
    /// The origin of the manager's monotonic clock.
    origin: tokio::time::Instant,
    config: TokenConfig,
    provider: SharedProvider,
    commands: OnceLock<mpsc::UnboundedSender<Command>>,
    events: broadcast::Sender<PlaybackEvent>,
}

impl Tokens {
    pub(crate) fn new(config: TokenConfig, provider: SharedProvider) -> Self {
        Self {
            origin: tokio::time::Instant::now(),
            config,
            provider,
            commands: OnceLock::new(),
            events: broadcast::channel(EVENT_BUFFER).0,
        }
    }

    fn commands(&self) -> Result<&mpsc::UnboundedSender<Command>, Error> {
        if let Some(tx) = self.commands.get() {
            return Ok(tx);
        }
        let tx = driver::spawn(
            self.origin,
            self.config.clone(),
            self.provider.clone(),
            self.events.clone(),
        )?;
        Ok(self.commands.get_or_init(|| tx))
    }
}

impl Tokens {
    /// A mint made outside the sessions succeeded: a quota pause the sessions are in ends now
    /// rather than at the reset time. Without a running driver there is no pause to end.
    pub(crate) fn minted_elsewhere(&self) {
        if let Some(tx) = self.commands.get() {
            let _ = tx.send(Command::MintedElsewhere);
        }
    }
}

fn driver_gone() -> Error {
    Error::Transport(sdk_core::TransportError::new(
        sdk_core::TransportErrorKind::Cancelled,
        "the playback driver stopped",
    ))
}

/// A handle on one video's playback tokens. Cheap to clone; clones share everything.
///
/// ```no_run
/// # async fn run(client: sdk_native::Client) -> Result<(), sdk_native::Error> {
/// let video = client.get_video("vid_demo_encrypted").await?;
/// let playback = client.playback(&video);
/// let master = playback.master_playlist().await?;    // fresh token, healed once on expiry
/// let key = playback.key().await?;                   // the AES-128 key, through the token route
/// let token = playback.token().await?;               // ≥ the refresh margin left, always
/// # let _ = (master, key, token);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PlaybackSession {
    pub(crate) client: Client,
    tokens: Arc<Tokens>,
    video: VideoId,
    job_id: VideoId,
}

impl fmt::Debug for PlaybackSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlaybackSession")
            .field("video", &self.video)
            .field("job_id", &self.job_id)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A playback session for `video`, minting through the API with this client's key.
    #[must_use]
    pub fn playback(&self, video: &Video) -> PlaybackSession {
        self.playback_ids(video.id.clone(), video.job_id.clone())
    }

    /// A playback session from ids: `video` is what tokens are minted for (public id or job id),
    /// `job_id` what the playback routes are keyed by.
    #[must_use]
    pub fn playback_ids(&self, video: VideoId, job_id: VideoId) -> PlaybackSession {
        PlaybackSession {
            client: self.clone(),
            tokens: self.inner.tokens.clone(),
            video,
            job_id,
        }
    }

    /// The events of every playback session of this client, from now on, as a
    /// [`Stream`](futures_core::Stream) (read it with `futures_util::StreamExt::next`). They are
    /// sdk-core's [`PlaybackEvent`]s, the same the browser package turns into its JS events:
    /// tokens refreshed, the quota running low, mints failed, refusals given up on.
    ///
    /// Each call subscribes anew. Events wait in a buffer of [`EVENT_BUFFER`] per subscriber; a
    /// subscriber that falls further behind loses the oldest and reads one
    /// [`PlaybackEvent::Lagged`] in their place, then carries on with the newest — a slow reader
    /// never slows playback down.
    ///
    /// ```no_run
    /// use futures_util::StreamExt;
    /// use sdk_native::PlaybackEvent;
    ///
    /// # async fn run(client: sdk_native::Client) {
    /// let mut events = client.playback_events();
    /// while let Some(event) = events.next().await {
    ///     match event {
    ///         PlaybackEvent::QuotaLow { rate_limit, .. } => {
    ///             eprintln!("{} mints left today", rate_limit.remaining)
    ///         }
    ///         PlaybackEvent::Lagged { missed } => eprintln!("{missed} events missed"),
    ///         _ => {}
    ///     }
    /// }
    /// # }
    /// ```
    #[must_use]
    pub fn playback_events(&self) -> PlaybackEvents {
        PlaybackEvents::new(self.inner.tokens.events.subscribe())
    }
}

impl PlaybackSession {
    /// Sessions that get their tokens from `provider` (e.g. the application's own backend)
    /// instead of an API key. `job_id` is the video's job id, which tokens are minted for.
    pub fn with_provider(
        client: &Client,
        provider: impl TokenProvider,
        config: TokenConfig,
        job_id: VideoId,
    ) -> Self {
        Self {
            client: client.clone(),
            tokens: Arc::new(Tokens::new(config, Arc::new(provider))),
            video: job_id.clone(),
            job_id,
        }
    }

    /// The video id tokens are minted for.
    #[must_use]
    pub fn video_id(&self) -> &VideoId {
        &self.video
    }

    /// The job id the playback routes are keyed by.
    #[must_use]
    pub fn job_id(&self) -> &VideoId {
        &self.job_id
    }

    /// A token with at least the refresh margin left, minting one if needed. Concurrent callers
    /// share one mint. While the daily quota is used up this fails at once with
    /// [`Error::QuotaExhausted`], which carries the reset time.
    pub async fn token(&self) -> Result<IssuedToken, Error> {
        let (reply, answer) = oneshot::channel();
        self.tokens
            .commands()?
            .send(Command::Token {
                video: self.video.clone(),
                reply,
            })
            .map_err(|_| driver_gone())?;
        answer.await.map_err(|_| driver_gone())?
    }

    /// How long `token` stays valid from now (zero once expired).
    #[must_use]
    pub fn time_left(&self, token: &IssuedToken) -> Duration {
        token.time_left(Instant::from_duration(self.tokens.origin.elapsed()))
    }

    /// Tells the manager that a request with `generation`'s token was refused: returns whether
    /// to retry with the current token ([`Rejection::Remint`] / [`Rejection::Stale`]), give up
    /// ([`Rejection::GaveUp`]) or surface the answer as it came ([`Rejection::Unrelated`]).
    /// sdk-core decides; see [`TokenManager::handle_rejection`](sdk_core::TokenManager::handle_rejection).
    pub async fn report_rejection(
        &self,
        generation: Generation,
        refusal: Refusal,
    ) -> Result<Rejection, Error> {
        let (reply, answer) = oneshot::channel();
        self.tokens
            .commands()?
            .send(Command::Rejected {
                video: self.video.clone(),
                generation,
                refusal,
                reply,
            })
            .map_err(|_| driver_gone())?;
        answer.await.map_err(|_| driver_gone())
    }

    /// Keeps this video's token refreshed ahead of time while `active` (when the session's
    /// config has keep-warm on): the token is refreshed as it leaves its fresh window, so
    /// `token()` rarely waits during playback. Without keep-warm this is a documented no-op
    /// (tokens are minted lazily whatever the playback state), logged at debug level.
    pub fn set_active(&self, active: bool) -> Result<(), Error> {
        self.tokens
            .commands()?
            .send(Command::SetActive {
                video: self.video.clone(),
                active,
            })
            .map_err(|_| driver_gone())
    }

    /// Runs `call` with a fresh token; when the answer refuses the token, asks the token
    /// manager what to do and obeys: run `call` again with the current token, or fail. The
    /// manager heals an expired or invalid token once; a fresh token refused again at once, or
    /// a token bound to another video, is [`Error::AuthGaveUp`].
    pub async fn with_token<T, F, Fut>(&self, call: F) -> Result<T, Error>
    where
        F: Fn(PlaybackToken) -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        loop {
            let issued = self.token().await?;
            let err = match call(issued.token.clone()).await {
                Ok(value) => return Ok(value),
                Err(err) => err,
            };
            // No answer at all (transport, timeout): nothing about the token to report.
            let Some(refusal) = Refusal::from_error(&err) else {
                return Err(err);
            };
            match self.report_rejection(issued.generation, refusal).await? {
                Rejection::Remint | Rejection::Stale => {}
                Rejection::GaveUp(error) => return Err(error),
                _ => return Err(err),
            }
        }
    }

    /// The multivariant playlist, fetched with a fresh token.
    pub async fn master_playlist(&self) -> Result<String, Error> {
        self.with_token(
            |token| async move { self.client.master_playlist(&token, &self.job_id).await },
        )
        .await
    }

    /// One rendition's media playlist, fetched with a fresh token.
    pub async fn media_playlist(&self, rendition: &str) -> Result<String, Error> {
        self.with_token(|token| async move {
            self.client
                .media_playlist(&token, &self.job_id, rendition)
                .await
        })
        .await
    }

    /// The video's AES-128 key, fetched through the token route with a fresh token.
    pub async fn key(&self) -> Result<AesKey, Error> {
        self.with_token(|token| async move { self.client.fetch_key(&token, &self.job_id).await })
            .await
    }
}
