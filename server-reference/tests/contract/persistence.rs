use sdk_core::ErrorCode;
use server_reference::StartError;

use crate::common::*;

const MASTER: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const OTHER_MASTER: &str = "ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

#[tokio::test]
async fn a_restart_on_the_same_file_keeps_everything_and_seeds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ansdev.sqlite");
    let first = start_with(|c| {
        c.db = Some(db.clone());
        c.master_key = Some(MASTER.into());
    })
    .await;
    assert_eq!(
        first
            .mint(KEY, ENC)
            .await
            .unwrap()
            .rate_limit
            .unwrap()
            .remaining,
        999
    );
    let token = first.token(ENC).await;
    let key_before = first
        .get(&format!("/v1/video/playback/key/{token}/{ENC_JOB}"), None)
        .await
        .body()
        .clone();
    let auth = format!("Bearer {}", first.user_token("user_persist").await);
    let r = first
        .http
        .post(first.url("/v1/keys"))
        .header("authorization", &auth)
        .json(&serde_json::json!({"name": "kept", "scopes": ["video:read"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    first.server.shutdown().await.unwrap();

    // Restart, without a seed: the demo dataset must not appear.
    let config = {
        let mut c = server_reference::Config::for_tests();
        c.db = Some(db.clone());
        c.master_key = Some(MASTER.into());
        c
    };
    let second = server_reference::serve(config).await.unwrap();
    assert!(second.demo_api_key().is_none());
    let h = Harness {
        base: second.base_url(),
        server: second,
        http: client(),
        _seed: None,
    };
    let page = json_of(&h.get("/v1/video", Some(KEY)).await);
    assert_eq!(page["data"]["total"], 3);
    // The daily counter survived (two mints before the restart).
    assert_eq!(
        h.mint(KEY, ENC)
            .await
            .unwrap()
            .rate_limit
            .unwrap()
            .remaining,
        997
    );
    // The same data key, unwrapped with the same master key.
    let token = h.token(ENC).await;
    let key_after = h
        .get(&format!("/v1/video/playback/key/{token}/{ENC_JOB}"), None)
        .await
        .body()
        .clone();
    assert_eq!(key_before, key_after);
    assert_eq!(key_after.len(), 16);
    let list = h
        .http
        .get(h.url("/v1/keys"))
        .header(
            "authorization",
            format!("Bearer {}", h.user_token("user_persist").await),
        )
        .send()
        .await
        .unwrap();
    let list = json_of(&into_http(list).await);
    assert_eq!(list["items"][0]["name"], "kept");
    // Revoked seed keys stay revoked.
    assert_ansdev_error(
        &h.get("/v1/video", Some(KEY_REVOKED)).await,
        ErrorCode::InvalidApiKey,
        None,
    );
}

#[tokio::test]
async fn another_master_key_makes_key_delivery_fail_for_real() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ansdev.sqlite");
    let first = start_with(|c| {
        c.db = Some(db.clone());
        c.master_key = Some(MASTER.into());
    })
    .await;
    first.server.shutdown().await.unwrap();

    let h = start_with(|c| {
        c.db = Some(db.clone());
        c.master_key = Some(OTHER_MASTER.into());
    })
    .await;
    let token = h.token(ENC).await;
    let r = h
        .get(&format!("/v1/video/playback/key/{token}/{ENC_JOB}"), None)
        .await;
    assert_ansdev_error(&r, ErrorCode::KeyDecryptFailed, None);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let err = h
        .call(&sdk_core::endpoint::FetchKey::new(
            &sdk_core::PlaybackToken::new(token).unwrap(),
            &sdk_core::VideoId::new(ENC_JOB).unwrap(),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::KeyDecryptFailed);
    // Encrypted segments cannot be produced either; plain videos still play.
    let r = h
        .get(&format!("/cdn/{ENC_JOB}/720p/chunk_0000.ts"), None)
        .await;
    assert_ansdev_error(&r, ErrorCode::KeyDecryptFailed, None);
    let r = h
        .get(&format!("/cdn/{PLAIN_JOB}/720p/chunk_0000.ts"), None)
        .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn a_file_database_needs_a_master_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = server_reference::Config::for_tests();
    config.db = Some(dir.path().join("x.sqlite"));
    assert!(matches!(
        server_reference::serve(config).await,
        Err(StartError::MasterKeyRequired)
    ));
    let mut config = server_reference::Config::for_tests();
    config.master_key = Some("abcd".into());
    assert!(matches!(
        server_reference::serve(config).await,
        Err(StartError::MasterKey(_))
    ));
}
