//! More stories of the playback-token manager: failures that end a wait, a token from a
//! player URL, and a quota running low.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use sdk_core::ErrorCode;
use sdk_core::token::{PlaybackEvent, TokenConfig, TokenEvent, TokenLookup, TokenManager};
use support::{Answer, FakeApi, Rig, at, minted, video};

const TTL: Duration = Duration::from_secs(300);

#[test]
fn persistent_failures_give_up_after_four_attempts_and_the_next_request_starts_afresh() {
    let clip = video("vid_clip");
    let api = FakeApi::new(TTL).then(&[Answer::Unavailable; 4]);
    let mut rig = Rig::new(TokenConfig::default(), api);

    let error = rig.need_token(&clip).expect_err("four 503s in a row");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(rig.api.calls, 4);
    let delays: Vec<_> = std::iter::from_fn(|| rig.tokens.poll_playback_event())
        .filter_map(|e| match e {
            PlaybackEvent::RefreshFailed { retry_in, .. } => Some(retry_in),
            _ => None,
        })
        .collect();
    assert_eq!(delays.len(), 4);
    assert_eq!(delays[3], None, "the fourth failure is final");
    assert_eq!(rig.tokens.poll_timeout(), None);

    rig.need_token(&clip)
        .expect("a later request starts afresh");
    assert_eq!(rig.api.calls, 5);
}

#[test]
fn a_failure_no_retry_can_fix_fails_callers_at_once() {
    let ghost = video("vid_ghost");
    let mut rig = Rig::new(
        TokenConfig::default(),
        FakeApi::new(TTL).then(&[Answer::NotFound]),
    );
    let error = rig.need_token(&ghost).expect_err("no such video");
    assert_eq!(error.code(), ErrorCode::VideoNotFound);
    assert_eq!(rig.api.calls, 1);
    assert_eq!(rig.tokens.poll_timeout(), None);
}

#[test]
fn a_token_from_a_player_url_is_used_and_a_running_mint_cancelled() {
    let clip = video("vid_clip");
    let mut tokens = TokenManager::new(TokenConfig::default(), 9);
    assert!(matches!(
        tokens.request_token(&clip, at(0)),
        TokenLookup::Pending
    ));
    let request = tokens.poll_transmit(at(0)).unwrap();

    tokens.insert_token(&clip, minted("fromurl", TTL), at(1));
    let events: Vec<_> = std::iter::from_fn(|| tokens.poll_event()).collect();
    assert!(matches!(events[0], TokenEvent::Cancel { id } if id == request.id));
    assert!(
        matches!(&events[1], TokenEvent::Ready { token, .. } if token.token.expose_secret() == "fromurl")
    );
    assert!(!tokens.in_flight(&clip));
    tokens.handle_response(request.id, Ok(minted("minted", TTL)), at(2));
    match tokens.request_token(&clip, at(2)) {
        TokenLookup::Ready(token) => assert_eq!(token.token.expose_secret(), "fromurl"),
        other => panic!("expected Ready, got {other:?}"),
    }
}

#[test]
fn a_low_quota_is_reported() {
    let clip = video("vid_clip");
    let mut rig = Rig::new(
        TokenConfig::default(),
        FakeApi::new(TTL).with_used_today(950),
    );
    rig.need_token(&clip).unwrap();
    let low = std::iter::from_fn(|| rig.tokens.poll_playback_event()).find_map(|e| match e {
        PlaybackEvent::QuotaLow { rate_limit, .. } => Some(rate_limit),
        _ => None,
    });
    assert_eq!(low.map(|rl| (rl.limit, rl.remaining)), Some((1000, 49)));
}
