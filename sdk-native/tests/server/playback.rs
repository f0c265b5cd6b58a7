use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::{FutureExt, StreamExt};
use sdk_native::{ErrorCode, PlaybackEvent, TokenConfig};
use serde_json::json;

use crate::common::{self, ENC, KEY, PLAIN};

/// A player that needs the key and a playlist every 100 ms for 7 s, with 2-second tokens:
/// more than three token lifetimes, and not one failed fetch.
#[tokio::test]
async fn playback_runs_past_several_token_lifetimes_without_a_failure() {
    let server = common::start(Some(2)).await;
    let client = server.client(KEY);
    let mut events = client.playback_events();
    let video = client.get_video(ENC).await.unwrap();
    let playback = client.playback(&video);
    let started = Instant::now();
    let mut fetches = 0;
    while started.elapsed() < Duration::from_secs(7) {
        let key = playback.key().await.expect("key fetch");
        assert_eq!(key.expose_secret().len(), 16);
        playback
            .media_playlist("720p")
            .await
            .expect("playlist fetch");
        fetches += 2;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut refreshed = 0;
    while let Some(Some(event)) = events.next().now_or_never() {
        if matches!(event, PlaybackEvent::TokenRefreshed { .. }) {
            refreshed += 1;
        }
    }
    // The server's journal counts the mints it answered; the events must agree with it.
    let mints = server
        .server
        .requests()
        .iter()
        .filter(|r| r.route == "/v1/video/{video_id}/playback-token" && r.status == 200)
        .count();
    assert_eq!(refreshed, mints, "one TokenRefreshed event per mint");
    // 7 s of 2 s tokens handed out until a third of their life is left: about one per 1.3 s.
    println!(
        "FIGURE: native playback of 7 s with 2 s tokens: {fetches} fetches, {mints} mints, 0 failures"
    );
    assert!((4..=8).contains(&mints), "{mints} mints");
}

#[tokio::test]
async fn a_thousand_concurrent_token_calls_spend_one_mint() {
    let server = common::start(None).await;
    let client = server.client(KEY);
    let video = client.get_video(ENC).await.unwrap();
    let playback = client.playback(&video);
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let playback = playback.clone();
            tokio::spawn(async move { playback.token().await.unwrap() })
        })
        .collect();
    let mut generations = std::collections::BTreeSet::new();
    for task in tasks {
        generations.insert(task.await.unwrap().generation);
    }
    assert_eq!(generations.len(), 1);
    // The server's own count, from its journal: one mint answered.
    let mints = server
        .server
        .requests()
        .iter()
        .filter(|r| r.route == "/v1/video/{video_id}/playback-token" && r.status == 200)
        .count();
    assert_eq!(mints, 1);
    println!("FIGURE: native, 1000 concurrent token() calls: 1 mint");
}

#[tokio::test]
async fn a_token_the_server_calls_expired_is_healed_by_one_remint() {
    let server = common::start(None).await;
    let client = server.client(KEY);
    let video = client.get_video(ENC).await.unwrap();
    let playback = client.playback(&video);
    let first = playback.token().await.unwrap();
    // The server's clock jumps past the token's TTL while the client's does not.
    server
        .dev("/dev/clock", json!({"advanceSeconds": 400}))
        .await;
    let key = playback.key().await.unwrap();
    assert_eq!(key.expose_secret().len(), 16);
    let second = playback.token().await.unwrap();
    assert!(
        second.generation > first.generation,
        "a fresh token replaced the refused one"
    );
}

#[tokio::test]
async fn downloads_and_decrypts_an_encrypted_rendition() {
    let server = common::start(None).await;
    let client = server.client(KEY);
    let video = client.get_video(ENC).await.unwrap();
    let playback = client.playback(&video);
    assert_eq!(playback.renditions().await.unwrap().len(), 2);
    let calls = Arc::new(AtomicUsize::new(0));
    let mut out = Vec::new();
    let summary = playback
        .download(Some("480p"), &mut out, {
            let calls = calls.clone();
            move |p| {
                calls.fetch_add(1, Ordering::SeqCst);
                assert!(p.segments_done <= p.segments_total);
            }
        })
        .await
        .unwrap();
    assert!(summary.encrypted);
    assert!(
        summary.duration >= Duration::from_secs(40),
        "{:?}",
        summary.duration
    );
    assert_eq!(calls.load(Ordering::SeqCst), summary.segments);
    assert_eq!(out.len() as u64, summary.bytes);
    // Decrypted MPEG-TS: a sync byte every 188 bytes.
    assert_eq!(out.len() % 188, 0);
    assert!(out.chunks(188).all(|packet| packet[0] == 0x47));
}

#[tokio::test]
async fn a_plain_video_downloads_without_a_key_and_refuses_one() {
    let server = common::start(None).await;
    let client = server.client(KEY);
    let video = client.get_video(PLAIN).await.unwrap();
    let playback = client.playback(&video);
    let mut out = Vec::new();
    let summary = playback.download(None, &mut out, |_| {}).await.unwrap();
    assert!(!summary.encrypted);
    assert_eq!(out[0], 0x47);
    assert_eq!(playback.key().await.unwrap_err().code(), ErrorCode::NoKey);
}

#[tokio::test]
async fn keep_warm_refreshes_before_callers_need_it() {
    let server = common::start(Some(3)).await;
    let client = server
        .builder(KEY)
        .token_config(TokenConfig::default().with_keep_warm(true))
        .build()
        .unwrap();
    let video = client.get_video(ENC).await.unwrap();
    let playback = client.playback(&video);
    playback.set_active(true).unwrap();
    let first = playback.token().await.unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    // The first token is now within its margin; a refreshed one is already waiting.
    let started = Instant::now();
    let later = playback.token().await.unwrap();
    assert!(later.generation > first.generation);
    assert!(
        started.elapsed() < Duration::from_millis(50),
        "token() did not wait for a mint"
    );
}
