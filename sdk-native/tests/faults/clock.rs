//! The server clock jumps ten minutes ahead mid-playback: every token expires at once.

use std::time::Duration;

use crate::common::{self, ENC, KEY};
use crate::player::{self, KEY_ROUTE, MINT_ROUTE, TTL_SECONDS};

/// Ten minutes: past every token's life and any margin.
const JUMP_SECONDS: i64 = 600;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn n2_session_heals_a_ten_minute_clock_jump_mid_playback() {
    // 3 s tokens over 10 s (three lifetimes): with 2 s tokens on a loaded machine, a token minted
    // to heal could itself be refused at once by the server's whole-second expiry, which the core
    // rightly gives up on; that is the TTL's edge, not the jump's.
    let server = common::start(Some(TTL_SECONDS + 1)).await;
    let client = server.client(KEY);
    let playback = client.playback(&client.get_video(ENC).await.unwrap());
    let mut jumped = false;
    let played = player::play(&playback, Duration::from_secs(10), |elapsed| {
        if !jumped && elapsed >= Duration::from_secs(3) {
            server.server.advance_clock(JUMP_SECONDS).unwrap();
            jumped = true;
        }
    })
    .await;
    assert_eq!(played.failures, Vec::<String>::new());
    let mints = player::count(&server.server, MINT_ROUTE, 200);
    // The lazy refreshes of 10 s of 3 s tokens (≤ 8) and one re-mint for the refused token.
    assert!((4..=9).contains(&mints), "{mints} mints");
    // The token in hand when the clock jumped is refused once, then healed. (With 2 s tokens a
    // token may also be refused near its end without a jump: the server's expiry has whole-second
    // resolution and the margin is 0.67 s; that is healed the same way.) Each refusal is followed
    // by a mint, never by a second refusal of the same token, so refusals never outnumber mints.
    let refused = player::refusals(&server.server);
    assert!(refused >= 1, "the jump expired the token in hand");
    assert!(refused <= mints, "{refused} refusals for {mints} mints");
    println!(
        "FIGURE: n2 native session, clock +{JUMP_SECONDS} s at 3 s of 10 s: {} rounds, {mints} mints, \
         {refused} refusals healed, 0 failures",
        played.rounds
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn n2_download_started_with_a_token_the_clock_jump_expired_completes() {
    let server = common::start(Some(TTL_SECONDS)).await;
    let client = server.client(KEY);
    let playback = client.playback(&client.get_video(ENC).await.unwrap());
    let first = playback.token().await.unwrap();
    server.server.advance_clock(JUMP_SECONDS).unwrap();
    // The session still believes its token fresh; the server refuses it; one re-mint heals it.
    let mut out = Vec::new();
    let summary = playback
        .download(Some("480p"), &mut out, {
            // A second jump mid-body: segments are public, the key is held, nothing else needs a token.
            let server = &server.server;
            let mut jumped = false;
            move |p| {
                if !jumped && p.segments_done == 1 {
                    server.advance_clock(JUMP_SECONDS).unwrap();
                    jumped = true;
                }
            }
        })
        .await
        .unwrap();
    assert!(summary.encrypted);
    assert!(out.chunks(188).all(|packet| packet[0] == 0x47));
    assert!(playback.token().await.unwrap().generation > first.generation);
    let mints = player::count(&server.server, MINT_ROUTE, 200);
    assert!(
        (2..=3).contains(&mints),
        "{mints} mints: the first and its replacement (one more if 2 s ran out)"
    );
    assert_eq!(player::count(&server.server, KEY_ROUTE, 200), 1);
}
