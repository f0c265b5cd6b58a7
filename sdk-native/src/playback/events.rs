//! The stream that delivers the events an application sees about its playback tokens.
//!
//! The events themselves are sdk-core's [`PlaybackEvent`], the one app-facing type every front
//! end shares; this file only delivers them. [`PlaybackEvent::Lagged`] is this delivery's own:
//! a subscriber that fell behind reads it in place of the events it lost.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
pub use sdk_core::PlaybackEvent;
use tokio::sync::broadcast;

/// How many events wait for each subscriber of [`Client::playback_events`](crate::Client::playback_events)
/// before the oldest are dropped: a few minutes of a busy player's events.
pub const EVENT_BUFFER: usize = 64;

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
    use sdk_core::{RateLimit, VideoId};

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
