use std::time::Duration;

use sdk_core::DecodeErrorKind;
use sdk_native::{Error, ErrorCode, RetryPolicy};
use serde_json::json;

use crate::common::{self, ENC, KEY, KEY_SMALL, SMALL_LIMIT};

#[tokio::test]
async fn a_503_burst_and_a_reset_connection_are_ridden_out() {
    let server = common::start(None).await;
    let client = server.client(KEY);
    server
        .fault(json!({"route": "get", "status": 503, "count": 2}))
        .await;
    assert_eq!(client.get_video(ENC).await.unwrap().id.as_str(), ENC);

    server
        .fault(json!({"route": "mint", "status": 503, "count": 1, "resetConnection": true}))
        .await;
    let video = client.get_video(ENC).await.unwrap();
    let token = client.playback(&video).token().await.unwrap();
    assert!(!token.token.expose_secret().is_empty());
}

#[tokio::test]
async fn malformed_and_empty_bodies_end_in_a_typed_decode_error() {
    let server = common::start(None).await;
    let client = server
        .builder(KEY)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    server
        .fault(json!({"route": "get", "status": 200, "count": 1, "body": "malformed"}))
        .await;
    let err = client.get_video(ENC).await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    server
        .fault(json!({"route": "list", "status": 502, "count": 1, "body": "empty"}))
        .await;
    let err = client.list_videos(&Default::default()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Decode(d) if d.kind == DecodeErrorKind::EmptyBody),
        "{err:?}"
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_slow_server_is_a_timeout() {
    let server = common::start(None).await;
    let client = server
        .builder(KEY)
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    server
        .fault(json!({"route": "get", "status": 200, "count": 1, "delayMs": 1000}))
        .await;
    let err = client.get_video(ENC).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    // With retries, the next attempt is on time.
    server
        .fault(json!({"route": "get", "status": 200, "count": 1, "delayMs": 1000}))
        .await;
    let patient = server
        .builder(KEY)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    assert!(patient.get_video(ENC).await.is_ok());
}

#[tokio::test]
async fn the_quota_runs_out_and_comes_back_at_utc_midnight() {
    let server = common::start(None).await;
    let client = server.client(KEY_SMALL);
    let mut reset_at = 0;
    for _ in 0..SMALL_LIMIT {
        reset_at = client
            .mint_playback_token(ENC)
            .await
            .unwrap()
            .rate_limit
            .unwrap()
            .reset_at;
    }
    let err = client.mint_playback_token(ENC).await.unwrap_err();
    let Error::QuotaExhausted(quota) = &err else {
        panic!("expected a quota error, got {err:?}")
    };
    assert_eq!(err.code(), ErrorCode::RateLimitExceeded);
    assert_eq!(quota.rate_limit.unwrap().reset_at, reset_at);
    assert_eq!(
        quota.message,
        format!("Daily limit of {SMALL_LIMIT} playback tokens exceeded.")
    );
    assert!(quota.retry_after.is_some());

    // Playback sessions fail at once too, with the same typed error.
    let video = client.get_video(ENC).await.unwrap();
    assert!(matches!(
        client.playback(&video).token().await,
        Err(Error::QuotaExhausted(_))
    ));

    // Move the server's clock to just past the reset: minting works again.
    let now = server.dev("/dev/clock", json!({"advanceSeconds": 0})).await["unix"]
        .as_i64()
        .unwrap();
    server
        .dev(
            "/dev/clock",
            json!({"advanceSeconds": reset_at as i64 - now + 1}),
        )
        .await;
    let minted = client.mint_playback_token(ENC).await.unwrap();
    assert_eq!(minted.rate_limit.unwrap().remaining, SMALL_LIMIT - 1);
}
