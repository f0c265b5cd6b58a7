//! The playback-token manager's model: scripts of operations (token requests, mint answers —
//! tokens, transient failures, quota refusals, fatal errors, stale answers —, refusals of a
//! handed-out token, timers, keep-warm switches, tokens from elsewhere, time moving forward) and a
//! `Checker` that applies them and asserts the invariants after every step: never two mints in
//! flight for a video, request ids increase, no mint nobody asked for or during a quota pause, a
//! stale answer changes nothing, no token handed out inside its margin; and once playback stops,
//! everything settles.
//!
//! One model, two drivers: sdk-core's `token_properties` proptest and the `token_manager` fuzz
//! target (which includes this file by path), so the two cannot drift.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use http::StatusCode;
use sdk_core::clock::Instant;
use sdk_core::token::{
    Generation, IssuedToken, RequestId, TokenConfig, TokenEvent, TokenLookup, TokenManager,
};
use sdk_core::{ApiError, Error, ErrorCode, MintedToken, PlaybackToken, QuotaExhausted, VideoId};

/// The videos a script plays (an `Op`'s video is an index into it).
pub(crate) const VIDEOS: [&str; 3] = ["vid_a", "vid_b", "vid_c"];
/// Token lifetimes a script uses, in seconds.
pub(crate) const TTLS: [u64; 3] = [10, 60, 300];

/// How a mint is answered (`ttl` and `retry_after` in seconds).
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    Token { ttl: u64 },
    Retryable,
    Quota { retry_after: Option<u64> },
    Fatal,
}

/// One step of a script; video indices must be below `VIDEOS.len()`.
#[derive(Debug, Clone)]
pub(crate) enum Op {
    Request(usize),
    Advance(u64),
    Transmit,
    /// Answer an outstanding mint (picked by index), or an id that is no longer wanted.
    Respond {
        pick: usize,
        stale: bool,
        outcome: Outcome,
    },
    Reject {
        video: usize,
        pick: usize,
        code: usize,
    },
    Timeout,
    SetActive(usize, bool),
    /// A token obtained elsewhere (a player URL).
    Insert(usize, u64),
    Forget(usize),
}

/// Drives a manager and checks the invariants after every step.
pub(crate) struct Checker {
    tokens: TokenManager,
    config: TokenConfig,
    now: Instant,
    /// Mints handed out and not yet answered or cancelled.
    outstanding: BTreeMap<RequestId, VideoId>,
    /// Ids that were answered or cancelled: answering them again must change nothing.
    finished: Vec<RequestId>,
    last_id: Option<RequestId>,
    /// Videos with a caller that got `Pending` and has not been answered yet.
    waiting: BTreeSet<VideoId>,
    generations: BTreeMap<VideoId, Vec<Generation>>,
    /// Videos whose playback is active (keep-warm may mint for them unasked).
    active: BTreeSet<VideoId>,
    /// Minting is paused until then after a quota refusal.
    quota_until: Option<Instant>,
    serial: u32,
}

impl Checker {
    pub(crate) fn new(keep_warm: bool, seed: u64) -> Self {
        let config = TokenConfig::default().with_keep_warm(keep_warm);
        Self {
            tokens: TokenManager::new(config.clone(), seed),
            config,
            now: Instant::ZERO,
            outstanding: BTreeMap::new(),
            finished: Vec::new(),
            last_id: None,
            waiting: BTreeSet::new(),
            generations: BTreeMap::new(),
            active: BTreeSet::new(),
            quota_until: None,
            serial: 0,
        }
    }

    fn check_handout(&mut self, video: &VideoId, token: &IssuedToken) {
        let ttl = token
            .expires_at
            .saturating_duration_since(token.received_at);
        assert_eq!(token.margin, self.config.effective_margin(ttl));
        assert!(
            token.time_left(self.now) >= token.margin,
            "handed out with {:?} left, margin {:?}",
            token.time_left(self.now),
            token.margin
        );
        let seen = self.generations.entry(video.clone()).or_default();
        if !seen.contains(&token.generation) {
            seen.push(token.generation);
        }
    }

    fn transmit(&mut self) {
        while let Some(request) = self.tokens.poll_transmit(self.now) {
            assert!(
                self.last_id.is_none_or(|last| request.id > last),
                "ids increase"
            );
            self.last_id = Some(request.id);
            assert!(
                !self.outstanding.values().any(|v| *v == request.video),
                "a second mint for {:?} while one is in flight",
                request.video
            );
            assert!(self.tokens.in_flight(&request.video));
            assert!(
                self.waiting.contains(&request.video)
                    || (self.config.keep_warm && self.active.contains(&request.video)),
                "a mint nobody asked for: {:?}",
                request.video
            );
            assert!(!self.quota_paused(), "a mint during a quota pause");
            self.outstanding.insert(request.id, request.video);
        }
    }

    fn drain(&mut self) {
        while let Some(event) = self.tokens.poll_event() {
            match event {
                TokenEvent::Ready { video, token } => {
                    self.check_handout(&video, &token);
                    self.waiting.remove(&video);
                }
                TokenEvent::Failed { video, .. } => {
                    self.waiting.remove(&video);
                }
                TokenEvent::Cancel { id } => {
                    assert!(self.outstanding.remove(&id).is_some(), "cancel of {id:?}");
                    self.finished.push(id);
                }
                _ => {}
            }
        }
    }

    fn quota_paused(&self) -> bool {
        self.quota_until.is_some_and(|until| self.now < until)
    }

    fn respond(&mut self, id: RequestId, outcome: &Outcome, current: bool) {
        self.serial += 1;
        let result = match outcome {
            Outcome::Token { ttl } => {
                if current {
                    // A mint that went through proves the quota is back.
                    self.quota_until = None;
                }
                Ok(minted(
                    &format!("t{}", self.serial),
                    Duration::from_secs(*ttl),
                ))
            }
            Outcome::Retryable => Err(unavailable()),
            Outcome::Quota { retry_after } => {
                if current {
                    let wait =
                        retry_after.map_or(self.config.quota_fallback_wait, Duration::from_secs);
                    let until = self.now + wait;
                    self.quota_until = Some(self.quota_until.map_or(until, |u| u.max(until)));
                }
                Err(quota_refusal(retry_after.map(Duration::from_secs)))
            }
            Outcome::Fatal => Err(not_found()),
        };
        self.tokens.handle_response(id, result, self.now);
    }

    pub(crate) fn apply(&mut self, op: &Op) {
        match op {
            Op::Request(v) => {
                let video = video(VIDEOS[*v]);
                match self.tokens.request_token(&video, self.now) {
                    TokenLookup::Ready(token) => self.check_handout(&video, &token),
                    TokenLookup::Pending => {
                        assert!(
                            !self.quota_paused(),
                            "a caller left waiting during a quota pause"
                        );
                        self.waiting.insert(video);
                    }
                    TokenLookup::Failed(error) => {
                        assert!(matches!(error, Error::QuotaExhausted(_)), "{error:?}");
                        assert!(self.tokens.quota_paused_until(self.now).is_some());
                    }
                    other => panic!("unexpected lookup {other:?}"),
                }
            }
            Op::Advance(ms) => self.now = self.now + Duration::from_millis(*ms),
            Op::Transmit => self.transmit(),
            Op::Respond {
                pick,
                stale,
                outcome,
            } => {
                if *stale || self.outstanding.is_empty() {
                    let id = if self.finished.is_empty() {
                        RequestId::from_raw(u64::MAX)
                    } else {
                        self.finished[pick % self.finished.len()]
                    };
                    // Not wanted any more: nothing may change.
                    self.respond(id, outcome, false);
                    assert!(
                        self.tokens.poll_event().is_none(),
                        "a stale answer had an effect"
                    );
                } else {
                    let id = *self
                        .outstanding
                        .keys()
                        .nth(pick % self.outstanding.len())
                        .unwrap();
                    self.outstanding.remove(&id);
                    self.finished.push(id);
                    self.respond(id, outcome, true);
                }
            }
            Op::Reject {
                video: v,
                pick,
                code,
            } => {
                let video = video(VIDEOS[*v]);
                let seen = self.generations.get(&video).cloned().unwrap_or_default();
                let Some(generation) = seen.get(pick % seen.len().max(1)).copied() else {
                    return;
                };
                let code = [
                    ErrorCode::PlaybackTokenExpired,
                    ErrorCode::PlaybackTokenInvalid,
                    ErrorCode::PlaybackTokenMismatch,
                    ErrorCode::NoKey,
                ][*code]
                    .clone();
                let _ = self
                    .tokens
                    .handle_rejection(&video, generation, &code, self.now);
            }
            Op::Timeout => self.tokens.handle_timeout(self.now),
            Op::Insert(v, ttl) => {
                self.serial += 1;
                let token = minted(&format!("url{}", self.serial), Duration::from_secs(*ttl));
                // A token minted elsewhere proves the quota is back.
                self.quota_until = None;
                self.tokens
                    .insert_token(&video(VIDEOS[*v]), token, self.now);
            }
            Op::Forget(v) => {
                let video = video(VIDEOS[*v]);
                self.tokens.forget(&video);
                self.active.remove(&video);
                assert!(!self.tokens.in_flight(&video));
            }
            Op::SetActive(v, active) => {
                let video = video(VIDEOS[*v]);
                self.tokens.set_active(&video, *active, self.now);
                if *active {
                    self.active.insert(video);
                } else {
                    self.active.remove(&video);
                }
            }
        }
        self.drain();
    }

    /// Playback stops: nobody asks any more. Answer every mint, let timers run, and expect the
    /// manager to come to rest with every caller answered.
    pub(crate) fn settle(&mut self) {
        for v in VIDEOS {
            self.tokens.set_active(&video(v), false, self.now);
        }
        self.active.clear();
        for _ in 0..200 {
            self.drain();
            self.transmit();
            let ids: Vec<_> = self.outstanding.keys().copied().collect();
            for id in ids {
                self.outstanding.remove(&id);
                self.finished.push(id);
                self.respond(id, &Outcome::Token { ttl: 300 }, true);
            }
            self.drain();
            match self.tokens.poll_timeout() {
                Some(due) => {
                    self.now = self.now.max(due);
                    self.tokens.handle_timeout(self.now);
                }
                None if self.tokens.poll_transmit(self.now).is_none() => break,
                None => {}
            }
        }
        // And much later, with nobody asking, nothing wakes up.
        self.now = self.now + Duration::from_secs(86_400);
        self.tokens.handle_timeout(self.now);
        self.drain();

        assert!(self.outstanding.is_empty());
        for v in VIDEOS {
            assert!(!self.tokens.in_flight(&video(v)));
        }
        assert!(self.tokens.poll_transmit(self.now).is_none());
        assert_eq!(self.tokens.poll_timeout(), None);
        assert!(self.tokens.poll_event().is_none());
        assert!(
            self.waiting.is_empty(),
            "callers left waiting: {:?}",
            self.waiting
        );
    }
}

/// A video id.
pub(crate) fn video(id: &str) -> VideoId {
    VideoId::new(id).unwrap()
}

/// A minted token that lives `ttl`.
pub(crate) fn minted(name: &str, ttl: Duration) -> MintedToken {
    MintedToken::new(PlaybackToken::new(name).unwrap(), ttl)
}

/// A transient failure (an upstream 503).
pub(crate) fn unavailable() -> Error {
    ApiError::new(
        ErrorCode::InternalError,
        "upstream unavailable",
        StatusCode::SERVICE_UNAVAILABLE,
    )
    .into()
}

/// A failure no retry can fix.
pub(crate) fn not_found() -> Error {
    ApiError::new(
        ErrorCode::VideoNotFound,
        "Video not found.",
        StatusCode::NOT_FOUND,
    )
    .into()
}

/// A quota refusal, with or without a known time until the reset.
pub(crate) fn quota_refusal(retry_after: Option<Duration>) -> Error {
    QuotaExhausted::new(
        "Daily limit of 1000 playback tokens exceeded.",
        None,
        retry_after,
    )
    .into()
}
