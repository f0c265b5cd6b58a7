//! The knobs of the playback-token manager, with defaults that fit the API's 5-minute tokens.

use std::time::Duration;

/// How the [`TokenManager`](super::TokenManager) refreshes, retries and backs off.
///
/// Built from [`TokenConfig::default`] and adjusted with the `with_*` setters:
///
/// ```
/// use std::time::Duration;
/// use sdk_core::token::TokenConfig;
///
/// let config = TokenConfig::default()
///     .with_refresh_margin(Duration::from_secs(20))
///     .with_keep_warm(true);
/// assert_eq!(config.max_attempts, 4);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TokenConfig {
    /// A token is handed out only while at least this much of its lifetime is left (capped at a
    /// third of the token's lifetime, so a short-lived development token is still usable: with a
    /// 10 s dev TTL the effective margin is 3.3 s). Default **30 s**.
    pub refresh_margin: Duration,
    /// A mint that has not answered after this long is abandoned and counted as a timeout.
    /// Default **10 s**.
    pub request_timeout: Duration,
    /// Failed mints in a row (retryable ones) before waiting callers are told it failed.
    /// Default **4**.
    pub max_attempts: u32,
    /// The first retry delay; it doubles with every further failure. Default **500 ms**.
    pub backoff_base: Duration,
    /// The longest retry delay. Default **30 s**.
    pub backoff_max: Duration,
    /// How long minting pauses after a quota refusal whose reset time is unknown. Default
    /// **60 s**.
    pub quota_fallback_wait: Duration,
    /// Emit [`PlaybackEvent::QuotaLow`](super::PlaybackEvent::QuotaLow) when the remaining quota after
    /// a mint is at or below this fraction of the daily limit. Default **0.1** (10 %).
    pub quota_low_fraction: f64,
    /// Refresh the token of an active video (see
    /// [`TokenManager::set_active`](super::TokenManager::set_active)) in the background when it
    /// leaves its fresh window — about one mint per token lifetime less the margin — so callers
    /// rarely wait for a mint; never while the player holds everything it needs
    /// ([`set_held`](super::TokenManager::set_held)). Default **off**: tokens are minted lazily,
    /// when a request needs one, and `set_active` is a no-op.
    pub keep_warm: bool,
}

impl Default for TokenConfig {
    fn default() -> Self {
        Self {
            // Enough for a player to fetch a playlist or key with the token it was just handed.
            refresh_margin: Duration::from_secs(30),
            request_timeout: Duration::from_secs(10),
            // 0.5 + 1 + 2 s of backoff: a short outage is ridden out, a long one surfaces in ~4 s.
            max_attempts: 4,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            quota_low_fraction: 0.1,
            quota_fallback_wait: Duration::from_secs(60),
            keep_warm: false,
        }
    }
}

impl TokenConfig {
    /// Sets [`refresh_margin`](Self::refresh_margin).
    #[must_use]
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// Sets [`request_timeout`](Self::request_timeout).
    #[must_use]
    pub fn with_request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Sets [`max_attempts`](Self::max_attempts); zero is treated as one.
    #[must_use]
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets [`backoff_base`](Self::backoff_base) and [`backoff_max`](Self::backoff_max).
    #[must_use]
    pub fn with_backoff(mut self, base: Duration, max: Duration) -> Self {
        self.backoff_base = base;
        self.backoff_max = max;
        self
    }

    /// Sets [`quota_fallback_wait`](Self::quota_fallback_wait).
    #[must_use]
    pub fn with_quota_fallback_wait(mut self, wait: Duration) -> Self {
        self.quota_fallback_wait = wait;
        self
    }

    /// Sets [`quota_low_fraction`](Self::quota_low_fraction).
    #[must_use]
    pub fn with_quota_low_fraction(mut self, fraction: f64) -> Self {
        self.quota_low_fraction = fraction;
        self
    }

    /// Sets [`keep_warm`](Self::keep_warm).
    #[must_use]
    pub fn with_keep_warm(mut self, keep_warm: bool) -> Self {
        self.keep_warm = keep_warm;
        self
    }

    /// The margin for a token that lives `expires_in`: the configured margin, capped at a third
    /// of the lifetime so that a fresh token always has two thirds of its life to be used.
    #[must_use]
    pub fn effective_margin(&self, expires_in: Duration) -> Duration {
        self.refresh_margin.min(expires_in / 3)
    }
}
