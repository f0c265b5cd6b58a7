//! The retry driver in virtual time: each story runs a call's attempts against scripted
//! failures and reads back when every attempt was sent, as both front ends would.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use http::StatusCode;
use sdk_core::clock::Instant;
use sdk_core::endpoint::Route;
use sdk_core::retry::{RetryDriver, RetryPolicy, RetryStep};
use sdk_core::{
    ApiError, Error, ErrorCode, QuotaExhausted, RateLimit, TransportError, TransportErrorKind,
};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn at(n: u64) -> Instant {
    Instant::from_duration(ms(n))
}

fn server_error() -> Error {
    Error::Api(ApiError::new(
        ErrorCode::InternalError,
        "Internal server error.",
        StatusCode::INTERNAL_SERVER_ERROR,
    ))
}

/// Runs a call whose every attempt takes `took` and fails with `fail(attempt)`; returns the
/// instants attempts started at, their budgets, and the final error.
fn run(
    mut driver: RetryDriver,
    took: Duration,
    now_unix: Option<u64>,
    fail: impl Fn(u32) -> Error,
) -> (Vec<(u64, u64)>, Error) {
    let mut now = Instant::ZERO;
    let mut sent = Vec::new();
    loop {
        let budget = driver.budget(now);
        sent.push((
            now.since_origin().as_millis() as u64,
            budget.as_millis().min(u128::from(u64::MAX)) as u64,
        ));
        now = now + took.min(budget);
        let error = if took > budget {
            Error::Timeout { after: budget }
        } else {
            fail(driver.attempt())
        };
        // Jitter 1.0 (the top of the band) keeps the arithmetic readable.
        match driver.handle_failure(error, now, now_unix, 1.0) {
            RetryStep::RetryAt(next) => now = next,
            RetryStep::Fail(error) => return (sent, error),
        }
    }
}

#[test]
fn r3_a_failing_route_is_tried_max_attempts_times_with_doubling_waits() {
    let driver = RetryDriver::new(Route::GetVideo, RetryPolicy::default()).with_timeout(ms(10_000));
    let (sent, error) = run(driver, ms(100), None, |_| server_error());
    // 100 ms per attempt, then 250, 500, 1000 ms of backoff.
    assert_eq!(
        sent,
        [(0, 10_000), (350, 10_000), (950, 10_000), (2_050, 10_000)]
    );
    assert_eq!(error.code(), ErrorCode::InternalError);
}

#[test]
fn r3_a_custom_policy_is_obeyed() {
    let policy = RetryPolicy::default()
        .with_max_attempts(2)
        .with_delays(ms(1_000), ms(1_000));
    let (sent, _) = run(
        RetryDriver::new(Route::ListVideos, policy),
        ms(0),
        None,
        |_| server_error(),
    );
    assert_eq!(sent, [(0, u64::MAX), (1_000, u64::MAX)]);
}

#[test]
fn r3_refusals_that_a_retry_cannot_fix_end_the_call_at_once() {
    for error in [
        Error::Api(ApiError::new(
            ErrorCode::VideoNotFound,
            "Video not found.",
            StatusCode::NOT_FOUND,
        )),
        Error::Transport(TransportError::new(
            TransportErrorKind::RedirectRefused,
            "redirect",
        )),
        Error::Transport(TransportError::new(
            TransportErrorKind::BodyTooLarge,
            "too large",
        )),
    ] {
        let code = error.code();
        let (sent, error) = run(
            RetryDriver::new(Route::GetVideo, RetryPolicy::default()),
            ms(5),
            None,
            |_| error.clone(),
        );
        assert_eq!(sent.len(), 1, "{code}");
        assert_eq!(error.code(), code);
    }
}

/// A quota refusal as the mint route sends it, without a `Date` header: the reset is at Unix
/// second 1000.
fn quota_without_date() -> Error {
    Error::QuotaExhausted(QuotaExhausted::new(
        "Daily limit of 1000 playback tokens exceeded.",
        Some(RateLimit::new(1000, 0, 1_000)),
        None,
    ))
}

#[test]
fn r3_a_near_quota_reset_is_waited_for_by_the_callers_wall_clock() {
    // Without a Date header the front end's wall clock (Unix 990) dates the reset: 10 s, plus
    // the policy's one-second margin.
    let (sent, error) = run(
        RetryDriver::new(Route::Mint, RetryPolicy::default()),
        ms(0),
        Some(990),
        |attempt| {
            if attempt == 1 {
                quota_without_date()
            } else {
                server_error()
            }
        },
    );
    assert_eq!(sent[..2], [(0, u64::MAX), (11_000, u64::MAX)]);
    assert_eq!(error.code(), ErrorCode::InternalError);
}

#[test]
fn r3_a_far_or_undated_quota_reset_fails_at_once_with_the_wait_filled_in() {
    for (now_unix, wait) in [(Some(0), Some(Duration::from_secs(1_000))), (None, None)] {
        let (sent, error) = run(
            RetryDriver::new(Route::Mint, RetryPolicy::default()),
            ms(0),
            now_unix,
            |_| quota_without_date(),
        );
        assert_eq!(sent.len(), 1);
        let Error::QuotaExhausted(quota) = error else {
            panic!("{error}")
        };
        assert_eq!(quota.retry_after, wait, "the app learns how long to wait");
    }
}

#[test]
fn r3_the_deadline_bounds_each_attempt_and_stops_retries_that_cannot_start() {
    // 1.4 s overall, 1 s per attempt, attempts that hang: the first gets 1 s, the retry after
    // 250 ms backoff gets the 150 ms left, and the next retry (500 ms later) is not made.
    let driver = RetryDriver::new(Route::GetVideo, RetryPolicy::default())
        .with_timeout(ms(1_000))
        .with_deadline(ms(1_400), Instant::ZERO);
    let (sent, error) = run(driver, Duration::from_secs(3_600), None, |_| server_error());
    assert_eq!(sent, [(0, 1_000), (1_250, 150)]);
    assert!(
        matches!(error, Error::Timeout { after } if after == ms(150)),
        "{error}"
    );
}

#[test]
fn r3_a_retry_past_the_deadline_is_not_made_and_the_last_error_is_kept() {
    let driver =
        RetryDriver::new(Route::GetVideo, RetryPolicy::default()).with_deadline(ms(300), at(0));
    // 100 ms attempt, 250 ms backoff: the retry would start at 350 ms, past the deadline.
    let (sent, error) = run(driver, ms(100), None, |_| server_error());
    assert_eq!(sent, [(0, 300)]);
    assert_eq!(error.code(), ErrorCode::InternalError);
}

#[test]
fn r3_the_same_jitter_replays_the_same_schedule() {
    let schedule = |jitter: f64| {
        let mut driver = RetryDriver::new(Route::GetVideo, RetryPolicy::default());
        (0..3)
            .map(
                |_| match driver.handle_failure(server_error(), at(0), None, jitter) {
                    RetryStep::RetryAt(next) => next.since_origin(),
                    other => panic!("{other:?}"),
                },
            )
            .collect::<Vec<_>>()
    };
    assert_eq!(schedule(0.3), schedule(0.3));
    assert_eq!(schedule(0.0), [ms(125), ms(250), ms(500)]);
}
