//! Waits derived from a server's headers are bounded: a hostile or broken server cannot pause
//! the SDK for longer than the daily quota could ever last.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use sdk_core::Error;
use sdk_core::rate_limit::MAX_RESET_WAIT;
use sdk_core::token::{TokenConfig, TokenLookup};
use support::{Answer, FakeApi, Rig, video};

const TTL: Duration = Duration::from_secs(300);

#[test]
fn s4_a_reset_years_away_pauses_minting_for_a_day_at_most_and_says_so() {
    let clip = video("vid_clip");
    let api = FakeApi::new(TTL).then(&[Answer::ResetYearsAway]);
    let mut rig = Rig::new(TokenConfig::default(), api);
    rig.latency = Duration::ZERO;

    let error = rig.need_token(&clip).expect_err("the 429");
    let Error::QuotaExhausted(refusal) = &error else {
        panic!("expected the typed quota error, got {error:?}");
    };
    assert_eq!(refusal.retry_after, Some(MAX_RESET_WAIT));
    assert!(refusal.reset_capped);
    let message = error.to_string();
    assert!(
        message.contains("implausible") && message.contains("capped at 24 h"),
        "the error says the reset was capped: {message}"
    );
    let paused_from = rig.now;
    assert_eq!(
        rig.tokens.quota_paused_until(rig.now),
        Some(paused_from + MAX_RESET_WAIT)
    );

    // A second before the cap: still paused, no mint.
    rig.run_until(paused_from + MAX_RESET_WAIT - Duration::from_secs(1));
    match rig.tokens.request_token(&clip, rig.now) {
        TokenLookup::Failed(Error::QuotaExhausted(q)) => {
            assert_eq!(q.retry_after, Some(Duration::from_secs(1)));
            assert!(q.reset_capped);
        }
        other => panic!("expected a fast quota failure, got {other:?}"),
    }
    assert_eq!(rig.api.calls, 1);

    // At the cap, minting resumes (the fake API has quota again).
    rig.run_until(paused_from + MAX_RESET_WAIT);
    rig.need_token(&clip)
        .expect("minting resumes after the cap");
    assert_eq!((rig.api.calls, rig.api.mints), (2, 1));
}
