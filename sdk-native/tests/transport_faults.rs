//! The client's retry loop against a scripted transport: what recovers, what fails, and with
//! which typed error. Time is paused, so backoffs cost nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use sdk_core::{DecodeErrorKind, TransportError, TransportErrorKind};
use sdk_native::{Client, ClientBuilder, Error, ErrorCode, FnTransport, RetryPolicy};

const KEY: &str = "ak_test_0123456789abcdef0123456789abcdef";

type Reply = Result<Response<Bytes>, TransportError>;

/// A transport that answers from a script and records what was asked.
#[derive(Clone, Default)]
struct Script {
    replies: Arc<Mutex<VecDeque<Reply>>>,
    seen: Arc<Mutex<Vec<Request<Bytes>>>>,
}

impl Script {
    fn new(replies: Vec<Reply>) -> Self {
        Self {
            replies: Arc::new(Mutex::new(replies.into())),
            seen: Arc::default(),
        }
    }

    fn client(&self) -> Client {
        self.client_with(|builder| builder)
    }

    fn client_with(&self, configure: impl FnOnce(ClientBuilder) -> ClientBuilder) -> Client {
        let script = self.clone();
        configure(Client::builder())
            .api_key(KEY)
            .base_url("http://127.0.0.1:9")
            .timeout(Duration::from_secs(5))
            .transport(FnTransport::new(move |request| {
                let script = script.clone();
                async move {
                    script.seen.lock().unwrap().push(request);
                    let reply = script.replies.lock().unwrap().pop_front();
                    match reply {
                        Some(reply) => reply,
                        // An exhausted script hangs, which the client's timeout must catch.
                        None => std::future::pending().await,
                    }
                }
            }))
            .build()
            .unwrap()
    }

    fn requests(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
}

fn json(status: u16, body: &str) -> Reply {
    Ok(Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Bytes::from(body.to_owned()))
        .unwrap())
}

fn video_body() -> String {
    r#"{"success":true,"data":{"id":"vid_1","jobId":"job-1","title":"t","status":"COMPLETED","encrypted":true,"quality":"720p","renditions":["720p"],"createdAt":"2026-11-20T10:00:00Z","updatedAt":"2026-11-20T10:00:00Z"}}"#.to_owned()
}

fn envelope(code: &str, status: u16) -> Reply {
    json(
        status,
        &format!(
            r#"{{"success":false,"error":{{"code":"{code}","message":"m","status":{status}}}}}"#
        ),
    )
}

#[tokio::test(start_paused = true)]
async fn a_503_burst_then_200_recovers() {
    let script = Script::new(vec![
        envelope("INTERNAL_ERROR", 503),
        json(502, "<html>Bad Gateway</html>"),
        Err(TransportError::new(
            TransportErrorKind::ConnectionReset,
            "reset",
        )),
        json(200, &video_body()),
    ]);
    let video = script.client().get_video("vid_1").await.unwrap();
    assert_eq!(video.job_id.as_str(), "job-1");
    assert_eq!(script.requests(), 4);
}

#[tokio::test(start_paused = true)]
async fn retries_are_bounded_and_the_last_error_is_typed() {
    let script = Script::new(vec![
        json(503, ""),
        json(503, ""),
        json(503, ""),
        json(503, ""),
    ]);
    let err = script.client().get_video("vid_1").await.unwrap_err();
    assert_eq!(script.requests(), 4, "default policy: 4 attempts");
    assert!(matches!(&err, Error::Decode(d) if d.kind == DecodeErrorKind::EmptyBody));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test(start_paused = true)]
async fn client_errors_are_not_retried() {
    let script = Script::new(vec![envelope("INVALID_API_KEY", 401)]);
    let err = script.client().get_video("vid_1").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidApiKey);
    assert_eq!(script.requests(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_slow_server_times_out_then_recovers() {
    // First attempt never answers (script pops nothing until the second request).
    let script = Script::new(vec![]);
    let client = script.client();
    let replies = script.replies.clone();
    let task = tokio::spawn(async move { client.get_video("vid_1").await });
    tokio::time::sleep(Duration::from_secs(6)).await;
    replies.lock().unwrap().push_back(json(200, &video_body()));
    let video = task.await.unwrap().unwrap();
    assert_eq!(video.id.as_str(), "vid_1");
    assert!(script.requests() >= 2);
}

#[tokio::test(start_paused = true)]
async fn a_malformed_success_body_names_the_field() {
    let bad = r#"{"success":true,"data":{"id":"vid_1","jobId":"job-1","title":7}}"#;
    let script = Script::new(vec![json(200, bad); 4]);
    let client = Client::builder()
        .api_key(KEY)
        .retry_policy(RetryPolicy::never())
        .transport(FnTransport::new({
            let script = script.clone();
            move |_| {
                let script = script.clone();
                async move { script.replies.lock().unwrap().pop_front().unwrap() }
            }
        }))
        .build()
        .unwrap();
    let err = client.get_video("vid_1").await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("data.title"), "{text}");
}

#[tokio::test(start_paused = true)]
async fn bad_input_fails_before_anything_is_sent() {
    let script = Script::new(vec![]);
    let client = script.client();
    let err = client.get_video(&"x".repeat(65)).await.unwrap_err();
    assert!(matches!(err, Error::Build(_)));
    let err = Client::builder()
        .api_key("ak_live_NOPE")
        .build()
        .unwrap_err();
    assert!(!err.to_string().contains("NOPE"));
    let keyless = Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    assert!(matches!(
        keyless.mint_playback_token("vid_1").await.unwrap_err(),
        Error::Build(sdk_core::BuildError::MissingApiKey)
    ));
    assert_eq!(script.requests(), 0);
}

#[tokio::test(start_paused = true)]
async fn the_key_is_sent_in_its_header_and_shown_nowhere_else() {
    let script = Script::new(vec![envelope("VIDEO_NOT_FOUND", 404)]);
    let client = script.client();
    let err = client.get_video("vid_1").await.unwrap_err();
    let seen = script.seen.lock().unwrap();
    assert_eq!(seen[0].headers()["x-ansdev-key"], KEY);
    assert!(
        seen[0].headers()["user-agent"]
            .to_str()
            .unwrap()
            .starts_with("ansdev-sdk-rust/")
    );
    for text in [format!("{client:?}"), format!("{err:?}"), err.to_string()] {
        assert!(!text.contains(&KEY[8..]), "key leaked: {text}");
    }
    assert!(format!("{client:?}").contains("ak_test_0123"));
}

#[tokio::test(start_paused = true)]
async fn the_deadline_bounds_a_hanging_attempt() {
    let script = Script::new(vec![]);
    let started = tokio::time::Instant::now();
    let err = script
        .client_with(|b| b.deadline(Duration::from_secs(2)))
        .get_video("vid_1")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { after } if after == Duration::from_secs(2)),
        "{err:?}"
    );
    assert_eq!(
        started.elapsed(),
        Duration::from_secs(2),
        "not the 5 s attempt timeout"
    );
}

#[tokio::test(start_paused = true)]
async fn the_deadline_stops_retries_that_could_not_finish_in_time() {
    let script = Script::new((0..10).map(|_| envelope("INTERNAL_ERROR", 503)).collect());
    let started = tokio::time::Instant::now();
    let err = script
        .client_with(|b| {
            b.deadline(Duration::from_secs(1)).retry_policy(
                RetryPolicy::default()
                    .with_max_attempts(10)
                    .with_delays(Duration::from_millis(300), Duration::from_secs(5)),
            )
        })
        .get_video("vid_1")
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::InternalError,
        "the last attempt's error"
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(script.requests() < 10, "{} attempts", script.requests());
}
