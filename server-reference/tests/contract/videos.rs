use http::StatusCode;
use sdk_core::endpoint::{GetVideo, ListVideos, VideoQuery};
use sdk_core::{ApiKey, ErrorCode, VideoId, VideoStatus};
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn healthz_answers() {
    let h = start().await;
    let r = h.get("/healthz", None).await;
    assert_eq!(r.status(), 200);
    assert_eq!(json_of(&r), json!({"status": "ok"}));
}

#[tokio::test]
async fn api_key_errors_come_in_catalog_order_on_every_key_route() {
    let h = start().await;
    let unknown = "ak_live_ffffffffffffffffffffffffffffffff";
    for (method, path) in [
        ("GET", "/v1/video".to_owned()),
        ("GET", format!("/v1/video/{ENC}")),
        ("POST", format!("/v1/video/{ENC}/playback-token")),
    ] {
        let call = |key: Option<&'static str>| {
            let path = path.clone();
            let h = &h;
            async move {
                if method == "GET" {
                    h.get(&path, key).await
                } else {
                    h.post_empty(&path, key).await
                }
            }
        };
        assert_ansdev_error(&call(None).await, ErrorCode::ApiKeyRequired, None);
        let r = call(Some(unknown)).await;
        assert_ansdev_error(&r, ErrorCode::InvalidApiKey, None);
        assert!(r.headers().get("x-ratelimit-limit").is_none());
        assert_ansdev_error(
            &call(Some("not-a-key")).await,
            ErrorCode::InvalidApiKey,
            None,
        );
        assert_ansdev_error(
            &call(Some(KEY_REVOKED)).await,
            ErrorCode::InvalidApiKey,
            None,
        );
        assert_ansdev_error(
            &call(Some(KEY_EXPIRED)).await,
            ErrorCode::ApiKeyExpired,
            None,
        );
        assert_ansdev_error(
            &call(Some(KEY_NO_SCOPE)).await,
            ErrorCode::InsufficientScope,
            None,
        );
    }
}

#[tokio::test]
async fn list_pages_newest_first_through_the_sdk() {
    let h = start().await;
    let key = ApiKey::new(KEY).unwrap();
    let page = h
        .call(&ListVideos::new(&key, VideoQuery::new()))
        .await
        .unwrap();
    let ids: Vec<_> = page
        .items
        .iter()
        .map(|v| v.id.as_str().to_owned())
        .collect();
    assert_eq!(ids, [ENC, PLAIN, BUSY]);
    assert_eq!((page.total, page.limit, page.offset), (3, 20, 0));
    let enc = &page.items[0];
    assert_eq!(enc.job_id.as_str(), ENC_JOB);
    assert!(enc.encrypted && enc.is_playable());
    assert_eq!(enc.renditions, ["720p", "480p"]);
    assert!(enc.duration_seconds.unwrap() >= 40.0);

    let page = h
        .call(&ListVideos::new(
            &key,
            VideoQuery::new().limit(1).unwrap().offset(1),
        ))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id.as_str(), PLAIN);
    assert_eq!(page.next_offset(), Some(2));
    let page = h
        .call(&ListVideos::new(
            &key,
            VideoQuery::new().status(VideoStatus::Transcoding),
        ))
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].id.as_str(), BUSY);
    let page = h
        .call(&ListVideos::new(&key, VideoQuery::new().offset(10)))
        .await
        .unwrap();
    assert!(page.items.is_empty());
    assert_eq!(page.total, 3);

    // The other user's key sees only that user's video.
    let other = ApiKey::new(KEY_OTHER).unwrap();
    let page = h
        .call(&ListVideos::new(&other, VideoQuery::new()))
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].id.as_str(), OTHERS);
}

#[tokio::test]
async fn bad_list_parameters_are_invalid_request() {
    let h = start().await;
    for query in [
        "limit=0",
        "limit=101",
        "limit=ten",
        "limit=",
        "offset=-1",
        "offset=x",
        "status=ARCHIVED",
    ] {
        let r = h.get(&format!("/v1/video?{query}"), Some(KEY)).await;
        assert_ansdev_error(&r, ErrorCode::InvalidRequest, None);
    }
    // Authentication comes before validation.
    let r = h.get("/v1/video?limit=0", None).await;
    assert_ansdev_error(&r, ErrorCode::ApiKeyRequired, None);
}

#[tokio::test]
async fn get_by_public_id_or_job_id_owner_only() {
    let h = start().await;
    let key = ApiKey::new(KEY).unwrap();
    for id in [ENC, ENC_JOB] {
        let video = h
            .call(&GetVideo::new(&key, VideoId::new(id).unwrap()))
            .await
            .unwrap();
        assert_eq!(video.id.as_str(), ENC);
    }
    for id in [
        OTHERS.to_owned(),
        OTHERS_JOB.to_owned(),
        "vid_nope".into(),
        "a".repeat(65),
    ] {
        let r = h.get(&format!("/v1/video/{id}"), Some(KEY)).await;
        assert_ansdev_error(&r, ErrorCode::VideoNotFound, None);
    }
    let r = h.get("/v1/video/bad%20id", Some(KEY)).await;
    assert_ansdev_error(&r, ErrorCode::VideoNotFound, None);
    // 64 characters is still a valid id shape (just unknown).
    let r = h
        .get(&format!("/v1/video/{}", "a".repeat(64)), Some(KEY))
        .await;
    assert_ansdev_error(&r, ErrorCode::VideoNotFound, None);
}

#[tokio::test]
async fn unknown_routes_and_methods() {
    let h = start().await;
    assert_ansdev_error(&h.get("/v2/nothing", None).await, ErrorCode::NotFound, None);
    let r = h
        .http
        .delete(h.url("/v1/video"))
        .header("x-ansdev-key", KEY)
        .send()
        .await
        .unwrap();
    assert_ansdev_error(&into_http(r).await, ErrorCode::MethodNotAllowed, None);
    let r = h
        .get(&format!("/v1/video/{ENC}/playback-token"), Some(KEY))
        .await;
    assert_ansdev_error(&r, ErrorCode::MethodNotAllowed, None);
}

#[tokio::test]
async fn cors_preflight_and_exposed_headers() {
    let h = start().await;
    let r = h
        .http
        .request(
            reqwest::Method::OPTIONS,
            h.url(&format!("/v1/video/{ENC}/playback-token")),
        )
        .header("origin", "https://app.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "x-ansdev-key")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let headers = r.headers();
    assert_eq!(headers["access-control-allow-origin"], "*");
    assert!(
        headers["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("x-ansdev-key")
    );
    assert!(
        headers["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("POST")
    );

    let r = h
        .http
        .post(h.url(&format!("/v1/video/{ENC}/playback-token")))
        .header("origin", "https://app.example")
        .header("x-ansdev-key", KEY)
        .header("content-length", "0")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["access-control-allow-origin"], "*");
    let exposed = r.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_owned();
    for name in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ] {
        assert!(exposed.contains(name), "{exposed}");
    }
}

#[tokio::test]
async fn a_configured_origin_is_the_only_one_allowed() {
    let h = start_with(|c| c.cors_origin = "https://app.example".into()).await;
    let r = h
        .http
        .get(h.url("/healthz"))
        .header("origin", "https://app.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    let r = h
        .http
        .get(h.url("/healthz"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn the_openapi_document_lists_every_public_route() {
    let h = start().await;
    let r = h.get("/openapi.json", None).await;
    assert_eq!(r.status(), 200);
    let doc = json_of(&r);
    assert_eq!(doc["openapi"], "3.1.0");
    let mut paths: Vec<_> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/.well-known/jwks.json",
            "/cdn/{jobId}/{rendition}/{chunk}",
            // The harness's server runs with --dev, the only time the dev routes are served
            // and documented.
            "/dev/clock",
            "/dev/faults",
            "/dev/requests",
            "/dev/seed",
            "/dev/users/{userId}/token",
            "/dev/videos/{videoId}/status",
            "/healthz",
            "/openapi.json",
            "/player-assets/{path}",
            "/player/{videoId}",
            "/v1/keys",
            "/v1/keys/{id}",
            "/v1/video",
            "/v1/video/playback/key/{token}/{jobId}",
            "/v1/video/playback/manifest/{token}/{jobId}/master.m3u8",
            "/v1/video/playback/manifest/{token}/{jobId}/{rendition}/index.m3u8",
            "/v1/video/{videoId}",
            "/v1/video/{videoId}/playback-token",
            "/video/key/{jobId}",
        ]
    );
    let mint = &doc["paths"]["/v1/video/{videoId}/playback-token"]["post"];
    assert!(mint["responses"]["429"].is_object());
    assert_eq!(mint["security"], json!([{"api_key": []}]));
    assert!(doc["components"]["securitySchemes"]["user_jwt"].is_object());
}
