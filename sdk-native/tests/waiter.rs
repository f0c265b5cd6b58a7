//! `Client::wait_until_ready` against the reference server's life-cycle route, in real time
//! with short pauses and generous bounds.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use sdk_native::{Client, ErrorCode, VideoStatus, WaitError, WaitOptions};
use server_reference::{Config, RunningServer, demo};

const GET_ROUTE: &str = "/v1/video/{video_id}";

async fn start() -> (Arc<RunningServer>, Client) {
    let server = server_reference::serve(Config::for_tests()).await.unwrap();
    let client = Client::builder()
        .api_key(server.demo_api_key().unwrap())
        .base_url(server.base_url())
        .build()
        .unwrap();
    (Arc::new(server), client)
}

/// Short pauses, and a deadline no noisy machine reaches while the test is working.
fn quick() -> WaitOptions {
    WaitOptions::default()
        .with_delays(Duration::from_millis(20), Duration::from_millis(100))
        .with_deadline(Duration::from_secs(30))
}

/// Moves the demo's transcoding video to `status` once the waiter has polled twice.
fn move_after_two_polls(server: &Arc<RunningServer>, status: VideoStatus) {
    let server = Arc::clone(server);
    tokio::spawn(async move {
        while server
            .requests()
            .iter()
            .filter(|r| r.route == GET_ROUTE)
            .count()
            < 2
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        server
            .set_video_status(demo::TRANSCODING_VIDEO_ID, &status)
            .unwrap();
    });
}

#[tokio::test]
async fn wait_until_ready_returns_the_video_once_it_completes() {
    let (server, client) = start().await;
    move_after_two_polls(&server, VideoStatus::Completed);
    let video = client
        .wait_until_ready(demo::TRANSCODING_VIDEO_ID, quick())
        .await
        .unwrap();
    assert_eq!(video.status, VideoStatus::Completed);
    let polls = server
        .requests()
        .iter()
        .filter(|r| r.route == GET_ROUTE)
        .count();
    assert!(polls >= 3, "{polls} polls");
    // It can be minted for at once.
    client
        .mint_playback_token(demo::TRANSCODING_VIDEO_ID)
        .await
        .unwrap();
}

#[tokio::test]
async fn wait_until_ready_ends_with_a_typed_error_when_the_video_fails() {
    let (server, client) = start().await;
    move_after_two_polls(&server, VideoStatus::Failed);
    let err = client
        .wait_until_ready(demo::TRANSCODING_VIDEO_ID, quick())
        .await
        .unwrap_err();
    let WaitError::Failed { video } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(video.id.as_str(), demo::TRANSCODING_VIDEO_ID);
    assert!(err.to_string().contains("failed processing"), "{err}");
}

#[tokio::test]
async fn wait_until_ready_gives_up_at_the_deadline_with_the_last_status() {
    let (server, client) = start().await;
    let options = WaitOptions::default()
        .with_delays(Duration::from_millis(20), Duration::from_millis(80))
        .with_deadline(Duration::from_millis(400));
    let started = std::time::Instant::now();
    let err = client
        .wait_until_ready(demo::TRANSCODING_VIDEO_ID, options)
        .await
        .unwrap_err();
    let WaitError::DeadlineExceeded { after, last_status } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(last_status.as_ref(), Some(&VideoStatus::Transcoding));
    assert!(*after >= Duration::from_millis(400), "{after:?}");
    // Generous: the deadline, not the test's patience, ended the wait.
    assert!(started.elapsed() < Duration::from_secs(20));
    // Backoff: 20, 40, 80, 80… ms pauses allow a handful of polls in 400 ms, never dozens.
    let polls = server
        .requests()
        .iter()
        .filter(|r| r.route == GET_ROUTE)
        .count();
    assert!((2..=12).contains(&polls), "{polls} polls");
}

#[tokio::test]
async fn wait_until_ready_passes_on_a_refusal() {
    let (_server, client) = start().await;
    let err = client
        .wait_until_ready("vid_missing", quick())
        .await
        .unwrap_err();
    let WaitError::Request(inner) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(inner.code(), ErrorCode::VideoNotFound);
}
