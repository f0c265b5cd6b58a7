use std::time::{Duration, Instant};

use sdk_core::{Error, ErrorCode};
use serde_json::json;

use crate::common::*;

/// Asserts a refused dev request: 422 `VALIDATION_ERROR` naming `field`, in the message too.
pub fn assert_dev_error(response: &http::Response<bytes::Bytes>, field: &str) {
    let body = json_of(response);
    assert_eq!(response.status(), 422, "{body}");
    assert_eq!(body["error"]["code"], "VALIDATION_ERROR", "{body}");
    assert_eq!(body["error"]["field"], field, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains(field), "{body}");
}

#[tokio::test]
async fn faults_hit_the_next_requests_of_their_route_then_stop() {
    let h = start().await;
    let arm = |rule: serde_json::Value| {
        let h = &h;
        async move {
            let r = h.post_json("/dev/faults", &rule).await;
            assert_eq!(r.status(), 200, "{rule}");
        }
    };
    arm(json!({"route": "mint", "status": 503, "count": 2})).await;
    for _ in 0..2 {
        let r = h
            .post_empty(&format!("/v1/video/{ENC}/playback-token"), Some(KEY))
            .await;
        assert_eq!(r.status(), 503);
        let body = json_of(&r);
        assert_eq!(body["error"]["code"], "INTERNAL_ERROR");
        assert_eq!(body["error"]["status"], 503);
    }
    // Other routes were never affected; the third mint is real again.
    assert_eq!(h.get("/v1/video", Some(KEY)).await.status(), 200);
    assert!(h.mint(KEY, ENC).await.is_ok());

    arm(json!({"route": "get", "status": 502, "body": "malformed"})).await;
    let r = h.get(&format!("/v1/video/{ENC}"), Some(KEY)).await;
    assert_eq!(r.status(), 502);
    assert!(serde_json::from_slice::<serde_json::Value>(r.body()).is_err());
    assert!(matches!(
        sdk_core::envelope::decode_error_response(&r),
        Error::Decode(_)
    ));

    arm(json!({"route": "list", "status": 500, "body": "empty"})).await;
    let r = h.get("/v1/video", Some(KEY)).await;
    assert_eq!(r.status(), 500);
    assert!(r.body().is_empty());

    arm(json!({"route": "any", "status": 429, "count": 1})).await;
    let r = h
        .get(&format!("/cdn/{PLAIN_JOB}/720p/chunk_0000.ts"), None)
        .await;
    assert_ansdev_error(&r, ErrorCode::RateLimitExceeded, None);

    arm(json!({"route": "key", "status": 200, "delayMs": 300})).await;
    let token = h.token(ENC).await;
    let started = Instant::now();
    let r = h
        .get(&format!("/v1/video/playback/key/{token}/{ENC_JOB}"), None)
        .await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.status(), 200);
    assert_eq!(r.body().len(), 16);

    arm(json!({"route": "segment", "status": 200, "resetConnection": true})).await;
    let result = async {
        h.http
            .get(h.url(&format!("/cdn/{PLAIN_JOB}/720p/chunk_0000.ts")))
            .send()
            .await?
            .bytes()
            .await
    }
    .await;
    assert!(result.is_err(), "the connection was cut");
    let r = h
        .get(&format!("/cdn/{PLAIN_JOB}/720p/chunk_0000.ts"), None)
        .await;
    assert_eq!(r.status(), 200);

    let r = h
        .post_json("/dev/faults", &json!({"route": "everything"}))
        .await;
    assert_dev_error(&r, "route");
}

#[tokio::test]
async fn dev_routes_exist_only_in_dev_mode() {
    let h = start_with(|c| c.dev = false).await;
    for path in ["/dev/clock", "/dev/faults", "/dev/users/user_1/token"] {
        let r = h.post_json(path, &json!({})).await;
        assert_ansdev_error(&r, ErrorCode::NotFound, None);
    }
    // Without dev mode the built-in provider publishes no key, so nothing signed with the
    // well-known dev key is accepted.
    let r = h.get("/.well-known/jwks.json", None).await;
    assert_eq!(json_of(&r), json!({"keys": []}));
    let dev = start().await;
    let token = dev.user_token(USER).await;
    let r = h
        .http
        .get(h.url("/v1/keys"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_intelligence_error(&into_http(r).await, 401);
}

#[tokio::test]
async fn the_clock_moves_forward() {
    let h = start().await;
    let before = h.server.state().server_clock().unix();
    let r = h
        .post_json("/dev/clock", &json!({"advanceSeconds": 3600}))
        .await;
    let unix = json_of(&r)["unix"].as_i64().unwrap();
    assert!((3600..3610).contains(&(unix - before)));
    let r = h.post_json("/dev/clock", &json!({"advance": 1})).await;
    assert_dev_error(&r, "body");
}
