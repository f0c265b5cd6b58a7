//! The driver of sdk-core's [`TokenManager`] on the browser's event loop.
//!
//! There is no long-lived task: every input — a `token()` call, a mint's answer, a refusal, a
//! timer — is fed to the manager, then [`Tokens::pump`] drains its outputs: mints to start
//! (each a `spawn_local` future), events (waiting callers resolved, application listeners
//! called) and the next deadline (one timer). Listeners are called with no borrow held, so they
//! may call back into the SDK.

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::Duration;

use futures_channel::oneshot;
use sdk_core::clock::Instant;
#[cfg(feature = "client")]
use sdk_core::endpoint::{Endpoint, MintPlaybackToken};
#[cfg(feature = "client")]
use sdk_core::{ApiKey, BaseUrl};
use sdk_core::{
    BuildError, Error, Generation, IssuedToken, MintRequest, MintedToken, PlaybackEvent,
    PlaybackToken, Refusal, Rejection, TokenConfig, TokenEvent, TokenLookup, TokenManager,
    TransportError, TransportErrorKind, VideoId,
};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use crate::events::Listeners;
use crate::js_error::{from_provider_failure, get, with_cause};
use crate::platform;
#[cfg(feature = "client")]
use crate::transport;

/// The API key of a client, shared with its token source. Emptied (and the key zeroized) when
/// the client is freed.
#[cfg(feature = "client")]
pub(crate) type KeyCell = RefCell<Option<ApiKey>>;

/// Where tokens come from.
pub(crate) enum MintSource {
    /// The application's async `tokenProvider(videoId)`, resolving to `{ token, expiresIn }`.
    Provider(js_sys::Function),
    /// The API's mint route, with an API key held in wasm memory; answers larger than
    /// `max_body` bytes are refused.
    #[cfg(feature = "client")]
    Api {
        base: BaseUrl,
        key: Rc<KeyCell>,
        max_body: usize,
    },
}

impl std::fmt::Debug for MintSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MintSource::Provider(_) => f.write_str("Provider"),
            #[cfg(feature = "client")]
            MintSource::Api { base, .. } => f
                .debug_struct("Api")
                .field("base", base)
                .finish_non_exhaustive(),
        }
    }
}

type Waiter = oneshot::Sender<Result<IssuedToken, Error>>;

#[derive(Debug)]
struct State {
    manager: TokenManager,
    /// Callers awaiting a token, with their video. A list, not a map: a player has one video,
    /// and a map would add a second B-tree to the wasm beside the manager's.
    waiters: Vec<(VideoId, Waiter)>,
    /// The deadline a timer is armed for, if any.
    timer: Option<Instant>,
}

/// The token machinery of one player (token-provider mode) or of every player of a client.
#[derive(Debug)]
pub(crate) struct Tokens {
    state: RefCell<State>,
    source: MintSource,
    pub(crate) listeners: Listeners,
    /// Mints counted as they are started, for the application's metrics and for tests.
    mints: std::cell::Cell<u32>,
    /// What the token provider threw on the last mint of a video, until its next mint ends:
    /// the `cause` of the SDK errors that mint's failure leads to.
    provider_failure: RefCell<Option<(VideoId, JsValue)>>,
}

impl Tokens {
    pub(crate) fn new(config: TokenConfig, source: MintSource) -> Rc<Self> {
        Rc::new(Self {
            state: RefCell::new(State {
                manager: TokenManager::new(config, platform::random_seed()),
                waiters: Vec::new(),
                timer: None,
            }),
            source,
            listeners: Listeners::default(),
            mints: std::cell::Cell::new(0),
            provider_failure: RefCell::new(None),
        })
    }

    /// How many mints were started.
    pub(crate) fn mints(&self) -> u32 {
        self.mints.get()
    }

    /// A token for `video` with at least the refresh margin left. Concurrent callers share one
    /// mint.
    pub(crate) async fn token(self: Rc<Self>, video: VideoId) -> Result<IssuedToken, Error> {
        let answer = {
            let mut state = self.state.borrow_mut();
            match state.manager.request_token(&video, platform::now()) {
                TokenLookup::Ready(token) => return Ok(token),
                TokenLookup::Failed(error) => return Err(error),
                _ => {
                    let (sender, answer) = oneshot::channel();
                    state.waiters.push((video, sender));
                    answer
                }
            }
        };
        self.pump();
        answer.await.unwrap_or_else(|_| Err(cancelled()))
    }

    /// `error`, a token failure of `video`, as a JS error; the token provider's own failure, if
    /// that is where it came from, is kept as its `cause`.
    pub(crate) fn reject(&self, video: &VideoId, error: &Error) -> JsValue {
        with_cause(error, self.cause_of(video).as_ref()).into()
    }

    fn cause_of(&self, video: &VideoId) -> Option<JsValue> {
        match &*self.provider_failure.borrow() {
            Some((failed, thrown)) if failed == video => Some(thrown.clone()),
            _ => None,
        }
    }

    /// A request with the token of `generation` was refused: the manager's verdict.
    pub(crate) fn report_rejection(
        self: &Rc<Self>,
        video: &VideoId,
        generation: Generation,
        refusal: Refusal,
    ) -> Rejection {
        let verdict = self.state.borrow_mut().manager.handle_rejection(
            video,
            generation,
            refusal,
            platform::now(),
        );
        self.pump();
        verdict
    }

    /// Marks playback of `video` active (keep-warm refreshes apply) or not. Without keep-warm
    /// the manager ignores it (a documented no-op, not logged: a page's console stays quiet).
    pub(crate) fn set_active(self: &Rc<Self>, video: &VideoId, active: bool) {
        let _applies = self
            .state
            .borrow_mut()
            .manager
            .set_active(video, active, platform::now());
        self.pump();
    }

    /// Drains the manager: starts mints, resolves waiters, arms the timer, then tells the
    /// listeners (after every borrow is released).
    fn pump(self: &Rc<Self>) {
        let now = platform::now();
        let mut mints = Vec::new();
        let mut notices = Vec::new();
        let arm = {
            let mut guard = self.state.borrow_mut();
            let state = &mut *guard;
            while let Some(request) = state.manager.poll_transmit(now) {
                mints.push(request);
            }
            while let Some(event) = state.manager.poll_event() {
                dispatch(event, &mut state.waiters);
            }
            notices.extend(std::iter::from_fn(|| state.manager.poll_playback_event()));
            let deadline = state.manager.poll_timeout();
            let arm = deadline.filter(|at| state.timer != Some(*at));
            if arm.is_some() {
                state.timer = arm;
            }
            arm
        };
        if let Some(at) = arm {
            self.arm_timer(at, at.saturating_duration_since(now));
        }
        for request in mints {
            self.mints.set(self.mints.get().saturating_add(1));
            wasm_bindgen_futures::spawn_local(self.clone().mint(request));
        }
        for event in &notices {
            // A failed mint's error keeps what the provider threw as its `cause`.
            let cause = match event {
                PlaybackEvent::RefreshFailed { video, .. } => self.cause_of(video),
                _ => None,
            };
            self.listeners.emit(event, cause.as_ref());
        }
    }

    /// A timer for the deadline `at`. A timer whose deadline was replaced still fires: it only
    /// advances the manager to the present, which is harmless.
    fn arm_timer(self: &Rc<Self>, at: Instant, delay: Duration) {
        let tokens: Weak<Self> = Rc::downgrade(self);
        wasm_bindgen_futures::spawn_local(async move {
            platform::sleep(delay).await;
            let Some(tokens) = tokens.upgrade() else {
                return;
            };
            {
                let mut state = tokens.state.borrow_mut();
                if state.timer == Some(at) {
                    state.timer = None;
                }
                state.manager.handle_timeout(platform::now());
            }
            tokens.pump();
        });
    }

    async fn mint(self: Rc<Self>, request: MintRequest) {
        let result = match &self.source {
            MintSource::Provider(provider) => {
                let result = mint_with_provider(provider, &request.video).await;
                let thrown = result.as_ref().err().and_then(|(_, thrown)| thrown.clone());
                *self.provider_failure.borrow_mut() = thrown.map(|t| (request.video.clone(), t));
                result.map_err(|(error, _)| error)
            }
            #[cfg(feature = "client")]
            MintSource::Api {
                base,
                key,
                max_body,
            } => {
                let limits = transport::Limits {
                    timeout: self.request_timeout(),
                    max_body: *max_body,
                };
                mint_with_api(base, key, &request.video, limits).await
            }
        };
        self.state
            .borrow_mut()
            .manager
            .handle_response(request.id, result, platform::now());
        self.pump();
    }

    #[cfg(feature = "client")]
    fn request_timeout(&self) -> Duration {
        self.state.borrow().manager.config().request_timeout
    }
}

/// Removes and returns the waiters of `video`, oldest first.
fn take_waiters(waiters: &mut Vec<(VideoId, Waiter)>, video: &VideoId) -> Vec<Waiter> {
    let (taken, kept) = std::mem::take(waiters)
        .into_iter()
        .partition::<Vec<_>, _>(|(v, _)| v == video);
    *waiters = kept;
    taken.into_iter().map(|(_, waiter)| waiter).collect()
}

fn dispatch(event: TokenEvent, waiters: &mut Vec<(VideoId, Waiter)>) {
    match event {
        TokenEvent::Ready { video, token } => {
            for waiter in take_waiters(waiters, &video) {
                let _ = waiter.send(Ok(token.clone()));
            }
        }
        TokenEvent::Failed { video, error } => {
            for waiter in take_waiters(waiters, &video) {
                let _ = waiter.send(Err(error.clone()));
            }
        }
        // `Cancel`: a mint past its timeout. An API mint's fetch aborts itself at the same
        // timeout; a provider's promise cannot be aborted, and its late answer is dropped by
        // request id.
        _ => {}
    }
}

/// One mint through the API's route: one attempt, since the token manager owns the retries.
#[cfg(feature = "client")]
async fn mint_with_api(
    base: &BaseUrl,
    key: &KeyCell,
    video: &VideoId,
    limits: transport::Limits,
) -> Result<MintedToken, Error> {
    // A copy for the request's lifetime; it is zeroized when dropped.
    let key = key.borrow().clone().ok_or(BuildError::MissingApiKey)?;
    let endpoint = MintPlaybackToken::new(&key, video.clone());
    let response = transport::send(endpoint.to_request(base)?, limits).await?;
    endpoint.parse_response(&response)
}

/// One call of the token provider. A failure comes with what the provider threw, if it threw.
async fn mint_with_provider(
    provider: &js_sys::Function,
    video: &VideoId,
) -> Result<MintedToken, (Error, Option<JsValue>)> {
    let failed = |thrown: JsValue| (from_provider_failure(&thrown), Some(thrown));
    let returned = provider
        .call1(&JsValue::UNDEFINED, &JsValue::from_str(video.as_str()))
        .map_err(failed)?;
    let answer = JsFuture::from(js_sys::Promise::resolve(&returned))
        .await
        .map_err(failed)?;
    parse_provided(&answer).map_err(|error| (error, None))
}

/// Reads `{ token, expiresIn }` (seconds) from a token provider's answer.
pub(crate) fn parse_provided(answer: &JsValue) -> Result<MintedToken, Error> {
    let token = get(answer, "token")
        .as_string()
        .ok_or_else(|| provider_contract("must resolve to { token: string, expiresIn: number }"))?;
    let token = PlaybackToken::new(token)?;
    let expires_in = get(answer, "expiresIn")
        .as_f64()
        .filter(|s| *s > 0.0)
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| provider_contract("`expiresIn` must be a positive number of seconds"))?;
    Ok(MintedToken::new(token, expires_in))
}

fn provider_contract(reason: &str) -> Error {
    Error::Build(BuildError::InvalidParameter {
        name: "tokenProvider",
        reason: reason.into(),
    })
}

fn cancelled() -> Error {
    TransportError::new(
        TransportErrorKind::Cancelled,
        "the player was freed while a token was awaited",
    )
    .into()
}
