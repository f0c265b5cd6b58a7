//! One video's state: the token it holds and where its mint stands.

use std::time::Duration;

use crate::clock::Instant;
use crate::model::MintedToken;
use crate::rate_limit::RateLimit;
use crate::secret::PlaybackToken;

use super::types::{Generation, IssuedToken, Rejection, RequestId};

/// A token the manager holds for a video.
#[derive(Debug)]
pub(super) struct Held {
    pub(super) token: PlaybackToken,
    pub(super) generation: Generation,
    pub(super) received_at: Instant,
    pub(super) expires_in: Duration,
    pub(super) margin: Duration,
    pub(super) rate_limit: Option<RateLimit>,
    /// Minted because the previous token was refused: a refusal of this one is final.
    pub(super) after_rejection: bool,
}

impl Held {
    pub(super) fn new(
        mut minted: MintedToken,
        generation: Generation,
        now: Instant,
        margin: Duration,
        after_rejection: bool,
    ) -> Self {
        // The player URL repeats the token and is not kept: it wipes itself when dropped here.
        drop(minted.player_url.take());
        Self {
            token: minted.token,
            generation,
            received_at: now,
            expires_in: minted.expires_in,
            margin,
            rate_limit: minted.rate_limit,
            after_rejection,
        }
    }

    pub(super) fn expires_at(&self) -> Instant {
        self.received_at + self.expires_in
    }

    /// Whether at least the margin is left at `now`.
    pub(super) fn is_fresh(&self, now: Instant) -> bool {
        now + self.margin <= self.expires_at()
    }

    /// When keep-warm refreshes this token: the moment it leaves its fresh window (less than the
    /// margin left), which is also when a caller would mint lazily. Earlier would spend quota on
    /// life still usable: one margin earlier doubled the mints under a short TTL, whose margin is
    /// a third of the life. The old token stays valid for the whole margin while the mint runs.
    pub(super) fn warm_refresh_at(&self) -> Instant {
        self.expires_at() - self.margin
    }

    pub(super) fn issued(&self) -> IssuedToken {
        IssuedToken {
            token: self.token.clone(),
            generation: self.generation,
            received_at: self.received_at,
            expires_at: self.expires_at(),
            margin: self.margin,
            rate_limit: self.rate_limit,
        }
    }
}

/// Where a video's mint stands. One value, so two mints for a video cannot coexist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Mint {
    /// Nothing under way.
    #[default]
    Idle,
    /// A mint is wanted; `poll_transmit` will hand it out.
    Queued,
    /// Handed out, awaiting its answer until `deadline`.
    InFlight { id: RequestId, deadline: Instant },
    /// A retry is due at `until`.
    Backoff { until: Instant },
}

/// Everything the manager knows about one video.
#[derive(Debug, Default)]
pub(super) struct Slot {
    pub(super) current: Option<Held>,
    pub(super) mint: Mint,
    /// Some caller got `Pending` and awaits `Ready` or `Failed`.
    pub(super) waiting: bool,
    /// Retryable failures in a row.
    pub(super) attempt: u32,
    /// Playback is active (keep-warm applies).
    pub(super) active: bool,
    /// The player holds in memory everything it still needs for this video (e.g. a VOD's
    /// playlists and key, prefetched): no fetch will need a token, so keep-warm does not mint.
    pub(super) everything_held: bool,
    /// Keep-warm paused after a final failure, until a caller asks again or playback restarts,
    /// so a broken video is not re-minted in a loop.
    pub(super) warm_suspended: bool,
    /// The next token taken in is minted because of a refusal.
    pub(super) remint_after_rejection: bool,
    /// The verdict on the last refused (and dropped) generation, so that several fetches
    /// refused with the same token get one answer and cause one re-mint.
    pub(super) last_verdict: Option<(Generation, Rejection)>,
}

impl Slot {
    pub(super) fn in_flight_id(&self) -> Option<RequestId> {
        match self.mint {
            Mint::InFlight { id, .. } => Some(id),
            _ => None,
        }
    }

    /// The token to hand out at `now`, if one has at least its margin left.
    pub(super) fn fresh(&self, now: Instant) -> Option<IssuedToken> {
        self.current
            .as_ref()
            .filter(|held| held.is_fresh(now))
            .map(Held::issued)
    }

    /// When keep-warm wants the next mint, if it applies to this slot.
    pub(super) fn warm_deadline(&self, keep_warm: bool) -> Option<Instant> {
        if !keep_warm || !self.active || self.everything_held || self.warm_suspended {
            return None;
        }
        self.current.as_ref().map(Held::warm_refresh_at)
    }

    /// Whether anyone still wants a mint for this video.
    pub(super) fn wants_mint(&self, keep_warm: bool) -> bool {
        self.waiting || self.warm_deadline(keep_warm).is_some()
    }

    /// Nothing held, nothing under way, nobody waiting: the slot can be dropped.
    pub(super) fn is_empty(&self) -> bool {
        self.current.is_none()
            && self.mint == Mint::Idle
            && !self.waiting
            && !self.active
            && !self.everything_held
            && !self.remint_after_rejection
            && self.last_verdict.is_none()
    }
}
