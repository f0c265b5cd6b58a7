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

/// A client whose every `GET /v1/video/{id}` answers `status`, counting the polls.
fn scripted(status: &'static str) -> (Client, Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let polls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&polls);
    let transport = sdk_native::FnTransport::new(move |_request: http::Request<bytes::Bytes>| {
        counter.fetch_add(1, Ordering::SeqCst);
        async move {
            let body = serde_json::json!({"success": true, "data": {
                "id": "vid_x", "jobId": "11111111-1111-4111-8111-111111111111", "title": "x",
                "status": status, "encrypted": false, "quality": "720p", "renditions": [],
                "durationSeconds": null, "createdAt": "2026-01-01T00:00:00Z",
                "updatedAt": "2026-01-01T00:00:00Z"}});
            Ok(http::Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(bytes::Bytes::from(body.to_string()))
                .unwrap())
        }
    });
    let client = Client::builder()
        .api_key("ak_test_00000000000000000000000000000001")
        .transport(transport)
        .build()
        .unwrap();
    (client, polls)
}

#[tokio::test]
async fn wait_until_ready_ends_on_a_status_it_does_not_know() {
    let (client, polls) = scripted("ARCHIVED");
    let err = client
        .wait_until_ready("vid_x", WaitOptions::default())
        .await
        .unwrap_err();
    let WaitError::UnexpectedStatus { video } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(video.status, VideoStatus::from_wire("ARCHIVED"));
    assert_eq!(polls.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn the_default_wait_backs_off_to_30_s_and_ends_at_10_minutes() {
    let (client, polls) = scripted("TRANSCODING");
    let started = tokio::time::Instant::now();
    let err = client
        .wait_until_ready("vid_x", WaitOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, WaitError::DeadlineExceeded { .. }), "{err:?}");
    assert_eq!(started.elapsed(), Duration::from_secs(600));
    // Polls at 0, 1, 3, 7, 15 s, then every 30 s from 31 to 571 s: 24 in 600 s (a poll every
    // second would be 600); the next (601 s) would come after the deadline.
    assert_eq!(polls.load(std::sync::atomic::Ordering::SeqCst), 24);
}
