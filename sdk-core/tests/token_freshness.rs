//! Token freshness, told as stories in virtual time: keep-warm spends one mint per fresh
//! window, none while the player holds everything it needs, and a quota pause ends as soon as a
//! mint succeeds again.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

mod support;

use std::time::Duration;

use sdk_core::Error;
use sdk_core::token::{TokenConfig, TokenLookup, TokenManager};
use support::{FakeApi, Rig, at, minted, quota_refusal, secs, video};

const TTL: Duration = Duration::from_secs(300);

fn keep_warm() -> TokenConfig {
    TokenConfig::default().with_keep_warm(true)
}

#[test]
fn f2_keep_warm_under_a_ten_second_ttl_mints_once_per_fresh_window_not_twice() {
    let clip = video("vid_dev");
    let mut rig = Rig::new(keep_warm(), FakeApi::new(secs(10)));
    rig.tokens.set_active(&clip, true, rig.now);
    rig.need_token(&clip).unwrap();
    // 40 s of playback, the player touching its token every second.
    for second in 1..=40 {
        rig.run_until(at(second));
        rig.need_token(&clip).unwrap();
    }
    // The margin is a third (3.3 s): a token is handed out for 6.7 s and refreshed as it leaves
    // that window, so a cycle is 6.67 s plus the 150 ms round trip: 5 refreshes in 40 s. At a
    // third of the life (one margin earlier) it was 12.
    let mints = rig.api.mints;
    println!("FIGURE: keep-warm, 10 s TTL, 40 s: {mints} mints");
    assert_eq!(mints, 6, "mints at {:?}", rig.api.received);
    // Keep-warm still spares nearly every caller a wait: only a touch that lands inside a
    // refresh's round trip waits for it.
    let waits = rig.handouts.iter().filter(|h| h.waited).count();
    assert!(waits <= 1 + 5, "{waits} waits");
}

#[test]
fn f2_a_keep_warm_refresh_is_due_exactly_when_the_token_leaves_its_fresh_window() {
    let movie = video("vid_movie");
    let mut tokens = TokenManager::new(keep_warm(), 7);
    tokens.set_active(&movie, true, at(0));
    assert!(matches!(
        tokens.request_token(&movie, at(0)),
        TokenLookup::Pending
    ));
    let request = tokens.poll_transmit(at(0)).unwrap();
    tokens.handle_response(request.id, Ok(minted("t1", TTL)), at(0));
    while tokens.poll_event().is_some() {}
    // 300 s life, 30 s margin: fresh until 270 s, and not refreshed a second before.
    assert_eq!(tokens.poll_timeout(), Some(at(270)));
    tokens.handle_timeout(at(269));
    assert!(tokens.poll_transmit(at(269)).is_none());
    tokens.handle_timeout(at(270));
    assert!(tokens.poll_transmit(at(270)).is_some());
}

#[test]
fn f3_keep_warm_does_not_mint_while_the_player_holds_everything_it_needs() {
    let vod = video("vid_vod");
    let mut rig = Rig::new(keep_warm(), FakeApi::new(TTL));
    rig.tokens.set_active(&vod, true, rig.now);
    rig.need_token(&vod).unwrap();
    // The loader prefetched every playlist and the key: nothing will need a token.
    rig.tokens.set_held(&vod, true, rig.now);
    assert_eq!(rig.tokens.poll_timeout(), None);
    rig.run_until(at(3600));
    assert_eq!(rig.api.mints, 1, "an hour of held playback mints nothing");

    // A reload needs something not held: one lazy mint, and still nothing in the background.
    rig.need_token(&vod).unwrap();
    assert_eq!(rig.api.mints, 2);
    assert!(rig.handouts.last().unwrap().waited);
    rig.run_until(at(7200));
    assert_eq!(rig.api.mints, 2);

    // No longer held (e.g. a live stream or a cache evicted): keep-warm picks up again, and a
    // token already out of its window is refreshed at once.
    rig.tokens.set_held(&vod, false, rig.now);
    rig.pump();
    assert_eq!(rig.api.mints, 3);
    rig.run_until(at(7200 + 280));
    assert_eq!(rig.api.mints, 4);
}

#[test]
fn f3_held_cancels_a_keep_warm_refresh_not_sent_yet_but_not_a_callers_mint() {
    let vod = video("vid_vod");
    let mut tokens = TokenManager::new(keep_warm(), 7);
    tokens.set_active(&vod, true, at(0));
    let _ = tokens.request_token(&vod, at(0));
    let request = tokens.poll_transmit(at(0)).unwrap();
    tokens.handle_response(request.id, Ok(minted("t1", TTL)), at(0));
    while tokens.poll_event().is_some() {}
    tokens.handle_timeout(at(270));
    // The refresh is queued; the loader now reports everything held: it is not sent.
    tokens.set_held(&vod, true, at(270));
    assert!(tokens.poll_transmit(at(270)).is_none());
    // A caller that asks still gets its mint.
    assert!(matches!(
        tokens.request_token(&vod, at(271)),
        TokenLookup::Pending
    ));
    tokens.set_held(&vod, true, at(271));
    assert!(tokens.poll_transmit(at(271)).is_some());
}

/// Two videos mint at once; one is refused for quota and pauses every video until a reset
/// hours away. The other's mint, already sent, succeeds: the quota is back.
#[test]
fn f4_a_successful_mint_answer_lifts_the_quota_pause() {
    let (a, b) = (video("vid_a"), video("vid_b"));
    let mut tokens = TokenManager::new(TokenConfig::default(), 7);
    let _ = tokens.request_token(&a, at(0));
    let _ = tokens.request_token(&b, at(0));
    let first = tokens.poll_transmit(at(0)).unwrap();
    let second = tokens.poll_transmit(at(0)).unwrap();
    let hours = Some(secs(5 * 3600));
    tokens.handle_response(first.id, Err(quota_refusal(hours)), at(1));
    assert!(tokens.quota_paused_until(at(1)).is_some());
    tokens.handle_response(second.id, Ok(minted("t", TTL)), at(2));

    assert_eq!(tokens.quota_paused_until(at(2)), None);
    assert!(matches!(
        tokens.request_token(&first.video, at(3)),
        TokenLookup::Pending
    ));
    assert!(tokens.poll_transmit(at(3)).is_some(), "minting resumed");
}

#[test]
fn f4_an_inserted_token_lifts_the_quota_pause() {
    let (a, b) = (video("vid_a"), video("vid_b"));
    let mut tokens = TokenManager::new(TokenConfig::default(), 7);
    let _ = tokens.request_token(&a, at(0));
    let request = tokens.poll_transmit(at(0)).unwrap();
    tokens.handle_response(request.id, Err(quota_refusal(Some(secs(3600)))), at(1));
    assert!(matches!(
        tokens.request_token(&b, at(2)),
        TokenLookup::Failed(Error::QuotaExhausted(_))
    ));
    // A player URL minted elsewhere with the same key arrives.
    tokens.insert_token(&b, minted("from-url", TTL), at(3));
    assert_eq!(tokens.quota_paused_until(at(3)), None);
    assert!(matches!(
        tokens.request_token(&b, at(4)),
        TokenLookup::Ready(_)
    ));
    assert!(matches!(
        tokens.request_token(&a, at(4)),
        TokenLookup::Pending
    ));
}

#[test]
fn f4_a_mint_elsewhere_lifts_the_pause_and_keep_warm_resumes() {
    let movie = video("vid_movie");
    let mut tokens = TokenManager::new(keep_warm(), 7);
    tokens.set_active(&movie, true, at(0));
    let _ = tokens.request_token(&movie, at(0));
    let request = tokens.poll_transmit(at(0)).unwrap();
    tokens.handle_response(request.id, Ok(minted("t1", TTL)), at(0));
    tokens.handle_timeout(at(270));
    let refresh = tokens.poll_transmit(at(270)).unwrap();
    // The refresh is refused: the day's quota is spent, the reset is 10 hours away.
    let ten_hours = secs(10 * 3600);
    tokens.handle_response(refresh.id, Err(quota_refusal(Some(ten_hours))), at(271));
    assert!(tokens.quota_paused_until(at(271)).is_some());
    assert_eq!(tokens.poll_timeout(), Some(at(271) + ten_hours));

    // The server's day rolled over early (its clock moved); a direct mint with the key succeeds.
    tokens.handle_mint_elsewhere(at(280));
    assert_eq!(tokens.quota_paused_until(at(280)), None);
    assert!(tokens.poll_transmit(at(280)).is_some(), "keep-warm resumed");
}

#[test]
fn f4_the_reset_time_alone_also_lifts_the_pause() {
    let a = video("vid_a");
    let mut tokens = TokenManager::new(TokenConfig::default(), 7);
    let _ = tokens.request_token(&a, at(0));
    let request = tokens.poll_transmit(at(0)).unwrap();
    tokens.handle_response(request.id, Err(quota_refusal(Some(secs(60)))), at(0));
    assert!(matches!(
        tokens.request_token(&a, at(59)),
        TokenLookup::Failed(_)
    ));
    assert!(matches!(
        tokens.request_token(&a, at(60)),
        TokenLookup::Pending
    ));
}

#[test]
fn f5_set_active_without_keep_warm_is_a_reported_no_op() {
    let movie = video("vid_movie");
    let mut tokens = TokenManager::new(TokenConfig::default(), 7);
    let _ = tokens.request_token(&movie, at(0));
    let request = tokens.poll_transmit(at(0)).unwrap();
    tokens.handle_response(request.id, Ok(minted("t1", TTL)), at(0));
    assert!(!tokens.set_active(&movie, true, at(1)), "keep-warm is off");
    assert_eq!(tokens.poll_timeout(), None);
    tokens.handle_timeout(at(3600));
    assert!(tokens.poll_transmit(at(3600)).is_none());

    let mut warm = TokenManager::new(keep_warm(), 7);
    assert!(warm.set_active(&movie, true, at(0)));
}
