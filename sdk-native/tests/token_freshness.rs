//! Token freshness against the reference server, counted in its request journal: keep-warm
//! spends about one mint per token lifetime, and a quota pause ends when a mint succeeds again.
//!
//! Print the figures with `cargo test -p sdk-native --test token_freshness -- --nocapture`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

use std::time::Duration;

use server_reference::{Config, Fault, RunningServer, SeedFile};

use sdk_native::{Client, ErrorCode, TokenConfig, VideoId};

const KEY: &str = "ak_test_20000000000000000000000000000001";
/// A key with two mints a day.
const KEY_TWO_A_DAY: &str = "ak_test_20000000000000000000000000000002";
const ENC: &str = "vid_fresh_enc";
const PLAIN: &str = "vid_fresh_plain";
const MINT_ROUTE: &str = "/v1/video/{video_id}/playback-token";

async fn server(ttl_seconds: u64) -> RunningServer {
    let mut config = Config::for_tests();
    config.token_ttl_seconds = Some(ttl_seconds);
    let server = server_reference::serve(config).await.unwrap();
    let seed: SeedFile = serde_json::from_value(serde_json::json!({
        "users": [{"id": "user_fresh"}],
        "apiKeys": [
            {"id": "key_fresh", "userId": "user_fresh", "key": KEY, "name": "fresh",
             "scopes": ["video:read"]},
            {"id": "key_two", "userId": "user_fresh", "key": KEY_TWO_A_DAY, "name": "two",
             "scopes": ["video:read"], "dailyTokenLimit": 2},
        ],
        "videos": [
            {"id": ENC, "jobId": "44444444-4444-4444-8444-444444444444", "userId": "user_fresh",
             "title": "enc", "status": "COMPLETED", "encrypted": true, "quality": "720p",
             "renditions": ["720p"]},
            {"id": PLAIN, "jobId": "55555555-5555-4555-8555-555555555555", "userId": "user_fresh",
             "title": "plain", "status": "COMPLETED", "encrypted": false, "quality": "720p",
             "renditions": ["720p"]},
        ]
    }))
    .unwrap();
    server.seed(&seed).unwrap();
    server
}

fn client(server: &RunningServer, key: &str, config: TokenConfig) -> Client {
    Client::builder()
        .api_key(key)
        .base_url(server.base_url())
        .token_config(config)
        .build()
        .unwrap()
}

/// Successful and refused mints in the journal.
fn mints(server: &RunningServer) -> (usize, usize) {
    let requests = server.requests();
    let of = |ok: bool| {
        requests
            .iter()
            .filter(|r| r.route == MINT_ROUTE && (r.status == 200) == ok)
            .count()
    };
    (of(true), of(false))
}

/// With a 10 s TTL the margin is a third (3.3 s), so a token is handed out for 6.7 s: keep-warm
/// mints once per 6.7 s, 6 or 7 times in 40 s with the first. Refreshing one margin earlier
/// (at a third of the life) spent 13.
#[tokio::test]
async fn f2_keep_warm_mints_once_per_fresh_window_not_at_a_third_of_the_life() {
    let server = server(10).await;
    let client = client(&server, KEY, TokenConfig::default().with_keep_warm(true));
    let video = client.get_video(ENC).await.unwrap();
    let playback = client.playback(&video);
    playback.set_active(true).unwrap();
    playback.token().await.unwrap();
    let watched = Duration::from_secs(40);
    let ticks = 40;
    for _ in 0..ticks {
        // A player asks for a token now and then; it must never find none.
        tokio::time::sleep(watched / ticks).await;
        playback.token().await.unwrap();
    }
    let (minted, refused) = mints(&server);
    println!("native keep-warm, TTL 10 s, {watched:?}: {minted} mints ({refused} refused)");
    assert_eq!(refused, 0);
    // ⌈40 / 6.67⌉ = 6, plus one for scheduling slack on a busy machine.
    assert!((5..=8).contains(&minted), "{minted} mints in {watched:?}");
}

/// The key's two mints a day are spent and the session pauses on the refusal; the server clock
/// passes the reset while another video's mint is under way. That mint succeeds, which proves
/// the quota is back: the session mints again instead of answering from its local pause.
#[tokio::test]
async fn f4_a_successful_mint_lifts_the_quota_pause_after_the_clock_passes_the_reset() {
    let server = server(300).await;
    let config = TokenConfig::default().with_max_attempts(1);
    let client = client(&server, KEY_TWO_A_DAY, config);
    client.mint_playback_token(ENC).await.unwrap();
    client.mint_playback_token(ENC).await.unwrap();

    let enc = client.playback_ids(VideoId::new(ENC).unwrap(), VideoId::new(ENC).unwrap());
    let plain = client.playback_ids(VideoId::new(PLAIN).unwrap(), VideoId::new(PLAIN).unwrap());
    // The next mint (the plain video's) is answered only after 1.5 s.
    server
        .arm_fault(
            Fault::on("mint")
                .status(200)
                .delay(Duration::from_millis(1500)),
        )
        .unwrap();
    let slow = tokio::spawn(async move { plain.token().await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let refused = enc.token().await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::RateLimitExceeded);
    // Past the daily reset, whatever the time of day.
    server.advance_clock(86_400).unwrap();
    // The pause fails the plain video's caller at once; its mint is still answered, late.
    let _ = slow.await.unwrap();
    for _ in 0..100 {
        if mints(&server).0 == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        mints(&server).0,
        3,
        "the delayed mint succeeded after the reset"
    );
    // The journal has it; give the driver a moment to take the answer in.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let token = enc.token().await;
    let (minted, refused) = mints(&server);
    println!("after the reset: {minted} mints, {refused} refused");
    assert!(token.is_ok(), "still paused: {:?}", token.err());
}

/// The key's two mints a day are spent and a session pauses on the refusal; the server clock
/// passes the reset, and the app mints directly (`Client::mint_playback_token`). That success
/// proves the quota is back: the session mints again at once instead of answering
/// `RATE_LIMIT_EXCEEDED` from its local pause until the reset its own clock expects.
#[tokio::test]
async fn f4_a_direct_mint_lifts_a_sessions_quota_pause() {
    let server = server(300).await;
    let config = TokenConfig::default().with_max_attempts(1);
    let client = client(&server, KEY_TWO_A_DAY, config);
    client.mint_playback_token(ENC).await.unwrap();
    client.mint_playback_token(ENC).await.unwrap();

    let enc = client.playback_ids(VideoId::new(ENC).unwrap(), VideoId::new(ENC).unwrap());
    let refused = enc.token().await.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::RateLimitExceeded);
    let paused = enc.token().await.unwrap_err();
    assert_eq!(
        paused.code(),
        ErrorCode::RateLimitExceeded,
        "paused locally"
    );

    server.advance_clock(86_400).unwrap();
    client.mint_playback_token(PLAIN).await.unwrap();
    let token = enc.token().await;
    let (minted, refused) = mints(&server);
    println!("after a direct mint past the reset: {minted} mints, {refused} refused");
    assert!(token.is_ok(), "still paused: {:?}", token.err());
    assert_eq!(minted, 4, "two spent, the direct one, then the session's");
}
