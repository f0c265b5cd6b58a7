use futures_util::TryStreamExt;
use sdk_native::{Error, ErrorCode, VideoQuery, VideoStatus};

use crate::common::{self, BUSY, ENC, KEY, KEY_EXPIRED, KEY_NO_SCOPE, PLAIN};

#[tokio::test]
async fn lists_pages_and_gets_videos() {
    let server = common::start(None).await;
    let client = server.client(KEY);

    let page = client
        .list_videos(&VideoQuery::new().limit(2).unwrap())
        .await
        .unwrap();
    assert_eq!(
        (page.items.len(), page.total, page.next_offset()),
        (2, 3, Some(2))
    );
    let all: Vec<_> = client
        .videos(VideoQuery::new().limit(1).unwrap())
        .try_collect()
        .await
        .unwrap();
    let mut ids: Vec<_> = all.iter().map(|v| v.id.to_string()).collect();
    ids.sort();
    assert_eq!(ids, [BUSY, ENC, PLAIN]);
    let done = client
        .list_videos(&VideoQuery::new().status(VideoStatus::Completed))
        .await
        .unwrap();
    assert_eq!(done.total, 2);

    let video = client.get_video(ENC).await.unwrap();
    assert!(video.encrypted && video.is_playable());
    let by_job = client.get_video(video.job_id.as_str()).await.unwrap();
    assert_eq!(by_job.id, video.id);
}

#[tokio::test]
async fn mints_with_the_quota_state() {
    let server = common::start(None).await;
    let client = server.client(KEY);
    let minted = client.mint_playback_token(ENC).await.unwrap();
    assert_eq!(minted.expires_in.as_secs(), 300);
    let quota = minted.rate_limit.unwrap();
    assert_eq!((quota.limit, quota.remaining), (1000, 999));
    assert_eq!(quota.reset_at % 86_400, 0, "resets at 00:00 UTC");
    assert!(
        minted
            .player_url
            .unwrap()
            .contains("/player/vid_enc?token=")
    );
}

#[tokio::test]
async fn every_api_key_refusal_is_typed() {
    let server = common::start(None).await;
    let cases = [
        (
            server.client(KEY).get_video("vid_nope").await.unwrap_err(),
            ErrorCode::VideoNotFound,
        ),
        (
            server
                .client(KEY)
                .mint_playback_token(BUSY)
                .await
                .unwrap_err(),
            ErrorCode::VideoNotReady,
        ),
        (
            server
                .client("ak_test_ffffffffffffffffffffffffffffffff")
                .get_video(ENC)
                .await
                .unwrap_err(),
            ErrorCode::InvalidApiKey,
        ),
        (
            server.client(KEY_EXPIRED).get_video(ENC).await.unwrap_err(),
            ErrorCode::ApiKeyExpired,
        ),
        (
            server
                .client(KEY_NO_SCOPE)
                .get_video(ENC)
                .await
                .unwrap_err(),
            ErrorCode::InsufficientScope,
        ),
    ];
    for (err, code) in cases {
        assert_eq!(err.code(), code, "{err}");
        assert!(matches!(err, Error::Api(_)));
        assert!(!err.is_retryable());
        assert_eq!(err.status(), code.status());
    }
    // No key at all: the client refuses before sending.
    let keyless = sdk_native::Client::builder()
        .base_url(server.base())
        .build()
        .unwrap();
    assert!(matches!(
        keyless.get_video(ENC).await.unwrap_err(),
        Error::Build(_)
    ));
}
