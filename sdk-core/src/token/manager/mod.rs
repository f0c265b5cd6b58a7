//! The manager itself: commands from the application, inputs from the front end, and the
//! `poll_*` outputs the front end drains.

use std::collections::VecDeque;

use crate::clock::Instant;
use crate::error::{Error, TransportError, TransportErrorKind};
use crate::model::{MintedToken, VideoId};

use super::backoff::Jitter;
use super::config::TokenConfig;
use super::slot::Mint;
use super::slots::Slots;
use super::types::{MintRequest, PlaybackEvent, RequestId, TokenEvent, TokenLookup};

mod outcome;
mod rejection;

use outcome::QuotaBlock;

/// Hands out playback tokens per video, minting lazily and at most once at a time per video.
///
/// A sans-IO state machine: it never sends anything, never reads a clock and never sleeps. The
/// front end drives it (see the [module documentation](super) for the loop): it sends what
/// [`poll_transmit`](Self::poll_transmit) returns, feeds answers to
/// [`handle_response`](Self::handle_response), calls [`handle_timeout`](Self::handle_timeout)
/// once [`poll_timeout`](Self::poll_timeout) is reached, and acts on
/// [`poll_event`](Self::poll_event).
#[derive(Debug)]
pub struct TokenManager {
    pub(super) config: TokenConfig,
    pub(super) slots: Slots,
    /// Videos whose mint is queued, oldest first. Entries are checked against the slot when
    /// popped, so a video whose mint was dequeued otherwise is simply skipped.
    pub(super) transmit: VecDeque<VideoId>,
    pub(super) events: VecDeque<TokenEvent>,
    /// What the application is told, apart from the driver's wake-ups.
    pub(super) notices: VecDeque<PlaybackEvent>,
    pub(super) jitter: Jitter,
    pub(super) last_request: u64,
    pub(super) last_generation: u64,
    /// The quota is per API key, so one refusal pauses minting for every video.
    pub(super) quota_block: Option<QuotaBlock>,
}

impl TokenManager {
    /// A manager with no tokens. `jitter_seed` seeds the retry jitter: pass a random value in
    /// production (the core draws no randomness of its own) and a constant in tests.
    #[must_use]
    pub fn new(config: TokenConfig, jitter_seed: u64) -> Self {
        Self {
            config,
            slots: Slots::default(),
            transmit: VecDeque::new(),
            events: VecDeque::new(),
            notices: VecDeque::new(),
            jitter: Jitter::new(jitter_seed),
            last_request: 0,
            last_generation: 0,
            quota_block: None,
        }
    }

    /// The configuration in use.
    #[must_use]
    pub fn config(&self) -> &TokenConfig {
        &self.config
    }

    /// A token for `video`: [`Ready`](TokenLookup::Ready) when one with at least the margin
    /// left is held, [`Pending`](TokenLookup::Pending) while a mint is under way (one mint,
    /// however many callers ask), or [`Failed`](TokenLookup::Failed) at once while the daily
    /// quota is used up.
    pub fn request_token(&mut self, video: &VideoId, now: Instant) -> TokenLookup {
        self.lift_quota_block(now);
        let blocked = self.quota_block.as_ref().map(|block| block.error_at(now));
        let slot = self.slots.get_or_default(video);
        if let Some(token) = slot.fresh(now) {
            return TokenLookup::Ready(token);
        }
        // Someone asked again: a video whose keep-warm stopped after a failure gets another try.
        slot.warm_suspended = false;
        if let Some(error) = blocked {
            if slot.is_empty() {
                self.slots.remove(video);
            }
            return TokenLookup::Failed(error);
        }
        slot.waiting = true;
        if slot.mint == Mint::Idle {
            slot.mint = Mint::Queued;
            self.transmit.push_back(video.clone());
        }
        TokenLookup::Pending
    }

    /// The next mint to perform, if any. The request's answer is due within
    /// [`TokenConfig::request_timeout`] from `now`.
    #[must_use]
    pub fn poll_transmit(&mut self, now: Instant) -> Option<MintRequest> {
        self.lift_quota_block(now);
        if self.quota_block.is_some() {
            return None;
        }
        while let Some(video) = self.transmit.pop_front() {
            let Some(slot) = self.slots.get_mut(&video) else {
                continue;
            };
            if slot.mint != Mint::Queued {
                continue;
            }
            self.last_request += 1;
            let id = RequestId(self.last_request);
            slot.mint = Mint::InFlight {
                id,
                deadline: now + self.config.request_timeout,
            };
            return Some(MintRequest { id, video });
        }
        None
    }

    /// The answer to mint request `id`. An answer that is no longer wanted (unknown id, an
    /// abandoned or superseded request) is dropped. One that arrives after its deadline but
    /// before [`handle_timeout`](Self::handle_timeout) abandoned it is still used: a minted
    /// token has already spent quota.
    pub fn handle_response(
        &mut self,
        id: RequestId,
        result: Result<MintedToken, Error>,
        now: Instant,
    ) {
        let Some(video) = self
            .slots
            .iter()
            .find(|(_, slot)| slot.in_flight_id() == Some(id))
            .map(|(video, _)| video.clone())
        else {
            return;
        };
        if let Some(slot) = self.slots.get_mut(&video) {
            slot.mint = Mint::Idle;
        }
        match result {
            Ok(minted) => {
                // A mint went through: the quota is back, whatever the pause expected.
                self.quota_block = None;
                self.take_in(&video, minted, now);
            }
            Err(error) => self.record_failure(&video, error, now),
        }
    }

    /// Advances timers to `now`: abandons mints past their timeout (emitting
    /// [`TokenEvent::Cancel`]), starts retries whose backoff ended, lifts an ended quota pause
    /// and starts keep-warm refreshes that are due.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.lift_quota_block(now);
        let timed_out: Vec<(VideoId, RequestId)> = self
            .slots
            .iter()
            .filter_map(|(video, slot)| match slot.mint {
                Mint::InFlight { id, deadline } if deadline <= now => Some((video.clone(), id)),
                _ => None,
            })
            .collect();
        for (video, id) in timed_out {
            if let Some(slot) = self.slots.get_mut(&video) {
                slot.mint = Mint::Idle;
            }
            self.events.push_back(TokenEvent::Cancel { id });
            let after = self.config.request_timeout;
            self.record_failure(&video, Error::Timeout { after }, now);
        }

        let blocked = self.quota_block.is_some();
        let keep_warm = self.config.keep_warm;
        for (video, slot) in self.slots.iter_mut() {
            let start = match slot.mint {
                Mint::Backoff { until } if until <= now => {
                    let wanted = slot.wants_mint(keep_warm) && !blocked;
                    if !wanted {
                        slot.mint = Mint::Idle;
                        slot.attempt = 0;
                    }
                    wanted
                }
                Mint::Idle => {
                    !blocked && slot.warm_deadline(keep_warm).is_some_and(|due| due <= now)
                }
                _ => false,
            };
            if start {
                slot.mint = Mint::Queued;
                self.transmit.push_back(video.clone());
            }
        }
    }

    /// When [`handle_timeout`](Self::handle_timeout) must next be called: the earliest mint
    /// deadline, wanted retry, or keep-warm refresh. `None` when nothing is scheduled.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let keep_warm = self.config.keep_warm;
        let block_end = self.quota_block.as_ref().map(|block| block.until);
        self.slots
            .values()
            .filter_map(|slot| match slot.mint {
                Mint::InFlight { deadline, .. } => Some(deadline),
                Mint::Backoff { until } => slot.wants_mint(keep_warm).then_some(until),
                // A keep-warm refresh waits for the end of a quota pause.
                Mint::Idle => slot
                    .warm_deadline(keep_warm)
                    .map(|due| block_end.map_or(due, |end| due.max(end))),
                Mint::Queued => None,
            })
            .min()
    }

    /// The next wake-up for the driver (a waiting caller to resolve, a mint to abort), if any.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<TokenEvent> {
        self.events.pop_front()
    }

    /// The next event for the application, if any, oldest first. Events wait until drained:
    /// a front end drains them whenever it drains [`poll_event`](Self::poll_event).
    #[must_use]
    pub fn poll_playback_event(&mut self) -> Option<PlaybackEvent> {
        self.notices.pop_front()
    }

    /// Marks playback of `video` active or not, for keep-warm: the token of an active video is
    /// refreshed in the background when it leaves its fresh window, so callers rarely wait;
    /// inactive videos are never minted for in the background.
    ///
    /// Returns whether keep-warm applies. Without [`TokenConfig::keep_warm`] this is a no-op
    /// that returns `false` (tokens are minted lazily whatever the playback state); front ends
    /// log that at debug level, so an app that expected warm tokens can find out why.
    pub fn set_active(&mut self, video: &VideoId, active: bool, now: Instant) -> bool {
        if !self.config.keep_warm {
            return false;
        }
        let slot = self.slots.get_or_default(video);
        slot.active = active;
        if active {
            slot.warm_suspended = false;
        }
        self.rearm_keep_warm(video, now);
        true
    }

    /// Tells the manager whether the player holds in memory everything it still needs for
    /// `video` (e.g. a VOD whose playlists and key were prefetched). While it does, keep-warm
    /// does not mint for the video: no fetch will need a token, and a reload or seek to
    /// something not held asks with [`request_token`](Self::request_token) and mints lazily.
    /// Without keep-warm this changes nothing.
    pub fn set_held(&mut self, video: &VideoId, held: bool, now: Instant) {
        let slot = self.slots.get_or_default(video);
        slot.everything_held = held;
        self.rearm_keep_warm(video, now);
    }

    /// After a keep-warm input changed: drops a background refresh nobody wants any more, starts
    /// one that is now due, and forgets a slot left empty.
    fn rearm_keep_warm(&mut self, video: &VideoId, now: Instant) {
        self.lift_quota_block(now);
        let blocked = self.quota_block.is_some();
        let keep_warm = self.config.keep_warm;
        let Some(slot) = self.slots.get_mut(video) else {
            return;
        };
        let warm = slot.warm_deadline(keep_warm);
        if warm.is_none() && slot.mint == Mint::Queued && !slot.waiting {
            // A keep-warm refresh not sent yet: nobody wants it any more.
            slot.mint = Mint::Idle;
        }
        if slot.is_empty() {
            self.slots.remove(video);
            return;
        }
        let due = warm.is_some_and(|due| due <= now);
        if due && !blocked && slot.mint == Mint::Idle {
            slot.mint = Mint::Queued;
            self.transmit.push_back(video.clone());
        }
    }

    /// Takes in a token obtained elsewhere (e.g. from a player URL) as the video's current token.
    /// A mint under way for the video is cancelled; waiting callers receive this token. A token
    /// minted elsewhere proves the quota is back, so it also ends a quota pause (see
    /// [`handle_mint_elsewhere`](Self::handle_mint_elsewhere)).
    pub fn insert_token(&mut self, video: &VideoId, minted: MintedToken, now: Instant) {
        self.quota_block = None;
        let slot = self.slots.get_or_default(video);
        if let Some(id) = slot.in_flight_id() {
            self.events.push_back(TokenEvent::Cancel { id });
        }
        slot.mint = Mint::Idle;
        slot.attempt = 0;
        self.take_in(video, minted, now);
    }

    /// Drops everything about `video`: its token is zeroized, a mint under way is cancelled and
    /// waiting callers fail.
    pub fn forget(&mut self, video: &VideoId) {
        let Some(slot) = self.slots.remove(video) else {
            return;
        };
        if let Some(id) = slot.in_flight_id() {
            self.events.push_back(TokenEvent::Cancel { id });
        }
        if slot.waiting {
            let error = TransportError::new(
                TransportErrorKind::Cancelled,
                "the video's token was forgotten while a caller waited",
            );
            self.events.push_back(TokenEvent::Failed {
                video: video.clone(),
                error: error.into(),
            });
        }
    }

    /// Whether a mint request for `video` has been handed out and not yet answered.
    #[must_use]
    pub fn in_flight(&self, video: &VideoId) -> bool {
        self.slots
            .get(video)
            .is_some_and(|slot| slot.in_flight_id().is_some())
    }

    /// The end of the current quota pause, if minting is paused at `now`.
    #[must_use]
    pub fn quota_paused_until(&self, now: Instant) -> Option<Instant> {
        self.quota_block
            .as_ref()
            .map(|block| block.until)
            .filter(|until| *until > now)
    }

    /// A mint with the same API key succeeded outside this manager (a direct mint, another
    /// session or process): the daily quota has been reset, so a quota pause ends now instead of
    /// at the reset time it expected (which a server clock moved ahead, or a reset granted early,
    /// makes wrong). Keep-warm refreshes and retries held back by the pause resume.
    pub fn handle_mint_elsewhere(&mut self, now: Instant) {
        self.quota_block = None;
        self.handle_timeout(now);
    }

    /// Ends the quota pause once its reset time has come.
    fn lift_quota_block(&mut self, now: Instant) {
        if self.quota_block.as_ref().is_some_and(|b| b.until <= now) {
            self.quota_block = None;
        }
    }
}
