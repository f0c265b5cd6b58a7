//! The events an application sees about its playback tokens, and the stream that delivers them.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use sdk_core::{Error, Generation, RateLimit, VideoId};
use tokio::sync::broadcast;

/// How many events wait for each subscriber of [`Client::playback_events`](crate::Client::playback_events)
/// before the oldest are dropped: a few minutes of a busy player's events.
pub const EVENT_BUFFER: usize = 64;

/// Something the application may want to know about its playback tokens.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum PlaybackEvent {
    /// A new token was minted.
    TokenRefreshed {
        /// The video.
        video: VideoId,
        /// The token's generation.
        generation: Generation,
        /// Its lifetime.
        expires_in: Duration,
        /// The quota state after the mint, when reported.
        rate_limit: Option<RateLimit>,
    },
    /// The daily quota is running low.
    QuotaLow {
        /// The video whose mint reported it.
        video: VideoId,
        /// The quota state.
        rate_limit: RateLimit,
    },
    /// This subscriber fell more than [`EVENT_BUFFER`] events behind: `missed` events were
    /// dropped (the oldest); the stream carries on with the newest.
    Lagged {
        /// How many events were lost.
        missed: u64,
    },
    /// A mint failed; `retry_in` says whether (and when) it is retried by itself.
    RefreshFailed {
        /// The video.
        video: VideoId,
        /// Why.
        error: Error,
        /// Failed attempts in a row.
        attempt: u32,
        /// When the next attempt happens, if any.
        retry_in: Option<Duration>,
    },
}

/// The stream [`Client::playback_events`](crate::Client::playback_events) returns.
pub struct PlaybackEvents {
    inner: Pin<Box<dyn Stream<Item = PlaybackEvent> + Send>>,
}

impl PlaybackEvents {
    pub(super) fn new(receiver: broadcast::Receiver<PlaybackEvent>) -> Self {
        let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
            match receiver.recv().await {
                Ok(event) => Some((event, receiver)),
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    Some((PlaybackEvent::Lagged { missed }, receiver))
                }
                Err(broadcast::error::RecvError::Closed) => None,
            }
        });
        Self {
            inner: Box::pin(stream),
        }
    }
}

impl Stream for PlaybackEvents {
    type Item = PlaybackEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for PlaybackEvents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlaybackEvents").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;

    fn refreshed(n: u64) -> PlaybackEvent {
        PlaybackEvent::QuotaLow {
            video: VideoId::new(format!("vid_{n}")).unwrap(),
            rate_limit: RateLimit::new(1000, n.try_into().unwrap(), 0),
        }
    }

    #[tokio::test]
    async fn a_reader_that_falls_behind_reads_lagged_then_the_newest() {
        let (tx, rx) = broadcast::channel(2);
        let mut events = PlaybackEvents::new(rx);
        for n in 0..5 {
            tx.send(refreshed(n)).unwrap();
        }
        drop(tx);
        let seen: Vec<_> = events.by_ref().collect().await;
        assert!(
            matches!(seen[0], PlaybackEvent::Lagged { missed: 3 }),
            "{seen:?}"
        );
        let remaining: Vec<u32> = seen[1..]
            .iter()
            .map(|e| match e {
                PlaybackEvent::QuotaLow { rate_limit, .. } => rate_limit.remaining,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(remaining, [3, 4], "the newest, in order");
    }
}
