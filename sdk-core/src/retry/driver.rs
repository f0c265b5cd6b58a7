//! The retry driver: one call's attempts, backoff, quota wait and deadline.

use std::time::Duration;

use super::{RetryDecision, RetryPolicy};
use crate::clock::Instant;
use crate::endpoint::Route;
use crate::error::Error;

/// What a front end does after a failed attempt. Closed on purpose (no `#[non_exhaustive]`):
/// a loop matches both arms and nothing else.
#[derive(Debug)]
#[must_use]
pub enum RetryStep {
    /// Sleep until this instant (on the clock `now` came from), then send the next attempt.
    RetryAt(Instant),
    /// Stop: the call fails with this error.
    Fail(Error),
}

/// One call's retries as a state machine: attempt counting, jittered backoff, the quota wait and
/// an overall deadline, decided here and driven by each front end's small loop.
///
/// The front end owns the I/O: it asks for the next attempt's [`budget`](RetryDriver::budget),
/// sends under it, and on failure hands the error back with `now`, its wall clock and a jitter
/// draw. The answer is when to try again, or the error to report.
///
/// ```
/// use std::time::Duration;
/// use sdk_core::clock::Instant;
/// use sdk_core::endpoint::Route;
/// use sdk_core::retry::{RetryDriver, RetryPolicy, RetryStep};
/// use sdk_core::{Error, TransportError, TransportErrorKind};
///
/// let start = Instant::ZERO;
/// let mut driver = RetryDriver::new(Route::GetVideo, RetryPolicy::default())
///     .with_timeout(Duration::from_secs(10));
/// assert_eq!(driver.budget(start), Duration::from_secs(10));
/// let reset = Error::Transport(TransportError::new(TransportErrorKind::ConnectionReset, "reset"));
/// // The front end sleeps until the instant the driver names, then sends attempt 2.
/// let RetryStep::RetryAt(at) = driver.handle_failure(reset, start, None, 0.0) else { panic!() };
/// assert_eq!(at, start + Duration::from_millis(125));
/// assert_eq!(driver.attempt(), 2);
/// ```
#[derive(Debug, Clone)]
pub struct RetryDriver {
    route: Route,
    policy: RetryPolicy,
    timeout: Option<Duration>,
    deadline: Option<Instant>,
    attempt: u32,
}

impl RetryDriver {
    /// A call to `route` under `policy`, at attempt 1. Without
    /// [`with_timeout`](Self::with_timeout) an attempt is unbounded; without
    /// [`with_deadline`](Self::with_deadline) the policy's attempt count alone bounds the call.
    pub fn new(route: Route, policy: RetryPolicy) -> Self {
        Self {
            route,
            policy,
            timeout: None,
            deadline: None,
            attempt: 1,
        }
    }

    /// Bounds each attempt by `timeout`.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Bounds the whole call, all attempts and waits, by `deadline` from `now`: an attempt gets
    /// at most what is left, and a retry that could not start before it is not made (the call
    /// fails with the last attempt's error, which says more than a timeout would).
    pub fn with_deadline(mut self, deadline: Duration, now: Instant) -> Self {
        self.deadline = Some(now + deadline);
        self
    }

    /// The number of the attempt about to be sent (1-based).
    #[must_use]
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// How long the attempt starting at `now` may take: the per-attempt timeout or what is left
    /// of the deadline, whichever is shorter; [`Duration::MAX`] when neither is set. An attempt
    /// that runs out fails with [`Error::Timeout`] after this long.
    #[must_use]
    pub fn budget(&self, now: Instant) -> Duration {
        let left = self
            .deadline
            .map(|deadline| deadline.saturating_duration_since(now));
        match (self.timeout, left) {
            (Some(timeout), Some(left)) => timeout.min(left),
            (Some(bound), None) | (None, Some(bound)) => bound,
            (None, None) => Duration::MAX,
        }
    }

    /// Feeds back the failure of the current attempt at `now`. `now_unix` is the front end's
    /// wall clock in Unix seconds: it dates a quota reset when the refusal had no `Date`
    /// header (capped, like every wait from a server header, at a day). `jitter` is in `[0, 1)`.
    pub fn handle_failure(
        &mut self,
        error: Error,
        now: Instant,
        now_unix: Option<u64>,
        jitter: f64,
    ) -> RetryStep {
        let error = date_quota_wait(error, now_unix);
        match self.policy.decide(self.route, self.attempt, &error, jitter) {
            RetryDecision::RetryAfter(delay) => {
                let at = now + delay;
                if self.deadline.is_some_and(|deadline| at >= deadline) {
                    return RetryStep::Fail(error);
                }
                self.attempt += 1;
                RetryStep::RetryAt(at)
            }
            RetryDecision::GiveUp => RetryStep::Fail(error),
        }
    }
}

/// A quota refusal without a `Date` header gets its wait from the caller's wall clock.
fn date_quota_wait(error: Error, now_unix: Option<u64>) -> Error {
    match error {
        Error::QuotaExhausted(quota) if quota.retry_after.is_none() => {
            let wait = quota
                .rate_limit
                .and_then(|limit| limit.time_until_reset(now_unix));
            Error::QuotaExhausted(quota.with_retry_after(wait))
        }
        other => other,
    }
}
