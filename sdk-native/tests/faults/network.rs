//! 503 bursts and reset connections on the mint, manifest, key and segment routes.

use std::time::Duration;

use sdk_native::{Error, RetryPolicy};
use server_reference::Fault;

use crate::common::{self, ENC, KEY};
use crate::player::{self, KEY_ROUTE, MINT_ROUTE, TTL_SECONDS};

/// Token-bearing routes: the fault name and the journal's route pattern.
const ROUTES: [(&str, &str); 3] = [
    ("mint", MINT_ROUTE),
    (
        "manifest",
        "/v1/video/playback/manifest/{token}/{job_id}/{rendition}/index.m3u8",
    ),
    ("key", KEY_ROUTE),
];

/// Failed answers in one burst: two 503s then a reset connection, three in a row, which the
/// default retry policy (4 attempts) rides out; more in a row is an outage, not a burst.
const BURST: usize = 3;

/// Arms one burst on `route`.
fn arm_burst(server: &server_reference::RunningServer, route: &str) {
    server
        .arm_fault(Fault::on(route).status(503).count(2))
        .unwrap();
    server
        .arm_fault(Fault::on(route).reset_connection())
        .unwrap();
}

/// Arms a burst on every token-bearing route whose previous burst was used up (the journal
/// records a reset as a 503), so bursts never stack into an outage.
fn arm_bursts(server: &server_reference::RunningServer, armed: &mut [usize; 3]) {
    for (i, (fault, route)) in ROUTES.iter().enumerate() {
        if player::count(server, route, 503) >= armed[i] * BURST {
            arm_burst(server, fault);
            armed[i] += 1;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn n1_session_rides_out_503_bursts_and_resets_on_mint_manifest_and_key() {
    let server = common::start(Some(TTL_SECONDS)).await;
    let client = server.client(KEY);
    let playback = client.playback(&client.get_video(ENC).await.unwrap());
    // A fresh burst every second: each token lifetime meets one on every route.
    let mut next_burst = Duration::ZERO;
    let mut armed = [0; 3];
    let played = player::play(&playback, Duration::from_secs(7), |elapsed| {
        if elapsed >= next_burst {
            arm_bursts(&server.server, &mut armed);
            next_burst += Duration::from_secs(1);
        }
    })
    .await;
    assert!(
        armed.iter().all(|&n| n >= 3),
        "bursts armed per route: {armed:?}"
    );
    assert_eq!(played.failures, Vec::<String>::new());
    assert!(played.rounds >= 10, "{} rounds", played.rounds);
    let mints = player::count(&server.server, MINT_ROUTE, 200);
    let refused_mints = player::count(&server.server, MINT_ROUTE, 503);
    // 7 s of 2 s tokens handed out until a third of their life is left: about one per 1.3 s;
    // a burst may delay a mint past that point, never add one.
    assert!((4..=8).contains(&mints), "{mints} mints");
    assert!(
        refused_mints >= 2 * BURST,
        "the bursts hit the mint route: {refused_mints}"
    );
    println!(
        "FIGURE: n1 native session, bursts on mint/manifest/key every 1 s for 7 s: {} rounds, \
         {mints} mints ({refused_mints} mint 503s), {} key fetches, 0 failures",
        played.rounds,
        player::count(&server.server, KEY_ROUTE, 200)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn n1_download_rides_out_bursts_and_resets_mid_body_on_every_route() {
    let server = common::start(Some(TTL_SECONDS)).await;
    let client = server.client(KEY);
    let playback = client.playback(&client.get_video(ENC).await.unwrap());
    let mut clean = Vec::new();
    playback
        .download(Some("720p"), &mut clean, |_| {})
        .await
        .unwrap();
    server.server.clear_requests();

    // A fresh client and playback: its mint, playlists and key each meet a burst.
    let client = server.client(KEY);
    let playback = client.playback(&client.get_video(ENC).await.unwrap());
    for (fault, _) in ROUTES {
        arm_burst(&server.server, fault);
    }
    // Segments: a burst on the first, then a connection cut mid-answer on every other one
    // (armed from the progress callback: each fault hits the next request of its route).
    arm_burst(&server.server, "segment");
    let mut out = Vec::new();
    let summary = playback
        .download(Some("720p"), &mut out, |p| {
            if p.segments_done % 2 == 1 {
                server
                    .server
                    .arm_fault(Fault::on("segment").reset_connection())
                    .unwrap();
            }
        })
        .await
        .unwrap();
    assert!(summary.encrypted);
    assert_eq!(
        out, clean,
        "the same decrypted bytes as a download without faults"
    );
    assert_eq!(out[0], 0x47);
    assert_eq!(
        player::count(&server.server, KEY_ROUTE, 200),
        1,
        "one key fetch"
    );
    println!(
        "FIGURE: n1 native download under bursts and mid-body resets: {} segments, {} bytes, {} mints",
        summary.segments,
        summary.bytes,
        player::count(&server.server, MINT_ROUTE, 200)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn n1_download_cut_off_for_good_fails_once_with_a_retryable_transport_error() {
    let server = common::start(Some(TTL_SECONDS)).await;
    let client = server
        .builder(KEY)
        .retry_policy(
            RetryPolicy::default().with_delays(Duration::from_millis(5), Duration::from_millis(20)),
        )
        .build()
        .unwrap();
    let playback = client.playback(&client.get_video(ENC).await.unwrap());
    // Every segment answer is cut: no retry budget can get through.
    server
        .server
        .arm_fault(Fault::on("segment").reset_connection().count(10_000))
        .unwrap();
    let err = playback
        .download(Some("720p"), &mut Vec::new(), |_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(
        err.is_retryable(),
        "a cut connection may be retried later: {err:?}"
    );
}

/// Requests the server cuts while "offline": three calls' worth of attempts (4 each).
const OFFLINE_REQUESTS: u64 = 12;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn n5_network_down_then_back_fails_retryably_then_plays_on() {
    let server = common::start(Some(TTL_SECONDS)).await;
    let client = server.client(KEY);
    let playback = client.playback(&client.get_video(ENC).await.unwrap());
    playback.key().await.unwrap();
    // The network goes away: every request, on every route, is cut.
    server
        .server
        .arm_fault(Fault::on("any").reset_connection().count(OFFLINE_REQUESTS))
        .unwrap();
    let mut failed = 0;
    let mut recovered = false;
    for _ in 0..10 {
        match playback.key().await {
            Ok(key) => {
                assert_eq!(key.expose_secret().len(), 16);
                recovered = true;
                break;
            }
            Err(err) => {
                // Each call is told at once, with an error worth retrying; nothing is poisoned.
                assert!(err.is_retryable(), "{err:?}");
                assert!(
                    matches!(err, Error::Transport(_) | Error::Api(_)),
                    "{err:?}"
                );
                failed += 1;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(recovered, "the session plays on once the network is back");
    assert!(
        (1..=3).contains(&failed),
        "{failed} calls failed while offline"
    );
    // Back for good: three more token lifetimes of playback, and a full download.
    let played = player::play(&playback, Duration::from_secs(7), |_| {}).await;
    assert_eq!(played.failures, Vec::<String>::new());
    let mut out = Vec::new();
    playback
        .download(Some("480p"), &mut out, |_| {})
        .await
        .unwrap();
    assert!(out.chunks(188).all(|packet| packet[0] == 0x47));
    let mints = player::count(&server.server, MINT_ROUTE, 200);
    assert!(
        mints <= 10,
        "{mints} mints: the lazy refreshes of ~8 s of 2 s tokens, no storm"
    );
    println!(
        "FIGURE: n5 native session, {OFFLINE_REQUESTS} requests cut: {failed} calls failed retryably, \
         then {} rounds and a download, {mints} mints",
        played.rounds
    );
}
