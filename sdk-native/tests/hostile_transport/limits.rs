//! S1 and S4: a body larger than the cap is refused without reading it all, and a quota reset
//! years away is capped at a day.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use sdk_core::TransportErrorKind;
use sdk_native::{Client, Error};

use super::raw_server::{Answer, Server};
use super::{KEY, client};

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
