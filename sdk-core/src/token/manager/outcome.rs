//! What a mint's outcome does to the manager: a token taken in, a failure retried or surfaced,
//! a quota refusal pausing every video.

use crate::clock::Instant;
use crate::error::{DecodeError, DecodeErrorKind, Error, QuotaExhausted};
use crate::model::{MintedToken, VideoId};

use super::TokenManager;
use crate::token::slot::{Held, Mint};
use crate::token::types::{Generation, PlaybackEvent, TokenEvent};

/// Minting is paused for every video until `until`: the quota belongs to the API key.
#[derive(Debug, Clone)]
pub(in crate::token) struct QuotaBlock {
    pub(super) until: Instant,
    pub(super) refusal: QuotaExhausted,
}

impl QuotaBlock {
    /// The refusal as a caller should see it at `now`: the wait is what is left of the pause.
    pub(super) fn error_at(&self, now: Instant) -> Error {
        let mut refusal = self.refusal.clone();
        refusal.retry_after = Some(self.until.saturating_duration_since(now));
        Error::QuotaExhausted(refusal)
    }
}

impl TokenManager {
    /// Makes `minted` the video's current token and resolves waiting callers.
    pub(super) fn take_in(&mut self, video: &VideoId, minted: MintedToken, now: Instant) {
        self.slots.get_or_default(video);
        if minted.expires_in.is_zero() {
            // A token that is stale on arrival would leave callers waiting forever.
            let kind = DecodeErrorKind::Field {
                field: "data.expiresIn".into(),
                reason: "must be positive".into(),
            };
            let error = Error::Decode(DecodeError::new(None, kind));
            return self.record_failure(video, error, now);
        }
        self.last_generation += 1;
        let generation = Generation(self.last_generation);
        let margin = self.config.effective_margin(minted.expires_in);
        let low_fraction = self.config.quota_low_fraction;
        let Some(slot) = self.slots.get_mut(video) else {
            return;
        };
        let after_rejection = std::mem::take(&mut slot.remint_after_rejection);
        let expires_in = minted.expires_in;
        let rate_limit = minted.rate_limit;
        let held = Held::new(minted, generation, now, margin, after_rejection);
        let issued = held.issued();
        slot.current = Some(held);
        slot.attempt = 0;
        slot.warm_suspended = false;
        slot.last_verdict = None;
        if std::mem::take(&mut slot.waiting) {
            self.events.push_back(TokenEvent::Ready {
                video: video.clone(),
                token: issued,
            });
        }
        self.notices.push_back(PlaybackEvent::TokenRefreshed {
            video: video.clone(),
            generation,
            expires_in,
            rate_limit,
        });
        if let Some(rate_limit) = rate_limit.filter(|rl| rl.is_low(low_fraction)) {
            self.notices.push_back(PlaybackEvent::QuotaLow {
                video: video.clone(),
                rate_limit,
            });
        }
    }

    /// Records a failed mint: retries after a backoff while attempts remain and someone still
    /// wants the token, otherwise fails waiting callers.
    pub(super) fn record_failure(&mut self, video: &VideoId, error: Error, now: Instant) {
        if let Error::QuotaExhausted(refusal) = &error {
            return self.pause_minting(video, refusal, now);
        }
        let keep_warm = self.config.keep_warm;
        let max_attempts = self.config.max_attempts.max(1);
        let (base, max) = (self.config.backoff_base, self.config.backoff_max);
        let Some(slot) = self.slots.get_mut(video) else {
            return;
        };
        slot.attempt = slot.attempt.saturating_add(1);
        let attempt = slot.attempt;
        if error.is_retryable() && attempt < max_attempts && slot.wants_mint(keep_warm) {
            let delay = self.jitter.delay(attempt, base, max);
            slot.mint = Mint::Backoff { until: now + delay };
            self.notices.push_back(PlaybackEvent::RefreshFailed {
                video: video.clone(),
                error,
                attempt,
                retry_in: Some(delay),
            });
            return;
        }
        // Final: the next request starts afresh, and keep-warm stops re-minting a broken video.
        slot.mint = Mint::Idle;
        slot.attempt = 0;
        slot.warm_suspended = true;
        let waiting = std::mem::take(&mut slot.waiting);
        self.notices.push_back(PlaybackEvent::RefreshFailed {
            video: video.clone(),
            error: error.clone(),
            attempt,
            retry_in: None,
        });
        if waiting {
            self.events.push_back(TokenEvent::Failed {
                video: video.clone(),
                error,
            });
        }
    }

    /// The quota is used up: pause minting for every video until the reset and fail every
    /// waiting caller at once rather than let them wait for hours.
    fn pause_minting(&mut self, video: &VideoId, refusal: &QuotaExhausted, now: Instant) {
        // Capped again here: a provider may have set the wait by hand to anything.
        let refusal = refusal.clone().with_retry_after(refusal.retry_after);
        let wait = refusal
            .capped_wait()
            .unwrap_or(self.config.quota_fallback_wait);
        let mut until = now + wait;
        if let Some(block) = &self.quota_block {
            until = until.max(block.until);
        }
        let block = QuotaBlock { until, refusal };
        let error = block.error_at(now);
        self.quota_block = Some(block);
        if let Some(slot) = self.slots.get_mut(video) {
            self.notices.push_back(PlaybackEvent::RefreshFailed {
                video: video.clone(),
                error: error.clone(),
                attempt: slot.attempt.saturating_add(1),
                retry_in: None,
            });
        }
        for (other, slot) in self.slots.iter_mut() {
            // Mints already sent for other videos are answered as usual; queued ones and retries
            // are dropped (keep-warm picks up again after the pause).
            if matches!(slot.mint, Mint::Queued | Mint::Backoff { .. }) {
                slot.mint = Mint::Idle;
            }
            if slot.mint == Mint::Idle {
                slot.attempt = 0;
            }
            if std::mem::take(&mut slot.waiting) {
                self.events.push_back(TokenEvent::Failed {
                    video: other.clone(),
                    error: error.clone(),
                });
            }
        }
    }
}
