//! The playback-token manager, told as stories in virtual time: what a player needs, what the
//! API is asked, and what callers get.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use sdk_core::token::{
    PlaybackEvent, Rejection, TokenConfig, TokenEvent, TokenLookup, TokenManager,
};
use sdk_core::{Error, ErrorCode};
use support::{Answer, FakeApi, MIDNIGHT_UNIX, Rig, at, minted, secs, video};

const TTL: Duration = Duration::from_secs(300);

#[test]
fn a_two_hour_playback_mints_only_when_the_player_needs_a_token() {
    let movie = video("vid_movie");
    let mut rig = Rig::new(TokenConfig::default(), FakeApi::new(TTL));

    // Start: master playlist, first media playlist and the AES key, fetched back to back.
    let start = [0u64, 0, 0];
    // ABR switches: each fetches the new rendition's media playlist.
    let abr_switches = [180u64, 1500, 2400, 3300, 4800, 6600];
    // Seeks: each fetches one playlist that is not cached yet.
    let seeks = [200u64, 900, 1000, 2000, 2450, 3900, 4000, 5400, 6000, 7100];
    let mut needs: Vec<u64> = start
        .iter()
        .chain(&abr_switches)
        .chain(&seeks)
        .copied()
        .collect();
    needs.sort_unstable();

    for second in &needs {
        rig.run_until(at(*second));
        rig.need_token(&movie)
            .expect("a token whenever the player needs one");
    }
    rig.run_until(at(7200));

    // A token is fresh for 270 s after receipt (300 s minus the 30 s margin). Needs at 0/180/200,
    // 900/1000, 2400/2450 and 3900/4000 share a token; every other need mints: 12 mints.
    let lazy = rig.api.mints;
    assert_eq!(lazy, 12, "mints at {:?}", rig.api.received);
    // The alternative: a timer refreshing every 4 minutes for 2 hours, first token included.
    let timer = 2 * 3600 / (4 * 60) + 1;
    assert_eq!(timer, 31);
    println!(
        "FIGURE: 2h playback, 6 ABR switches, 10 seeks: {lazy} mints (lazy) vs {timer} (4-minute timer)"
    );

    assert_eq!(rig.handouts.len(), needs.len());
    for handout in &rig.handouts {
        assert!(handout.token.time_left(handout.at) >= Duration::from_secs(30));
    }
    // Settled: no mint in flight, nothing scheduled.
    assert!(!rig.tokens.in_flight(&movie));
    assert_eq!(rig.tokens.poll_timeout(), None);
}

#[test]
fn a_thousand_concurrent_callers_share_one_mint() {
    let clip = video("vid_clip");
    let mut tokens = TokenManager::new(TokenConfig::default(), 1);
    let mut api = FakeApi::new(TTL);
    let now = at(0);

    let lookups: Vec<TokenLookup> = (0..1000)
        .map(|_| tokens.request_token(&clip, now))
        .collect();
    assert!(lookups.iter().all(|l| matches!(l, TokenLookup::Pending)));

    let request = tokens.poll_transmit(now).expect("one mint");
    assert!(tokens.poll_transmit(now).is_none(), "and only one");
    let later = now + Duration::from_millis(200);
    tokens.handle_response(request.id, api.answer(&request, later), later);

    // One Ready event resolves every waiting caller; asking again gives the same token.
    let ready: Vec<_> = std::iter::from_fn(|| tokens.poll_event())
        .filter_map(|e| match e {
            TokenEvent::Ready { token, .. } => Some(token),
            _ => None,
        })
        .collect();
    assert_eq!(ready.len(), 1);
    let shared = &ready[0];
    for _ in 0..1000 {
        match tokens.request_token(&clip, later) {
            TokenLookup::Ready(token) => {
                assert_eq!(token.generation, shared.generation);
                assert_eq!(token.token.expose_secret(), shared.token.expose_secret());
            }
            other => panic!("expected Ready, got {other:?}"),
        }
    }
    assert_eq!(api.calls, 1);
    println!("FIGURE: 1000 concurrent callers: {} mint", api.calls);
}

#[test]
fn a_503_is_retried_after_a_backoff_and_callers_get_the_token() {
    let clip = video("vid_clip");
    let api = FakeApi::new(TTL).then(&[Answer::Unavailable, Answer::Mint]);
    let mut rig = Rig::new(TokenConfig::default(), api);

    let token = rig.need_token(&clip).expect("the retry succeeds");

    assert_eq!((rig.api.calls, rig.api.mints), (2, 1));
    let retry_in = std::iter::from_fn(|| rig.tokens.poll_playback_event())
        .find_map(|e| match e {
            PlaybackEvent::RefreshFailed {
                attempt: 1,
                retry_in: Some(retry_in),
                error,
                ..
            } => {
                assert!(error.is_retryable());
                assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
                Some(retry_in)
            }
            _ => None,
        })
        .expect("the failure was reported with its retry delay");
    // First retry: 500 ms base, jittered into [250 ms, 500 ms).
    assert!(retry_in >= Duration::from_millis(250) && retry_in < Duration::from_millis(500));
    let (first, second) = (rig.api.received[0].0, rig.api.received[1].0);
    assert_eq!(
        second.saturating_duration_since(first),
        retry_in + rig.latency
    );
    assert!(rig.handouts[0].waited);
    assert_eq!(token.generation, rig.handouts[0].token.generation);
    assert!(
        !rig.log
            .iter()
            .any(|e| matches!(e, TokenEvent::Failed { .. })),
        "callers never saw the 503"
    );
}

#[test]
fn a_used_up_quota_fails_callers_fast_until_the_midnight_reset() {
    let (movie, trailer) = (video("vid_movie"), video("vid_trailer"));
    // 23:58:00 UTC, and the key already minted its 1000 tokens today.
    let api = FakeApi::new(TTL)
        .starting_at_unix(MIDNIGHT_UNIX - 120)
        .with_used_today(1000);
    let mut rig = Rig::new(TokenConfig::default(), api);
    rig.latency = Duration::ZERO;

    let error = rig.need_token(&movie).expect_err("no quota left");
    let Error::QuotaExhausted(refusal) = &error else {
        panic!("expected the typed quota error, got {error:?}");
    };
    assert_eq!(
        refusal.retry_after,
        Some(secs(120)),
        "from the response's Date"
    );
    let reset = refusal
        .rate_limit
        .expect("reset info")
        .reset_at_utc()
        .unwrap();
    assert_eq!(reset.to_string(), "2026-11-25 0:00:00.0 +00:00:00");
    assert_eq!(rig.api.calls, 1);

    // 23:59: callers of any video fail at once, told how long is left; no mint is attempted.
    rig.run_until(at(60));
    for v in [&movie, &trailer] {
        match rig.tokens.request_token(v, rig.now) {
            TokenLookup::Failed(Error::QuotaExhausted(q)) => {
                assert_eq!(q.retry_after, Some(secs(60)));
            }
            other => panic!("expected a fast quota failure, got {other:?}"),
        }
    }
    assert!(rig.tokens.poll_transmit(rig.now).is_none());
    assert_eq!(
        rig.tokens.poll_timeout(),
        None,
        "nobody waits: nothing to wake for"
    );
    assert_eq!(rig.tokens.quota_paused_until(rig.now), Some(at(120)));
    rig.run_until(at(119));
    assert!(rig.need_token(&trailer).is_err());
    assert_eq!(rig.api.calls, 1, "no mint before the reset");

    // Midnight: the quota is reset and minting resumes.
    rig.run_until(at(120));
    rig.need_token(&movie).expect("a token after the reset");
    rig.need_token(&trailer).expect("for every video");
    assert_eq!((rig.api.calls, rig.api.mints), (3, 2));
}

#[test]
fn a_stale_401_is_ignored_a_current_one_remints_once_and_a_second_gives_up() {
    let movie = video("vid_movie");
    let mut rig = Rig::new(TokenConfig::default(), FakeApi::new(TTL));
    let first = rig.need_token(&movie).unwrap();
    rig.run_until(at(280));
    let second = rig.need_token(&movie).unwrap();
    assert!(second.generation > first.generation);

    // A fetch that used the first token comes back 401 after it was replaced: ignored.
    let verdict = rig.tokens.handle_rejection(
        &movie,
        first.generation,
        &ErrorCode::PlaybackTokenExpired,
        rig.now,
    );
    assert!(matches!(verdict, Rejection::Stale), "{verdict:?}");
    assert_eq!(
        rig.need_token(&movie).unwrap().generation,
        second.generation
    );
    assert_eq!(rig.api.mints, 2);

    // The current token is refused (say the server's clock runs ahead): re-mint. Two fetches
    // refused with it get the same answer and cause one mint.
    for _ in 0..2 {
        let verdict = rig.tokens.handle_rejection(
            &movie,
            second.generation,
            &ErrorCode::PlaybackTokenExpired,
            rig.now,
        );
        assert!(matches!(verdict, Rejection::Remint), "{verdict:?}");
    }
    let third = rig.need_token(&movie).unwrap();
    assert!(third.generation > second.generation);
    assert_eq!(rig.api.mints, 3);

    // The fresh token is refused too: a fresh token does not help, give up instead of looping.
    let verdict = rig.tokens.handle_rejection(
        &movie,
        third.generation,
        &ErrorCode::PlaybackTokenInvalid,
        rig.now,
    );
    match verdict {
        Rejection::GaveUp(Error::AuthGaveUp { code }) => {
            assert_eq!(code, ErrorCode::PlaybackTokenInvalid);
        }
        other => panic!("expected GaveUp, got {other:?}"),
    }
    assert_eq!(rig.api.mints, 3, "no re-mint after giving up");

    // A token for another video is never fixed by re-minting; a missing key is not about tokens.
    let fourth = rig.need_token(&movie).unwrap();
    let mismatch = rig.tokens.handle_rejection(
        &movie,
        fourth.generation,
        &ErrorCode::PlaybackTokenMismatch,
        rig.now,
    );
    assert!(matches!(
        mismatch,
        Rejection::GaveUp(Error::AuthGaveUp { .. })
    ));
    let no_key = rig
        .tokens
        .handle_rejection(&movie, fourth.generation, &ErrorCode::NoKey, rig.now);
    assert!(matches!(no_key, Rejection::Unrelated));
}

#[test]
fn an_answer_after_its_timeout_is_dropped_and_the_retry_is_used() {
    let clip = video("vid_clip");
    let mut tokens = TokenManager::new(TokenConfig::default(), 3);
    let mut now = at(0);

    assert!(matches!(
        tokens.request_token(&clip, now),
        TokenLookup::Pending
    ));
    let slow = tokens.poll_transmit(now).unwrap();
    assert_eq!(tokens.poll_timeout(), Some(at(10)));

    // Ten seconds without an answer: the request is abandoned and retried after a backoff.
    now = at(10);
    tokens.handle_timeout(now);
    assert!(!tokens.in_flight(&clip));
    let events: Vec<_> = std::iter::from_fn(|| tokens.poll_event()).collect();
    assert!(matches!(events[0], TokenEvent::Cancel { id } if id == slow.id));
    let told: Vec<_> = std::iter::from_fn(|| tokens.poll_playback_event()).collect();
    let retry_in = match &told[0] {
        PlaybackEvent::RefreshFailed {
            error: Error::Timeout { .. },
            attempt: 1,
            retry_in: Some(d),
            ..
        } => *d,
        other => panic!("expected a timeout failure, got {other:?}"),
    };
    assert!(
        tokens.poll_transmit(now).is_none(),
        "not before the backoff"
    );
    now = now + retry_in;
    assert_eq!(tokens.poll_timeout(), Some(now));
    tokens.handle_timeout(now);
    let retry = tokens.poll_transmit(now).expect("the retry");
    assert!(retry.id > slow.id);

    // Never two in flight: more callers wait for the retry.
    assert!(matches!(
        tokens.request_token(&clip, now),
        TokenLookup::Pending
    ));
    assert!(tokens.poll_transmit(now).is_none());

    // The slow request's answer finally arrives: dropped.
    now = now + secs(1);
    tokens.handle_response(slow.id, Ok(minted("late", TTL)), now);
    assert!(tokens.poll_event().is_none());
    assert!(tokens.in_flight(&clip));
    assert!(matches!(
        tokens.request_token(&clip, now),
        TokenLookup::Pending
    ));

    // The retry's answer is the one callers get.
    tokens.handle_response(retry.id, Ok(minted("retried", TTL)), now);
    match tokens.poll_event() {
        Some(TokenEvent::Ready { token, .. }) => {
            assert_eq!(token.token.expose_secret(), "retried");
        }
        other => panic!("expected Ready, got {other:?}"),
    }
    // Late duplicates change nothing.
    tokens.handle_response(retry.id, Ok(minted("duplicate", TTL)), now);
    match tokens.request_token(&clip, now) {
        TokenLookup::Ready(token) => assert_eq!(token.token.expose_secret(), "retried"),
        other => panic!("expected Ready, got {other:?}"),
    }
    while tokens.poll_event().is_some() {}
    assert_eq!(tokens.poll_timeout(), None);
}

#[test]
fn keep_warm_refreshes_an_active_video_so_callers_never_wait() {
    let movie = video("vid_movie");
    let config = TokenConfig::default().with_keep_warm(true);
    let mut rig = Rig::new(config, FakeApi::new(TTL));

    rig.tokens.set_active(&movie, true, rig.now);
    rig.need_token(&movie).unwrap();
    // One hour of playback; the player touches its token every 10 s.
    for second in (10..=3600).step_by(10) {
        rig.run_until(at(second));
        rig.need_token(&movie).unwrap();
    }
    let waits = rig.handouts.iter().filter(|h| h.waited).count();
    assert_eq!(waits, 1, "only the very first token was waited for");
    // Refreshed as it leaves its fresh window: 270 s after each receipt, so a cycle is 270 s
    // plus the round trip.
    let warm_mints = rig.api.mints;
    let cycle = secs(270) + rig.latency;
    let refreshes = (secs(3600) - rig.latency).as_millis() / cycle.as_millis();
    assert_eq!(u128::from(warm_mints), 1 + refreshes);
    assert_eq!(warm_mints, 14);

    // Paused: the token ages out and nothing is minted in the background.
    rig.tokens.set_active(&movie, false, rig.now);
    rig.run_until(at(7200));
    assert_eq!(rig.api.mints, warm_mints);
    assert_eq!(rig.tokens.poll_timeout(), None);
    // A caller after the pause waits for one lazy mint.
    rig.need_token(&movie).unwrap();
    assert_eq!(rig.api.mints, warm_mints + 1);
}

#[test]
fn an_inactive_video_is_never_minted_in_the_background() {
    let (playing, paused) = (video("vid_playing"), video("vid_paused"));
    let config = TokenConfig::default().with_keep_warm(true);
    let mut rig = Rig::new(config, FakeApi::new(TTL));
    rig.tokens.set_active(&playing, true, rig.now);
    rig.need_token(&playing).unwrap();
    rig.need_token(&paused).unwrap();

    rig.run_until(at(3600));
    let for_paused = rig
        .api
        .received
        .iter()
        .filter(|(_, v)| *v == paused)
        .count();
    assert_eq!(for_paused, 1);
    let for_playing = rig
        .api
        .received
        .iter()
        .filter(|(_, v)| *v == playing)
        .count();
    assert!(for_playing > 10, "{for_playing}");
}

#[test]
fn a_ten_second_dev_ttl_shrinks_the_margin_instead_of_minting_every_time() {
    let clip = video("vid_dev");
    let mut rig = Rig::new(TokenConfig::default(), FakeApi::new(secs(10)));

    // 40 s of playback, a token needed every second.
    for second in 0..40 {
        rig.run_until(at(second));
        let token = rig.need_token(&clip).unwrap();
        // A third of the lifetime, not the configured 30 s that exceeds it.
        assert_eq!(token.margin, secs(10) / 3);
    }
    // Each token is handed out for 6.7 s after receipt: 6 mints, not 40.
    let mints = rig.api.mints;
    assert_eq!(mints, 6, "mints at {:?}", rig.api.received);
    println!(
        "FIGURE: 40 s playback with a 10 s dev TTL, a token every second: {mints} mints for 40 requests"
    );
}
