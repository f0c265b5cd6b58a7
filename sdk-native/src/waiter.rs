//! Waiting for a video to finish processing: [`Client::wait_until_ready`] polls
//! `GET /v1/video/{videoId}` with exponential backoff until the video is `COMPLETED`, it
//! `FAILED`, or a deadline passes (as the waiters of aws-sdk-rust do).

use std::time::Duration;

use tokio::time::Instant;

use crate::{Client, Error, Video, VideoStatus};

/// How [`Client::wait_until_ready`] polls: the first pause, the longest pause (pauses double
/// in between), and the overall deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// How long to wait in all, polls included (default 10 minutes).
    pub deadline: Duration,
    /// The pause after the first poll (default 1 s).
    pub initial_delay: Duration,
    /// The longest pause between polls (default 30 s).
    pub max_delay: Duration,
}

impl Default for WaitOptions {
    /// Ten minutes covers the transcoding of a typical upload; a poll every 30 s at most keeps
    /// a long wait to about 20 requests.
    fn default() -> Self {
        Self {
            deadline: Duration::from_secs(600),
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl WaitOptions {
    /// Sets the overall deadline.
    #[must_use]
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Sets the first and the longest pause between polls.
    #[must_use]
    pub fn with_delays(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_delay = initial;
        self.max_delay = max.max(initial);
        self
    }
}

/// Why [`Client::wait_until_ready`] gave up.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError {
    /// The video's processing failed (status `FAILED`).
    Failed {
        /// The video as last read.
        video: Box<Video>,
    },
    /// The video reached a status this SDK does not know, so it cannot tell whether it will
    /// ever complete.
    UnexpectedStatus {
        /// The video as last read.
        video: Box<Video>,
    },
    /// The deadline passed before the video completed.
    DeadlineExceeded {
        /// How long the wait lasted.
        after: Duration,
        /// The status last read, if a poll completed.
        last_status: Option<VideoStatus>,
    },
    /// A poll failed (after the client's own retries), e.g. `VIDEO_NOT_FOUND`.
    Request(Error),
}

// Written by hand: sdk-native does not depend on `thiserror`.
impl std::fmt::Display for WaitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Failed { video } => write!(f, "video {} failed processing", video.id),
            Self::UnexpectedStatus { video } => write!(
                f,
                "video {} has the unexpected status {}",
                video.id, video.status
            ),
            Self::DeadlineExceeded { after, last_status } => write!(
                f,
                "video not ready after {} ms (last status: {})",
                after.as_millis(),
                last_status.as_ref().map_or("none", VideoStatus::as_str)
            ),
            Self::Request(err) => err.fmt(f),
        }
    }
}

impl std::error::Error for WaitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Request(err) => err.source(),
            _ => None,
        }
    }
}

impl From<Error> for WaitError {
    fn from(err: Error) -> Self {
        Self::Request(err)
    }
}

impl Client {
    /// Polls `GET /v1/video/{videoId}` until the video is `COMPLETED` and returns it. Pauses
    /// start at `options.initial_delay` and double up to `options.max_delay`; the whole wait,
    /// requests included, ends at `options.deadline`. A `FAILED` video, an unknown status and
    /// a failed poll (transient errors are retried by the client first) end the wait early.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use sdk_native::{Client, WaitOptions};
    ///
    /// let client = Client::new(&std::env::var("ANSDEV_API_KEY")?)?;
    /// let options = WaitOptions::default().with_deadline(Duration::from_secs(120));
    /// let video = client.wait_until_ready("vid_demo_encrypted", options).await?;
    /// assert!(video.is_playable());
    /// # Ok(()) }
    /// ```
    pub async fn wait_until_ready(
        &self,
        video_id: &str,
        options: WaitOptions,
    ) -> Result<Video, WaitError> {
        let started = Instant::now();
        let deadline = started + options.deadline;
        let mut delay = options.initial_delay;
        let mut last_status = None;
        let expired = |last_status| WaitError::DeadlineExceeded {
            after: started.elapsed(),
            last_status,
        };
        loop {
            let Ok(polled) = tokio::time::timeout_at(deadline, self.get_video(video_id)).await
            else {
                return Err(expired(last_status));
            };
            let video = polled?;
            // Which statuses end the wait is the core's rule; here they only become results.
            if video.status.is_terminal() {
                return match video.status {
                    VideoStatus::Completed => Ok(video),
                    VideoStatus::Failed => Err(WaitError::Failed {
                        video: Box::new(video),
                    }),
                    _ => Err(WaitError::UnexpectedStatus {
                        video: Box::new(video),
                    }),
                };
            }
            last_status = Some(video.status);
            if Instant::now() + delay >= deadline {
                // The next poll would come after the deadline: waiting for it is pointless.
                tokio::time::sleep_until(deadline).await;
                return Err(expired(last_status));
            }
            tokio::time::sleep(delay).await;
            delay = delay.saturating_mul(2).min(options.max_delay);
        }
    }
}
