//! Many sessions at once against one server: each its own client (its own token driver), each
//! downloads (master, playlist, key, every segment) and decrypts; mints and key fetches counted
//! exactly in the journal. The quota stays exact when more sessions race for it than it allows.

use std::time::{Duration, Instant};

use sdk_native::Error;

use crate::common::{self, ENC, KEY, KEY_SMALL, SMALL_LIMIT};
use crate::player::{self, KEY_ROUTE, MINT_ROUTE};

/// `sessions` concurrent downloads of the encrypted demo; returns the wall time.
async fn sessions_play_through(sessions: usize) -> Duration {
    let server = common::start(None).await;
    // The reference bytes, fetched before the journal is cleared.
    let client = server.client(KEY);
    let playback = client.playback(&client.get_video(ENC).await.unwrap());
    let mut clean = Vec::new();
    playback
        .download(Some("480p"), &mut clean, |_| {})
        .await
        .unwrap();
    let job_id = playback.job_id().clone();
    server.server.clear_requests();

    let started = Instant::now();
    let tasks: Vec<_> = (0..sessions)
        .map(|_| {
            let client = server.client(KEY);
            let job_id = job_id.clone();
            tokio::spawn(async move {
                let playback = client.playback_ids(sdk_native::VideoId::new(ENC).unwrap(), job_id);
                let mut out = Vec::new();
                playback
                    .download(Some("480p"), &mut out, |_| {})
                    .await
                    .map(|_| out)
            })
        })
        .collect();
    for task in tasks {
        let out = task.await.unwrap().unwrap();
        assert!(out == clean, "every session decrypted the same bytes");
    }
    let took = started.elapsed();
    assert_eq!(
        player::count(&server.server, MINT_ROUTE, 200),
        sessions,
        "one mint per session"
    );
    assert_eq!(
        player::count_any(&server.server, MINT_ROUTE),
        sessions,
        "no failed mint"
    );
    assert_eq!(
        player::count(&server.server, KEY_ROUTE, 200),
        sessions,
        "one key per session"
    );
    println!(
        "FIGURE: load, {sessions} concurrent native sessions downloaded and decrypted in {took:?}"
    );
    took
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn l1_twenty_concurrent_sessions_each_play_through() {
    // Generous: on a shared 2-core machine this takes a few seconds.
    assert!(sessions_play_through(20).await < Duration::from_secs(120));
}

/// `ANSDEV_LOAD_SESSIONS` (default 200) sessions; run by scripts/load.sh.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "load: run by scripts/load.sh"]
async fn l2_two_hundred_concurrent_sessions_each_play_through() {
    let sessions = std::env::var("ANSDEV_LOAD_SESSIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    assert!(sessions_play_through(sessions).await < Duration::from_secs(600));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn l3_quota_stays_exact_when_twenty_sessions_race_for_three_mints() {
    let server = common::start(None).await;
    let video = server.client(KEY_SMALL).get_video(ENC).await.unwrap();
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let playback = server.client(KEY_SMALL).playback(&video);
            tokio::spawn(async move { playback.token().await.map(|_| ()) })
        })
        .collect();
    let mut granted = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => granted += 1,
            Err(Error::QuotaExhausted(quota)) => assert!(quota.retry_after.is_some()),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(granted, SMALL_LIMIT as usize);
    assert_eq!(
        player::count(&server.server, MINT_ROUTE, 200),
        SMALL_LIMIT as usize
    );
    assert_eq!(
        player::count(&server.server, MINT_ROUTE, 429),
        20 - SMALL_LIMIT as usize
    );
}
