//! Retry decisions as a pure function: which outcomes retry, and after how long; and the
//! [`RetryDriver`] that applies them to one call (attempts, quota wait, deadline), which every
//! front end's send loop runs.
//!
//! The jitter is injected (a number in `[0, 1)` from the front end's random source), so a test
//! can replay any decision exactly.

mod driver;

use std::time::Duration;

pub use driver::{RetryDriver, RetryStep};

use crate::endpoint::Route;
use crate::error::{Error, TransportErrorKind};

/// What to do after an attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryDecision {
    /// Send the request again after this delay.
    RetryAfter(Duration),
    /// Stop and report the error.
    GiveUp,
}

/// Bounded, jittered exponential backoff.
///
/// ```
/// use std::time::Duration;
/// use sdk_core::{Error, endpoint::Route, retry::{RetryDecision, RetryPolicy}};
///
/// let policy = RetryPolicy::default();
/// let timeout = Error::Timeout { after: Duration::from_secs(10) };
/// // First retry: base delay (250 ms) scaled into [50 %, 100 %] by the injected jitter.
/// assert_eq!(policy.decide(Route::GetVideo, 1, &timeout, 0.0),
///            RetryDecision::RetryAfter(Duration::from_millis(125)));
/// // Attempts are bounded.
/// assert_eq!(policy.decide(Route::GetVideo, 4, &timeout, 0.5), RetryDecision::GiveUp);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Total attempts, the first included (1 = never retry). Default **4**.
    pub max_attempts: u32,
    /// Delay before the first retry (before jitter); it doubles with each further retry.
    /// Default **250 ms**.
    pub base_delay: Duration,
    /// Upper bound of any backoff delay. Default **8 s**.
    pub max_delay: Duration,
    /// Longest wait for a quota reset worth sleeping through; a later reset gives up at once
    /// with the typed quota error (a daily quota usually resets hours away). Default **30 s**.
    pub max_quota_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            max_quota_wait: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    #[must_use]
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the total number of attempts (at least 1).
    #[must_use]
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the base and maximum backoff delays.
    #[must_use]
    pub fn with_delays(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max.max(base);
        self
    }

    /// Sets the longest quota-reset wait worth sleeping through.
    #[must_use]
    pub fn with_max_quota_wait(mut self, wait: Duration) -> Self {
        self.max_quota_wait = wait;
        self
    }

    /// Decides after failed attempt number `attempt` (1-based) of a request to `route`.
    ///
    /// Retries transport errors, timeouts, 5xx and undecodable answers; never other 4xx. A
    /// quota-exhausted mint is retried only after its reset, and only when the reset is within
    /// [`max_quota_wait`](Self::max_quota_wait). A non-idempotent route (key creation) is retried
    /// only when the connection was never made. `jitter` is in `[0, 1)`.
    #[must_use]
    pub fn decide(&self, route: Route, attempt: u32, error: &Error, jitter: f64) -> RetryDecision {
        if attempt >= self.max_attempts {
            return RetryDecision::GiveUp;
        }
        if let Error::QuotaExhausted(quota) = error {
            return match quota.capped_wait() {
                // One extra second: the reset is a whole Unix second and clocks drift a little.
                Some(wait) if wait <= self.max_quota_wait => {
                    RetryDecision::RetryAfter(wait + Duration::from_secs(1))
                }
                _ => RetryDecision::GiveUp,
            };
        }
        let may_retry = if route.is_idempotent() {
            error.is_retryable()
        } else {
            matches!(error, Error::Transport(t) if t.kind == TransportErrorKind::Connect)
        };
        if !may_retry {
            return RetryDecision::GiveUp;
        }
        RetryDecision::RetryAfter(self.backoff(attempt, jitter))
    }

    /// The jittered delay after failed attempt `attempt`: `base · 2^(attempt-1)`, capped at
    /// `max_delay`, scaled into `[50 %, 100 %]` ("equal jitter": spreads clients out without ever
    /// retrying immediately).
    #[must_use]
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(20);
        let full = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        full.mul_f64(0.5 + 0.5 * jitter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ErrorCode;
    use crate::error::{ApiError, QuotaExhausted, TransportError};
    use crate::rate_limit::RateLimit;
    use http::StatusCode;

    fn api(code: ErrorCode, status: u16) -> Error {
        Error::Api(ApiError::new(
            code,
            "x",
            StatusCode::from_u16(status).unwrap(),
        ))
    }

    fn quota(wait: Option<u64>) -> Error {
        Error::QuotaExhausted(QuotaExhausted::new(
            "Daily limit of 1000 playback tokens exceeded.",
            Some(RateLimit::new(1000, 0, 1_795_564_800)),
            wait.map(Duration::from_secs),
        ))
    }

    #[test]
    fn server_errors_retry_with_growing_capped_delays() {
        let p = RetryPolicy::default().with_max_attempts(10);
        let e = api(ErrorCode::InternalError, 500);
        let delays: Vec<_> = (1..6)
            .map(|n| match p.decide(Route::Mint, n, &e, 0.999_999) {
                RetryDecision::RetryAfter(d) => d.as_millis(),
                RetryDecision::GiveUp => 0,
            })
            .collect();
        assert_eq!(delays, vec![249, 499, 999, 1999, 3999]);
        assert_eq!(p.backoff(9, 1.0), Duration::from_secs(8));
    }

    #[test]
    fn client_errors_never_retry() {
        let p = RetryPolicy::default();
        for (code, status) in [
            (ErrorCode::InvalidApiKey, 401),
            (ErrorCode::VideoNotFound, 404),
            (ErrorCode::PlaybackTokenExpired, 401),
            (ErrorCode::KeyDecryptFailed, 500),
            (ErrorCode::ValidationError, 422),
        ] {
            assert_eq!(
                p.decide(Route::GetVideo, 1, &api(code, status), 0.5),
                RetryDecision::GiveUp
            );
        }
    }

    #[test]
    fn redirect_to_another_host_is_never_retried() {
        let p = RetryPolicy::default();
        for kind in [
            TransportErrorKind::RedirectRefused,
            TransportErrorKind::BodyTooLarge,
        ] {
            let e = Error::Transport(TransportError::new(kind, "x"));
            assert_eq!(p.decide(Route::GetVideo, 1, &e, 0.5), RetryDecision::GiveUp);
            assert_eq!(p.decide(Route::Mint, 1, &e, 0.5), RetryDecision::GiveUp);
        }
    }

    #[test]
    fn a_quota_mint_waits_for_its_reset_only_when_it_is_near() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.decide(Route::Mint, 1, &quota(Some(20)), 0.5),
            RetryDecision::RetryAfter(Duration::from_secs(21))
        );
        assert_eq!(
            p.decide(Route::Mint, 1, &quota(Some(3600)), 0.5),
            RetryDecision::GiveUp
        );
        assert_eq!(
            p.decide(Route::Mint, 1, &quota(None), 0.5),
            RetryDecision::GiveUp
        );
    }

    #[test]
    fn key_creation_retries_only_when_nothing_was_sent() {
        let p = RetryPolicy::default();
        let reset = Error::Transport(TransportError::new(
            TransportErrorKind::ConnectionReset,
            "reset",
        ));
        let refused = Error::Transport(TransportError::new(TransportErrorKind::Connect, "refused"));
        assert_eq!(
            p.decide(Route::CreateApiKey, 1, &reset, 0.5),
            RetryDecision::GiveUp
        );
        assert!(matches!(
            p.decide(Route::CreateApiKey, 1, &refused, 0.5),
            RetryDecision::RetryAfter(_)
        ));
        assert!(matches!(
            p.decide(Route::GetVideo, 1, &reset, 0.5),
            RetryDecision::RetryAfter(_)
        ));
    }

    #[test]
    fn nonsense_jitter_is_clamped() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1, f64::NAN), Duration::from_millis(125));
        assert_eq!(p.backoff(1, 7.0), Duration::from_millis(250));
    }

    #[test]
    fn s4_a_retry_never_sleeps_past_the_reset_cap() {
        // Even a policy that sleeps through any quota wait sleeps at most a day (and a second).
        let p = RetryPolicy::default().with_max_quota_wait(Duration::MAX);
        let mut refusal = QuotaExhausted::new("Daily limit", None, None);
        refusal.retry_after = Some(Duration::from_secs(10 * 365 * 86_400));
        assert_eq!(
            p.decide(Route::Mint, 1, &Error::QuotaExhausted(refusal), 0.5),
            RetryDecision::RetryAfter(crate::rate_limit::MAX_RESET_WAIT + Duration::from_secs(1))
        );
    }
}
