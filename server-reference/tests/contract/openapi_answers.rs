//! Real answers against `/openapi.json`: one request per documented answer a test can provoke
//! (success and refusal, every route), each checked for a documented status, media type and
//! headers, and its JSON body validated against the document's schema. A field added to a
//! response type without the document (or the other way round) fails here; schemathesis does
//! the same at random in `scripts/schemathesis.sh`.

use bytes::Bytes;
use http::Response;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{
    BUSY, ENC, ENC_JOB, Harness, KEY, KEY_NO_SCOPE, KEY_SMALL, PLAIN, PLAIN_JOB, SMALL_LIMIT, USER,
    into_http, start,
};

/// The document a `--dev` server serves, and the checks of one answer against it.
struct Document(Value);

impl Document {
    async fn of(h: &Harness) -> Self {
        let r = h.get("/openapi.json", None).await;
        assert_eq!(r.status(), 200);
        Self(serde_json::from_slice(r.body()).unwrap())
    }

    /// Asserts `response` is an answer the document gives for `method template`: its status,
    /// its media type, its documented headers, and (for JSON) a body its schema accepts.
    fn check(&self, method: &str, template: &str, response: &Response<Bytes>) {
        let status = response.status();
        let what = format!("{} {template} → {}", method.to_uppercase(), status.as_u16());
        let operation = &self.0["paths"][template][method];
        assert!(operation.is_object(), "{what}: operation not documented");
        let documented = &operation["responses"][status.as_str()];
        assert!(documented.is_object(), "{what}: status not documented");
        let media = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .unwrap_or_else(|| panic!("{what}: no content type"))
            .trim()
            .to_owned();
        let content = &documented["content"][media.as_str()];
        assert!(
            content.is_object(),
            "{what}: media type {media} not documented"
        );
        if let Some(headers) = documented["headers"].as_object() {
            for name in headers.keys() {
                let value = response.headers().get(name.as_str());
                let value = value.and_then(|v| v.to_str().ok()).unwrap_or_default();
                assert!(
                    value.parse::<u64>().is_ok(),
                    "{what}: header {name} = {value:?}"
                );
            }
        }
        if media.ends_with("json") {
            let body: Value = serde_json::from_slice(response.body())
                .unwrap_or_else(|e| panic!("{what}: not JSON ({e})"));
            self.validate(&what, &content["schema"], &body);
        }
    }

    /// Validates `body` against `schema`, resolving `#/components/…` in this document.
    fn validate(&self, what: &str, schema: &Value, body: &Value) {
        let mut root = json!({"components": self.0["components"].clone()});
        for (k, v) in schema.as_object().expect("a schema object") {
            root[k] = v.clone();
        }
        let validator = jsonschema::draft202012::new(&root)
            .unwrap_or_else(|e| panic!("{what}: the document's schema does not compile: {e}"));
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{what}: {errors:?}\nbody: {body}");
    }
}

async fn with_cookie(h: &Harness, path: &str, cookie: Option<&str>) -> Response<Bytes> {
    let mut request = h.http.get(h.url(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    into_http(request.send().await.unwrap()).await
}

#[tokio::test]
async fn every_answer_of_the_video_routes_matches_the_document() {
    let h = start().await;
    let doc = Document::of(&h).await;
    for (path, key) in [
        ("/v1/video", Some(KEY)),
        ("/v1/video?limit=0", Some(KEY)),
        ("/v1/video?offset=18446744073709551615", Some(KEY)),
        ("/v1/video", None),
        (
            "/v1/video",
            Some("ak_test_ffffffffffffffffffffffffffffffff"),
        ),
        ("/v1/video", Some(KEY_NO_SCOPE)),
    ] {
        doc.check("get", "/v1/video", &h.get(path, key).await);
    }
    for video in [ENC, PLAIN_JOB, "vid_missing", BUSY] {
        let r = h.get(&format!("/v1/video/{video}"), Some(KEY)).await;
        doc.check("get", "/v1/video/{videoId}", &r);
    }
    let mint = "/v1/video/{videoId}/playback-token";
    for video in [ENC, BUSY, "vid_missing"] {
        let r = h
            .post_empty(&format!("/v1/video/{video}/playback-token"), Some(KEY))
            .await;
        doc.check("post", mint, &r);
    }
    doc.check(
        "post",
        mint,
        &h.post_empty(
            &format!("/v1/video/{ENC}/playback-token"),
            Some(KEY_NO_SCOPE),
        )
        .await,
    );
    for _ in 0..SMALL_LIMIT {
        let r = h
            .post_empty(&format!("/v1/video/{ENC}/playback-token"), Some(KEY_SMALL))
            .await;
        assert_eq!(r.status(), 200);
    }
    let r = h
        .post_empty(&format!("/v1/video/{ENC}/playback-token"), Some(KEY_SMALL))
        .await;
    assert_eq!(r.status(), 429);
    doc.check("post", mint, &r);
}

#[tokio::test]
async fn every_answer_of_the_playback_routes_matches_the_document() {
    let h = start().await;
    let doc = Document::of(&h).await;
    let enc = h.token(ENC).await;
    let plain = h.token(PLAIN).await;
    let master = "/v1/video/playback/manifest/{token}/{jobId}/master.m3u8";
    let media = "/v1/video/playback/manifest/{token}/{jobId}/{rendition}/index.m3u8";
    let key = "/v1/video/playback/key/{token}/{jobId}";
    for (template, path) in [
        (
            master,
            format!("/v1/video/playback/manifest/{enc}/{ENC_JOB}/master.m3u8"),
        ),
        (
            master,
            format!("/v1/video/playback/manifest/junk/{ENC_JOB}/master.m3u8"),
        ),
        (
            master,
            format!("/v1/video/playback/manifest/{enc}/{PLAIN_JOB}/master.m3u8"),
        ),
        (
            media,
            format!("/v1/video/playback/manifest/{enc}/{ENC_JOB}/720p/index.m3u8"),
        ),
        (
            media,
            format!("/v1/video/playback/manifest/{enc}/{ENC_JOB}/999p/index.m3u8"),
        ),
        (key, format!("/v1/video/playback/key/{enc}/{ENC_JOB}")),
        (key, format!("/v1/video/playback/key/{plain}/{PLAIN_JOB}")),
        (key, format!("/v1/video/playback/key/{enc}/{PLAIN_JOB}")),
        (
            "/cdn/{jobId}/{rendition}/{chunk}",
            format!("/cdn/{ENC_JOB}/720p/chunk_0000.ts"),
        ),
        (
            "/cdn/{jobId}/{rendition}/{chunk}",
            format!("/cdn/{ENC_JOB}/720p/chunk_9999.ts"),
        ),
        ("/player/{videoId}", format!("/player/{ENC}?token={enc}")),
        ("/player/{videoId}", format!("/player/{ENC}")),
        ("/player/{videoId}", format!("/player/{PLAIN}?token={enc}")),
        (
            "/player-assets/{path}",
            "/player-assets/player.js".to_owned(),
        ),
        (
            "/player-assets/{path}",
            "/player-assets/player.css".to_owned(),
        ),
        (
            "/player-assets/{path}",
            "/player-assets/nothing.js".to_owned(),
        ),
    ] {
        doc.check("get", template, &h.get(&path, None).await);
    }
    let session = format!("ansdev_session={}", h.user_token(USER).await);
    for cookie in [Some(session.as_str()), None] {
        let r = with_cookie(&h, &format!("/video/key/{ENC_JOB}"), cookie).await;
        doc.check("get", "/video/key/{jobId}", &r);
    }
    let r = with_cookie(&h, &format!("/video/key/{PLAIN_JOB}"), Some(&session)).await;
    doc.check("get", "/video/key/{jobId}", &r);
}

#[tokio::test]
async fn every_answer_of_the_key_meta_and_dev_routes_matches_the_document() {
    let h = start().await;
    let doc = Document::of(&h).await;
    let bearer = format!("Bearer {}", h.user_token(USER).await);
    let auth = Some(bearer.as_str());
    let created = h
        .request(
            Method::POST,
            "/v1/keys",
            auth,
            Some(
                r#"{"name": "ci", "scopes": ["video:read"], "expiresAt": "2100-01-01T00:00:00Z"}"#,
            ),
        )
        .await;
    assert_eq!(created.status(), 201);
    doc.check("post", "/v1/keys", &created);
    let id = serde_json::from_slice::<Value>(created.body()).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (method, template, path, auth, body) in [
        (
            Method::POST,
            "/v1/keys",
            "/v1/keys",
            auth,
            Some(r#"{"name": ""}"#),
        ),
        (Method::POST, "/v1/keys", "/v1/keys", None, Some("{}")),
        (Method::GET, "/v1/keys", "/v1/keys", auth, None),
        (
            Method::GET,
            "/v1/keys",
            "/v1/keys",
            Some("Bearer junk"),
            None,
        ),
        (
            Method::DELETE,
            "/v1/keys/{id}",
            &format!("/v1/keys/{id}"),
            auth,
            None,
        ),
        (
            Method::DELETE,
            "/v1/keys/{id}",
            "/v1/keys/key_missing",
            auth,
            None,
        ),
        (
            Method::POST,
            "/dev/clock",
            "/dev/clock",
            None,
            Some(r#"{"advanceSeconds": 60}"#),
        ),
        (
            Method::POST,
            "/dev/clock",
            "/dev/clock",
            None,
            Some(r#"{"advanceSeconds": 0.5}"#),
        ),
        (
            Method::POST,
            "/dev/faults",
            "/dev/faults",
            None,
            Some(r#"{"route": "segment", "status": 599}"#),
        ),
        (
            Method::POST,
            "/dev/faults",
            "/dev/faults",
            None,
            Some(r#"{"route": "nowhere"}"#),
        ),
        (
            Method::POST,
            "/dev/users/{userId}/token",
            "/dev/users/someone/token",
            None,
            None,
        ),
    ] {
        let r = h.request(method.clone(), path, auth, body).await;
        doc.check(&method.as_str().to_lowercase(), template, &r);
    }
    for path in ["/healthz", "/.well-known/jwks.json", "/openapi.json"] {
        doc.check("get", path, &h.get(path, None).await);
    }
}
