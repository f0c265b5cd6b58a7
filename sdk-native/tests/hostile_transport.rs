//! The default transport against hostile servers on 127.0.0.1: redirects that would carry a
//! secret to another origin, and bodies that would exhaust memory.
//!
//! The servers are raw HTTP/1.1 over tokio sockets, so each can misbehave exactly as scripted.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sdk_core::TransportErrorKind;
use sdk_native::{Client, Error, PlaybackToken, UserToken, VideoId};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const KEY: &str = "ak_test_0123456789abcdef0123456789abcdef";
const PLAYBACK_TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.playback-secret.c2ln";
const USER_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.user-secret.c2ln";
const JOB_ID: &str = "3f0c8a52-5a1e-4c57-9b8e-2d7f6f0e9a10";
const VIDEO: &str = include_str!("../../sdk-core/fixtures/success/video.json");

/// What a scripted server sends back for one request.
enum Answer {
    /// A whole response, `Connection: close`.
    Raw(String),
    /// A chunked 200 that never ends.
    Endless,
    /// A 200 announcing a 10 GiB body, then silence.
    HugeLength,
}

type Handler = dyn Fn(&str) -> Answer + Send + Sync;

/// A server on 127.0.0.1:0 that records every request head it receives.
struct Server {
    addr: SocketAddr,
    heads: Arc<Mutex<Vec<String>>>,
    bytes_sent: Arc<AtomicU64>,
}

impl Server {
    async fn start(handler: impl Fn(&str) -> Answer + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let bytes_sent = Arc::new(AtomicU64::new(0));
        let handler: Arc<Handler> = Arc::new(handler);
        let (h, b) = (heads.clone(), bytes_sent.clone());
        // Runs until the test's runtime shuts down.
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(answer(stream, handler.clone(), h.clone(), b.clone()));
            }
        });
        Self {
            addr,
            heads,
            bytes_sent,
        }
    }

    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn requests(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

async fn answer(
    mut stream: TcpStream,
    handler: Arc<Handler>,
    heads: Arc<Mutex<Vec<String>>>,
    bytes_sent: Arc<AtomicU64>,
) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    heads.lock().unwrap().push(head.clone());
    match handler(&head) {
        Answer::Raw(response) => {
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
        Answer::Endless => {
            let start = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            if stream.write_all(start.as_bytes()).await.is_err() {
                return;
            }
            let chunk = format!("10000\r\n{}\r\n", "x".repeat(0x10000));
            // Until the client hangs up.
            while stream.write_all(chunk.as_bytes()).await.is_ok() {
                bytes_sent.fetch_add(0x10000, Ordering::Relaxed);
            }
        }
        Answer::HugeLength => {
            let start = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10737418240\r\n\r\n";
            let _ = stream.write_all(start.as_bytes()).await;
            let _ = stream.read(&mut buf).await;
        }
    }
}

fn redirect(status: &str, location: &str) -> Answer {
    Answer::Raw(format!(
        "HTTP/1.1 {status}\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    ))
}

fn ok_json(body: &str) -> Answer {
    Answer::Raw(format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    ))
}

/// The server a hostile redirect points at: it must never hear from the client.
async fn evil() -> Server {
    Server::start(|_| ok_json("{}")).await
}

/// An API that redirects every request to `target` with `status`.
async fn redirecting_api(status: &'static str, target: String) -> Server {
    Server::start(move |head| {
        let path = head.split_whitespace().nth(1).unwrap_or("/");
        redirect(status, &format!("{target}{path}"))
    })
    .await
}

fn client(base: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(base)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn assert_redirect_refused(err: &Error) {
    let Error::Transport(transport) = err else {
        panic!("expected a refused redirect, got {err:?}");
    };
    assert_eq!(transport.kind, TransportErrorKind::RedirectRefused, "{err}");
    assert!(!err.is_retryable());
    let message = err.to_string();
    assert!(message.contains("cross-origin"), "{message}");
    for secret in [KEY, PLAYBACK_TOKEN, USER_TOKEN, "127.0.0.1"] {
        assert!(
            !message.contains(secret),
            "the error names {secret}: {message}"
        );
    }
}

#[tokio::test]
async fn c3_a_cross_origin_redirect_never_carries_the_api_key() {
    let evil = evil().await;
    for status in [
        "302 Found",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ] {
        let api = redirecting_api(status, evil.base()).await;
        let client = client(&api.base());

        let err = client.get_video("vid_demo_encrypted").await.unwrap_err();
        assert_redirect_refused(&err);
        assert!(
            err.to_string().contains(&status[..3]),
            "names the status: {err}"
        );
        let err = client
            .mint_playback_token("vid_demo_encrypted")
            .await
            .unwrap_err();
        assert_redirect_refused(&err);
        let err = client.list_videos(&Default::default()).await.unwrap_err();
        assert_redirect_refused(&err);

        assert_eq!(
            api.requests().len(),
            3,
            "each call sent once, never retried"
        );
    }
    assert!(
        evil.requests().is_empty(),
        "the other origin heard nothing: {:?}",
        evil.requests()
    );
}

#[tokio::test]
async fn c3_a_cross_origin_redirect_never_carries_the_user_token() {
    let evil = evil().await;
    let api = redirecting_api("307 Temporary Redirect", evil.base()).await;
    let keys = client(&api.base()).keys(UserToken::new(USER_TOKEN).unwrap());

    assert_redirect_refused(&keys.list().await.unwrap_err());
    assert_redirect_refused(&keys.revoke(&"key_1".parse().unwrap()).await.unwrap_err());
    assert_eq!(api.requests().len(), 2);
    assert!(evil.requests().is_empty(), "{:?}", evil.requests());
}

#[tokio::test]
async fn c3_a_cross_origin_redirect_never_carries_the_playback_token_in_a_path() {
    let evil = evil().await;
    let api = redirecting_api("302 Found", evil.base()).await;
    let client = client(&api.base());
    let token = PlaybackToken::new(PLAYBACK_TOKEN).unwrap();
    let job = VideoId::new(JOB_ID).unwrap();

    assert_redirect_refused(&client.master_playlist(&token, &job).await.unwrap_err());
    assert_redirect_refused(
        &client
            .media_playlist(&token, &job, "720p")
            .await
            .unwrap_err(),
    );
    assert_redirect_refused(&client.fetch_key(&token, &job).await.unwrap_err());
    assert_eq!(api.requests().len(), 3);
    assert!(evil.requests().is_empty(), "{:?}", evil.requests());
}

#[tokio::test]
async fn c3_a_same_origin_redirect_is_still_followed_with_the_key() {
    let api = Server::start(|head| {
        if head.starts_with("GET /v1/video/vid_moved ") {
            redirect("302 Found", "/v1/video/vid_demo_encrypted")
        } else {
            ok_json(VIDEO)
        }
    })
    .await;
    let video = client(&api.base()).get_video("vid_moved").await.unwrap();
    assert_eq!(video.id.as_str(), "vid_demo_encrypted");
    let requests = api.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[1].starts_with("GET /v1/video/vid_demo_encrypted "));
    assert!(requests[1].to_ascii_lowercase().contains("x-ansdev-key: "));
    assert!(
        !requests[1].to_ascii_lowercase().contains("referer"),
        "no Referer repeats the previous URL"
    );
}

#[tokio::test]
async fn c3_a_same_origin_redirect_loop_stops_after_the_hop_limit() {
    let api = Server::start(|_| redirect("302 Found", "/v1/video/vid_loop")).await;
    let err = client(&api.base()).get_video("vid_loop").await.unwrap_err();
    let Error::Transport(transport) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(transport.kind, TransportErrorKind::RedirectRefused);
    assert_eq!(
        api.requests().len(),
        1 + sdk_native::transport::MAX_REDIRECTS,
        "the first request and the allowed hops, nothing more"
    );
}

#[tokio::test]
async fn s1_an_endless_body_stops_at_the_cap_promptly() {
    let api = Server::start(|_| Answer::Endless).await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(api.base())
        .timeout(Duration::from_secs(60))
        .max_response_bytes(1024 * 1024)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.get_video("vid_demo_encrypted").await.unwrap_err();
    let Error::Transport(transport) = &err else {
        panic!("expected BodyTooLarge, got {err:?}");
    };
    assert_eq!(transport.kind, TransportErrorKind::BodyTooLarge, "{err}");
    assert!(!err.is_retryable());
    assert_eq!(api.requests().len(), 1, "not retried");
    // Generous: the point is that it is not the 60 s timeout.
    assert!(started.elapsed() < Duration::from_secs(30));
    // What the server got out before the client hung up: the cap plus socket buffers, far from
    // the unbounded stream it would have sent.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent = api.bytes_sent.load(Ordering::Relaxed);
    assert!(
        sent < 64 * 1024 * 1024,
        "the client kept reading: {sent} bytes"
    );
}

#[tokio::test]
async fn s1_a_content_length_over_the_cap_is_refused_before_the_body() {
    let api = Server::start(|_| Answer::HugeLength).await;
    // The default cap (64 MiB) against a 10 GiB announcement that never arrives: the answer
    // cannot come from reading it.
    let err = client(&api.base())
        .get_video("vid_demo_encrypted")
        .await
        .unwrap_err();
    let Error::Transport(transport) = &err else {
        panic!("expected BodyTooLarge, got {err:?}");
    };
    assert_eq!(transport.kind, TransportErrorKind::BodyTooLarge, "{err}");
    assert!(
        err.to_string()
            .contains(&sdk_native::transport::DEFAULT_MAX_RESPONSE_BYTES.to_string())
    );
    assert_eq!(api.requests().len(), 1);
}

#[tokio::test]
async fn s1_a_custom_transport_is_held_to_the_cap_too() {
    let client = Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:9")
        .max_response_bytes(1024)
        .transport(sdk_native::FnTransport::new(|_request| async {
            Ok(http::Response::builder()
                .status(200)
                .body(bytes::Bytes::from(vec![b' '; 4096]))
                .unwrap())
        }))
        .build()
        .unwrap();
    let err = client.get_video("vid_demo_encrypted").await.unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.kind == TransportErrorKind::BodyTooLarge),
        "{err:?}"
    );
}

#[tokio::test]
async fn s4_a_quota_reset_years_away_is_capped_at_a_day_and_not_waited_for() {
    // No `Date` header: the wait comes from this machine's clock, and is capped all the same.
    let api = Server::start(|_| {
        let body = r#"{"success":false,"error":{"code":"RATE_LIMIT_EXCEEDED","message":"Daily limit of 1000 playback tokens exceeded.","status":429}}"#;
        Answer::Raw(format!(
            "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\nx-ratelimit-limit: 1000\r\nx-ratelimit-remaining: 0\r\nx-ratelimit-reset: 99999999999\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        ))
    })
    .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(api.base())
        .build()
        .unwrap();
    let err = client
        .mint_playback_token("vid_demo_encrypted")
        .await
        .unwrap_err();
    let Error::QuotaExhausted(quota) = &err else {
        panic!("expected the quota error, got {err:?}");
    };
    assert_eq!(
        quota.retry_after,
        Some(sdk_core::rate_limit::MAX_RESET_WAIT)
    );
    assert!(quota.reset_capped);
    assert!(err.to_string().contains("capped at 24 h"), "{err}");
    assert_eq!(
        api.requests().len(),
        1,
        "a day is not worth sleeping through"
    );
}

#[tokio::test]
async fn c3_a_caller_supplied_http_client_cannot_bring_its_own_redirect_policy() {
    let evil = evil().await;
    let api = redirecting_api("302 Found", evil.base()).await;
    // The app asks reqwest to follow anything; the SDK's policy replaces it.
    let client = Client::builder()
        .api_key(KEY)
        .base_url(api.base())
        .http_client(reqwest::Client::builder().redirect(reqwest::redirect::Policy::limited(10)))
        .build()
        .unwrap();
    assert_redirect_refused(&client.get_video("vid_demo_encrypted").await.unwrap_err());
    assert!(evil.requests().is_empty(), "{:?}", evil.requests());
}

#[tokio::test]
async fn c3_a_playback_session_mint_is_not_redirected_nor_retried() {
    let evil = evil().await;
    let api = redirecting_api("307 Temporary Redirect", evil.base()).await;
    let client = client(&api.base());
    let session = client.playback_ids(
        VideoId::new("vid_demo_encrypted").unwrap(),
        VideoId::new(JOB_ID).unwrap(),
    );
    assert_redirect_refused(&session.token().await.unwrap_err());
    assert_eq!(
        api.requests().len(),
        1,
        "a refused redirect is final for the token manager too"
    );
    assert!(evil.requests().is_empty(), "{:?}", evil.requests());
}
