//! A virtual-time harness for the playback-token manager: a fake mint route that answers on the
//! wire (JSON envelopes, rate-limit and `Date` headers, decoded by the real endpoint), and a
//! driver loop like the front ends' that plays a story in milliseconds.

// Each test binary uses its own part of this module.
#![allow(dead_code)]

pub(crate) mod token_model;

// Not every binary uses every helper.
#[allow(unused_imports)]
pub(crate) use token_model::{minted, not_found, quota_refusal, unavailable, video};

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use http::{Response, StatusCode};
use sdk_core::clock::Instant;
use sdk_core::endpoint::{Endpoint, MintPlaybackToken};
use sdk_core::token::{
    IssuedToken, MintRequest, TokenConfig, TokenEvent, TokenLookup, TokenManager,
};
use sdk_core::{ApiKey, Error, MintedToken, VideoId};

/// 2026-11-25 00:00:00 UTC, a quota reset.
pub(crate) const MIDNIGHT_UNIX: u64 = 1_795_564_800;

/// Seconds as a `Duration`.
pub(crate) fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// The instant `s` seconds into the story.
pub(crate) fn at(s: u64) -> Instant {
    Instant::ZERO + secs(s)
}

/// How the fake API answers its next call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// A token, unless the day's quota is used up (then a 429).
    Mint,
    /// A proxy's HTML 503 page.
    Unavailable,
    /// 404 `VIDEO_NOT_FOUND`.
    NotFound,
    /// A 429 whose `X-RateLimit-Reset` is ten years away (a broken or hostile server).
    ResetYearsAway,
}

/// The mint route of a fake API with a daily quota per UTC day.
pub(crate) struct FakeApi {
    /// Lifetime of the tokens it mints.
    pub(crate) ttl: Duration,
    /// The key's daily limit.
    pub(crate) daily_limit: u32,
    /// Requests received.
    pub(crate) calls: u32,
    /// Tokens minted (successful calls: the ones the quota counts).
    pub(crate) mints: u32,
    /// Answers for the next calls; `Mint` once it runs out.
    pub(crate) script: VecDeque<Answer>,
    /// When each request was received, and for which video.
    pub(crate) received: Vec<(Instant, VideoId)>,
    /// The server's Unix time at the story's `Instant::ZERO`.
    epoch_unix: u64,
    used: BTreeMap<u64, u32>,
    key: ApiKey,
}

impl FakeApi {
    /// An API minting tokens that live `ttl`, with a quota of 1000 a day, at 10:00 UTC.
    pub(crate) fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            daily_limit: 1000,
            calls: 0,
            mints: 0,
            script: VecDeque::new(),
            received: Vec::new(),
            epoch_unix: MIDNIGHT_UNIX - 14 * 3600,
            used: BTreeMap::new(),
            key: "ak_live_0123456789abcdef0123456789abcdef".parse().unwrap(),
        }
    }

    /// The story starts at this server time (Unix seconds).
    pub(crate) fn starting_at_unix(mut self, unix: u64) -> Self {
        self.epoch_unix = unix;
        self
    }

    /// `used` tokens of today's quota are already spent.
    pub(crate) fn with_used_today(mut self, used: u32) -> Self {
        let day = self.epoch_unix / 86_400;
        self.used.insert(day, used);
        self
    }

    /// Queues answers for the next calls.
    pub(crate) fn then(mut self, answers: &[Answer]) -> Self {
        self.script.extend(answers.iter().copied());
        self
    }

    /// Answers one mint request on the wire and decodes it as the SDK does.
    pub(crate) fn answer(
        &mut self,
        request: &MintRequest,
        now: Instant,
    ) -> Result<MintedToken, Error> {
        self.calls += 1;
        self.received.push((now, request.video.clone()));
        let unix = self.epoch_unix + now.since_origin().as_secs();
        let day = unix / 86_400;
        let reset = (day + 1) * 86_400;
        let limit = self.daily_limit;
        let used = self.used.entry(day).or_default();
        let response = match self.script.pop_front().unwrap_or(Answer::Mint) {
            Answer::Mint if *used >= limit => json(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    r#"{{"success":false,"error":{{"code":"RATE_LIMIT_EXCEEDED","message":"Daily limit of {limit} playback tokens exceeded.","status":429}}}}"#
                ),
                Some((limit, 0, reset, unix)),
            ),
            Answer::Mint => {
                *used += 1;
                self.mints += 1;
                let remaining = limit - *used;
                json(
                    StatusCode::OK,
                    format!(
                        r#"{{"success":true,"data":{{"token":"tok{}.{}","expiresIn":{}}}}}"#,
                        self.mints,
                        request.video.as_str(),
                        self.ttl.as_secs()
                    ),
                    Some((limit, remaining, reset, unix)),
                )
            }
            Answer::Unavailable => Response::builder()
                .status(StatusCode::SERVICE_UNAVAILABLE)
                .header("content-type", "text/html")
                .body(Bytes::from_static(b"<html><body>503 Service Unavailable</body></html>"))
                .unwrap(),
            Answer::ResetYearsAway => json(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    r#"{{"success":false,"error":{{"code":"RATE_LIMIT_EXCEEDED","message":"Daily limit of {limit} playback tokens exceeded.","status":429}}}}"#
                ),
                Some((limit, 0, unix + 10 * 365 * 86_400, unix)),
            ),
            Answer::NotFound => json(
                StatusCode::NOT_FOUND,
                r#"{"success":false,"error":{"code":"VIDEO_NOT_FOUND","message":"Video not found.","status":404}}"#.into(),
                None,
            ),
        };
        MintPlaybackToken::new(&self.key, request.video.clone()).parse_response(&response)
    }
}

fn json(status: StatusCode, body: String, quota: Option<(u32, u32, u64, u64)>) -> Response<Bytes> {
    let mut builder = Response::builder()
        .status(status)
        .header("content-type", "application/json");
    if let Some((limit, remaining, reset, now_unix)) = quota {
        builder = builder
            .header("x-ratelimit-limit", limit)
            .header("x-ratelimit-remaining", remaining)
            .header("x-ratelimit-reset", reset)
            .header(
                "date",
                httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(now_unix)),
            );
    }
    builder.body(Bytes::from(body)).unwrap()
}

/// A token handed to a caller, and when.
#[derive(Debug, Clone)]
pub(crate) struct Handout {
    /// When the caller got it.
    pub(crate) at: Instant,
    /// The token.
    pub(crate) token: IssuedToken,
    /// Whether the caller had to wait for a mint.
    pub(crate) waited: bool,
}

/// The manager, the fake API and a virtual clock, wired like a front end's driver loop.
pub(crate) struct Rig {
    /// The state machine under test.
    pub(crate) tokens: TokenManager,
    /// The fake API it mints through.
    pub(crate) api: FakeApi,
    /// Virtual time.
    pub(crate) now: Instant,
    /// Round trip of a mint.
    pub(crate) latency: Duration,
    /// Every event the manager emitted.
    pub(crate) log: Vec<TokenEvent>,
    /// Every token handed to a caller.
    pub(crate) handouts: Vec<Handout>,
    resolved: BTreeMap<VideoId, Result<IssuedToken, Error>>,
}

impl Rig {
    /// A rig at `Instant::ZERO` with a 150 ms mint round trip.
    pub(crate) fn new(config: TokenConfig, api: FakeApi) -> Self {
        Self {
            tokens: TokenManager::new(config, 0x5eed),
            api,
            now: Instant::ZERO,
            latency: Duration::from_millis(150),
            log: Vec::new(),
            handouts: Vec::new(),
            resolved: BTreeMap::new(),
        }
    }

    /// A caller needs a token for `video` now: ask, and if it must wait, run the driver loop
    /// until the manager answers. Every token handed out is checked to have its margin left.
    pub(crate) fn need_token(&mut self, video: &VideoId) -> Result<IssuedToken, Error> {
        self.resolved.remove(video);
        match self.tokens.request_token(video, self.now) {
            TokenLookup::Ready(token) => {
                self.hand_out(&token, false);
                Ok(token)
            }
            TokenLookup::Failed(error) => Err(error),
            TokenLookup::Pending => {
                for _ in 0..1000 {
                    self.pump();
                    if let Some(result) = self.resolved.remove(video) {
                        if let Ok(token) = &result {
                            self.hand_out(token, true);
                        }
                        return result;
                    }
                    let due = self
                        .tokens
                        .poll_timeout()
                        .expect("a caller waits, so something must be scheduled");
                    self.now = self.now.max(due);
                    self.tokens.handle_timeout(self.now);
                }
                panic!("the caller for {video:?} was never answered");
            }
            other => panic!("unexpected lookup {other:?}"),
        }
    }

    /// Lets virtual time pass until `until`, serving timers and mints as a driver would.
    pub(crate) fn run_until(&mut self, until: Instant) {
        loop {
            self.pump();
            match self.tokens.poll_timeout() {
                Some(due) if due <= until => {
                    self.now = self.now.max(due);
                    self.tokens.handle_timeout(self.now);
                }
                _ => break,
            }
        }
        self.now = self.now.max(until);
    }

    /// Sends every queued mint to the fake API and feeds the answers back.
    pub(crate) fn pump(&mut self) {
        loop {
            self.drain_events();
            let Some(request) = self.tokens.poll_transmit(self.now) else {
                break;
            };
            self.now = self.now + self.latency;
            let result = self.api.answer(&request, self.now);
            self.tokens.handle_response(request.id, result, self.now);
        }
        self.drain_events();
    }

    /// Drains events: `Ready` and `Failed` resolve waiting callers; all are logged.
    pub(crate) fn drain_events(&mut self) {
        while let Some(event) = self.tokens.poll_event() {
            match &event {
                TokenEvent::Ready { video, token } => {
                    self.resolved.insert(video.clone(), Ok(token.clone()));
                }
                TokenEvent::Failed { video, error } => {
                    self.resolved.insert(video.clone(), Err(error.clone()));
                }
                _ => {}
            }
            self.log.push(event);
        }
    }

    fn hand_out(&mut self, token: &IssuedToken, waited: bool) {
        assert!(
            token.time_left(self.now) >= token.margin,
            "handed out with {:?} left, margin {:?}",
            token.time_left(self.now),
            token.margin
        );
        self.handouts.push(Handout {
            at: self.now,
            token: token.clone(),
            waited,
        });
    }
}
