//! The driver: one task that owns the [`TokenManager`] and does its I/O.
//!
//! The loop is the quinn one: take commands, drain `poll_transmit` into mint futures, feed their
//! answers back, sleep until `poll_timeout`, turn the manager's wake-ups into answers for waiting
//! callers, and pass its [`PlaybackEvent`]s on to the application.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::future::{AbortHandle, Abortable};
use futures_util::stream::FuturesUnordered;
use sdk_core::clock::Instant;
use sdk_core::{
    Error, Generation, IssuedToken, Refusal, Rejection, RequestId, TokenConfig, TokenEvent,
    TokenLookup, TokenManager, VideoId,
};
use tokio::sync::{broadcast, mpsc, oneshot};

use super::PlaybackEvent;
use super::provider::SharedProvider;

pub(crate) enum Command {
    Token {
        video: VideoId,
        reply: oneshot::Sender<Result<IssuedToken, Error>>,
    },
    Rejected {
        video: VideoId,
        generation: Generation,
        refusal: Refusal,
        reply: oneshot::Sender<Rejection>,
    },
    SetActive {
        video: VideoId,
        active: bool,
    },
    /// A mint outside the sessions (`Client::mint_playback_token`) succeeded: the quota is back.
    MintedElsewhere,
}

type Waiters = HashMap<VideoId, Vec<oneshot::Sender<Result<IssuedToken, Error>>>>;

/// Starts the driver on the current tokio runtime.
pub(crate) fn spawn(
    origin: tokio::time::Instant,
    config: TokenConfig,
    provider: SharedProvider,
    events: broadcast::Sender<PlaybackEvent>,
) -> Result<mpsc::UnboundedSender<Command>, Error> {
    let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
        Error::Build(sdk_core::BuildError::InvalidParameter {
            name: "runtime",
            reason: "playback sessions need a tokio runtime".into(),
        })
    })?;
    let (tx, rx) = mpsc::unbounded_channel();
    runtime.spawn(run(origin, config, provider, events, rx));
    Ok(tx)
}

async fn run(
    origin: tokio::time::Instant,
    config: TokenConfig,
    provider: SharedProvider,
    events: broadcast::Sender<PlaybackEvent>,
    mut commands: mpsc::UnboundedReceiver<Command>,
) {
    let now = move || Instant::from_duration(origin.elapsed());
    let mut manager = TokenManager::new(config, fastrand::u64(..));
    let mut waiters: Waiters = HashMap::new();
    let mut in_flight = FuturesUnordered::new();
    let mut aborts: HashMap<RequestId, AbortHandle> = HashMap::new();

    loop {
        while let Some(request) = manager.poll_transmit(now()) {
            let (handle, registration) = AbortHandle::new_pair();
            aborts.insert(request.id, handle);
            let provider = provider.clone();
            let id = request.id;
            tracing::debug!(request = %id, video = %request.video, "minting a playback token");
            in_flight.push(async move {
                let result = Abortable::new(provider.mint(&request.video), registration).await;
                (id, result.ok())
            });
        }
        while let Some(event) = manager.poll_event() {
            dispatch(event, &mut waiters, &mut aborts);
        }
        while let Some(event) = manager.poll_playback_event() {
            log(&event);
            // No subscriber is not an error: events are for whoever listens.
            let _ = events.send(event);
        }
        let deadline = manager.poll_timeout();
        tokio::select! {
            command = commands.recv() => {
                let Some(command) = command else { break };
                handle_command(&mut manager, &mut waiters, command, now());
            }
            Some((id, result)) = in_flight.next(), if !in_flight.is_empty() => {
                aborts.remove(&id);
                // `None`: aborted after its timeout; the manager already counted it.
                if let Some(result) = result {
                    manager.handle_response(id, result, now());
                }
            }
            () = sleep_until(origin, deadline), if deadline.is_some() => {
                manager.handle_timeout(now());
            }
        }
    }
    for handle in aborts.values() {
        handle.abort();
    }
}

async fn sleep_until(origin: tokio::time::Instant, deadline: Option<Instant>) {
    let at = deadline.map_or(Duration::ZERO, Instant::since_origin);
    tokio::time::sleep_until(origin + at).await;
}

fn handle_command(
    manager: &mut TokenManager,
    waiters: &mut Waiters,
    command: Command,
    now: Instant,
) {
    match command {
        Command::Token { video, reply } => match manager.request_token(&video, now) {
            TokenLookup::Ready(token) => {
                let _ = reply.send(Ok(token));
            }
            TokenLookup::Failed(error) => {
                let _ = reply.send(Err(error));
            }
            _ => waiters.entry(video).or_default().push(reply),
        },
        Command::Rejected {
            video,
            generation,
            refusal,
            reply,
        } => {
            let _ = reply.send(manager.handle_rejection(&video, generation, refusal, now));
        }
        Command::MintedElsewhere => manager.handle_mint_elsewhere(now),
        Command::SetActive { video, active } => {
            if !manager.set_active(&video, active, now) {
                // Documented no-op; said once per call so an app expecting warm tokens finds why.
                tracing::debug!(%video, active, "set_active ignored: keep-warm is off in TokenConfig");
            }
        }
    }
}

fn dispatch(
    event: TokenEvent,
    waiters: &mut Waiters,
    aborts: &mut HashMap<RequestId, AbortHandle>,
) {
    match event {
        TokenEvent::Ready { video, token } => {
            for waiter in waiters.remove(&video).unwrap_or_default() {
                let _ = waiter.send(Ok(token.clone()));
            }
        }
        TokenEvent::Failed { video, error } => {
            for waiter in waiters.remove(&video).unwrap_or_default() {
                let _ = waiter.send(Err(error.clone()));
            }
        }
        TokenEvent::Cancel { id } => {
            if let Some(handle) = aborts.remove(&id) {
                handle.abort();
            }
        }
        _ => {}
    }
}

/// What the application is told, in the log too (never a token).
fn log(event: &PlaybackEvent) {
    match event {
        PlaybackEvent::TokenRefreshed {
            video, generation, ..
        } => {
            tracing::debug!(%video, generation = generation.get(), "playback token refreshed");
        }
        PlaybackEvent::QuotaLow { video, rate_limit } => {
            tracing::warn!(%video, remaining = rate_limit.remaining, limit = rate_limit.limit, "playback-token quota low");
        }
        PlaybackEvent::RefreshFailed {
            video,
            error,
            attempt,
            ..
        } => {
            tracing::warn!(%video, code = %error.code(), attempt, "playback token refresh failed");
        }
        PlaybackEvent::GaveUp { video, error } => {
            tracing::warn!(%video, code = %error.code(), "playback token refused; gave up");
        }
        _ => {}
    }
}
