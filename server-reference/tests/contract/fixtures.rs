//! The server's real answers against the shared golden fixtures (`sdk-core/fixtures/`), and an
//! exhaustive walk over the catalog: every code this server can emit is produced for real,
//! compared with its fixture, and parsed back through sdk-core.

use bytes::Bytes;
use http::Response;
use sdk_core::{CodeFamily, ErrorCode};
use serde_json::{Value, json};

use crate::common::*;

fn fixture_text(rel: &str) -> String {
    let path = format!("{}/../sdk-core/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub(crate) fn fixture(rel: &str) -> Value {
    serde_json::from_str(&fixture_text(rel)).unwrap()
}

/// Same keys everywhere and same values, except under `ignore`d keys (ids, timestamps, tokens),
/// whose values need only be of the same kind (or null).
fn assert_shape(actual: &Value, expected: &Value, ignore: &[&str], path: &str) {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            let mut ak: Vec<_> = a.keys().collect();
            let mut ek: Vec<_> = e.keys().collect();
            ak.sort();
            ek.sort();
            assert_eq!(ak, ek, "keys at {path}");
            for (k, ev) in e {
                let av = &a[k];
                let p = format!("{path}.{k}");
                if ignore.contains(&k.as_str()) {
                    let kind = |v: &Value| std::mem::discriminant(v);
                    assert!(
                        av.is_null() || ev.is_null() || kind(av) == kind(ev),
                        "kind at {p}: {av} vs {ev}"
                    );
                } else {
                    assert_shape(av, ev, ignore, &p);
                }
            }
        }
        (Value::Array(a), Value::Array(e)) => {
            assert_eq!(a.len(), e.len(), "length at {path}");
            for (i, (av, ev)) in a.iter().zip(e).enumerate() {
                assert_shape(av, ev, ignore, &format!("{path}[{i}]"));
            }
        }
        _ => assert_eq!(actual, expected, "value at {path}"),
    }
}

/// Codes of the catalog this server never sends (docs/api.md §2, §9): 402 and 429 never come from
/// `/v1/keys`, which is the only Intelligence route served, and it has no 403 case.
/// Answered by the connection layer, not a route: a stalled request body
/// (`hostile_net::connections::c5_a_stalled_request_body_gets_408_after_the_request_timeout`
/// compares that answer with its fixture).
const EMITTED_BY_CONNECTIONS: &[ErrorCode] = &[ErrorCode::RequestTimeout];

const NEVER_EMITTED: &[ErrorCode] = &[
    ErrorCode::Forbidden,
    ErrorCode::TooManyRequests,
    ErrorCode::FreeTierLimitReached,
];

async fn keys_call(
    h: &Harness,
    method: reqwest::Method,
    path: &str,
    bearer: Option<&str>,
    body: Option<&str>,
) -> Response<Bytes> {
    let authorization = bearer.map(|token| format!("Bearer {token}"));
    h.request(method, path, authorization.as_deref(), body)
        .await
}

/// Produces `code` for real against `h` (and the drifted / JWKS-less servers where needed).
async fn produce(
    h: &Harness,
    drifted: &Harness,
    no_jwks: &Harness,
    code: &ErrorCode,
) -> Response<Bytes> {
    let now = h.server.state().server_clock().unix();
    let user = h.user_token(USER).await;
    match code {
        ErrorCode::ApiKeyRequired => h.get("/v1/video", None).await,
        ErrorCode::InvalidApiKey => h.get("/v1/video", Some(KEY_REVOKED)).await,
        ErrorCode::ApiKeyExpired => h.get("/v1/video", Some(KEY_EXPIRED)).await,
        ErrorCode::InsufficientScope => h.get("/v1/video", Some(KEY_NO_SCOPE)).await,
        ErrorCode::RateLimitExceeded => {
            for _ in 0..SMALL_LIMIT {
                h.mint(KEY_SMALL, ENC).await.unwrap();
            }
            h.post_empty(&format!("/v1/video/{ENC}/playback-token"), Some(KEY_SMALL))
                .await
        }
        ErrorCode::VideoNotFound => h.get("/v1/video/vid_nope", Some(KEY)).await,
        ErrorCode::VideoNotReady => {
            h.post_empty(&format!("/v1/video/{BUSY}/playback-token"), Some(KEY))
                .await
        }
        ErrorCode::PlaybackTokenExpired => {
            let token = h
                .server
                .state()
                .sign_playback_claims(&json!({"iss": "ansdev", "aud": "playback", "sub": ENC_JOB,
                    "vid": ENC, "kid": "key_main", "iat": now - 400, "exp": now - 100, "jti": "x"}))
                .unwrap();
            h.get(&format!("/v1/video/playback/key/{token}/{ENC_JOB}"), None)
                .await
        }
        ErrorCode::PlaybackTokenInvalid => {
            h.get(&format!("/v1/video/playback/key/garbage/{ENC_JOB}"), None)
                .await
        }
        ErrorCode::PlaybackTokenMismatch => {
            let token = h.token(PLAIN).await;
            h.get(&format!("/v1/video/playback/key/{token}/{ENC_JOB}"), None)
                .await
        }
        ErrorCode::NoKey => {
            let token = h.token(PLAIN).await;
            h.get(&format!("/v1/video/playback/key/{token}/{PLAIN_JOB}"), None)
                .await
        }
        ErrorCode::KeyDecryptFailed => {
            let token = drifted.token(ENC).await;
            drifted
                .get(&format!("/v1/video/playback/key/{token}/{ENC_JOB}"), None)
                .await
        }
        ErrorCode::InvalidRequest => h.get("/v1/video?limit=0", Some(KEY)).await,
        ErrorCode::NotFound => h.get("/v1/nothing-here", None).await,
        ErrorCode::MethodNotAllowed => {
            keys_call(h, reqwest::Method::PUT, "/v1/video", None, None).await
        }
        ErrorCode::InternalError => {
            let token = no_jwks.user_token(USER).await;
            let r = no_jwks
                .http
                .get(no_jwks.url(&format!("/video/key/{ENC_JOB}")))
                .header("cookie", format!("ansdev_session={token}"))
                .send()
                .await
                .unwrap();
            into_http(r).await
        }
        ErrorCode::Unauthorized => keys_call(h, reqwest::Method::GET, "/v1/keys", None, None).await,
        ErrorCode::ValidationError => {
            keys_call(h, reqwest::Method::POST, "/v1/keys", Some(&user), Some("{")).await
        }
        ErrorCode::ServerError => {
            let token = no_jwks.user_token(USER).await;
            keys_call(
                no_jwks,
                reqwest::Method::GET,
                "/v1/keys",
                Some(&token),
                None,
            )
            .await
        }
        ErrorCode::Conflict => {
            let auth = h.user_token("user_conflict").await;
            let body = r#"{"name": "k", "scopes": ["video:read"]}"#;
            for _ in 0..10 {
                let r = keys_call(
                    h,
                    reqwest::Method::POST,
                    "/v1/keys",
                    Some(&auth),
                    Some(body),
                )
                .await;
                assert_eq!(r.status(), 201);
            }
            keys_call(
                h,
                reqwest::Method::POST,
                "/v1/keys",
                Some(&auth),
                Some(body),
            )
            .await
        }
        other => panic!("no way to produce {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_code_the_server_can_emit_matches_its_fixture_and_parses_back() {
    let h = start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drift.sqlite");
    let first = start_with(|c| {
        c.db = Some(db.clone());
        c.master_key = Some("11".repeat(32));
    })
    .await;
    first.server.shutdown().await.unwrap();
    let drifted = start_with(|c| {
        c.db = Some(db.clone());
        c.master_key = Some("22".repeat(32));
    })
    .await;
    let no_jwks = start_with(|c| c.jwks_url = Some("http://127.0.0.1:9/jwks.json".into())).await;

    let mut produced = 0;
    for code in ErrorCode::ALL {
        if NEVER_EMITTED.contains(code) || EMITTED_BY_CONNECTIONS.contains(code) {
            continue;
        }
        let response = produce(&h, &drifted, &no_jwks, code).await;
        let info = code.info().unwrap();
        assert_eq!(response.status().as_u16(), info.status, "{code}");
        let body = json_of(&response);
        let family =
            if info.family == CodeFamily::Intelligence && !matches!(code, ErrorCode::NotFound) {
                "intelligence"
            } else {
                "ansdev"
            };
        let mut expected = fixture(&format!("errors/{family}/{code}.json"));
        if *code == ErrorCode::RateLimitExceeded {
            // The message names the key's own limit.
            expected["error"]["message"] = json!(format!(
                "Daily limit of {SMALL_LIMIT} playback tokens exceeded."
            ));
        }
        assert_eq!(body, expected, "{code}");
        let parsed = sdk_core::envelope::decode_error_response(&response);
        assert_eq!(parsed.code(), *code);
        assert_eq!(parsed.status(), Some(response.status()));
        produced += 1;
    }
    assert_eq!(
        produced,
        ErrorCode::ALL.len() - NEVER_EMITTED.len() - EMITTED_BY_CONNECTIONS.len()
    );

    // The generic 404 of /v1/keys is the Intelligence fixture.
    let user = h.user_token(USER).await;
    let r = keys_call(
        &h,
        reqwest::Method::DELETE,
        "/v1/keys/key_nope",
        Some(&user),
        None,
    )
    .await;
    assert_eq!(json_of(&r), fixture("errors/intelligence/NOT_FOUND.json"));
    // The cookie route's 401 is the Ansdev envelope with the Intelligence wording.
    let r = h.get(&format!("/video/key/{ENC_JOB}"), None).await;
    assert_eq!(
        json_of(&r),
        json!({"success": false, "error": {"code": "UNAUTHORIZED",
            "message": "Authentication required", "status": 401}})
    );
}

#[tokio::test]
async fn success_bodies_match_the_fixtures() {
    // The demo dataset mirrors the fixtures' videos.
    let mut config = server_reference::Config::for_tests();
    config.addr = "127.0.0.1:0".parse().unwrap();
    let server = server_reference::serve(config).await.unwrap();
    let key = server.demo_api_key().unwrap().to_owned();
    let h = Harness {
        base: server.base_url(),
        server,
        http: client(),
        _seed: None,
    };
    let times = ["createdAt", "updatedAt"];
    let r = h.get("/v1/video/vid_demo_encrypted", Some(&key)).await;
    assert_shape(
        &json_of(&r),
        &fixture("success/video.json"),
        &times,
        "video",
    );
    let r = h.get("/v1/video", Some(&key)).await;
    assert_shape(
        &json_of(&r),
        &fixture("success/video_page.json"),
        &times,
        "page",
    );

    let r = h
        .post_empty("/v1/video/vid_demo_encrypted/playback-token", Some(&key))
        .await;
    let body = json_of(&r);
    assert_shape(
        &body,
        &fixture("success/playback_token.json"),
        &["token", "playerUrl"],
        "mint",
    );
    let token = body["data"]["token"].as_str().unwrap();
    assert_eq!(
        body["data"]["playerUrl"],
        json!(format!(
            "{}/player/vid_demo_encrypted?token={token}",
            h.base
        ))
    );

    let user = h.user_token("user_fixture").await;
    let ids = [
        "id",
        "key",
        "prefix",
        "createdAt",
        "expiresAt",
        "revokedAt",
        "name",
        "scopes",
    ];
    let r = keys_call(
        &h,
        reqwest::Method::POST,
        "/v1/keys",
        Some(&user),
        Some(r#"{"name": "ci", "scopes": ["video:read"], "expiresAt": "2999-11-24T03:00:00Z"}"#),
    )
    .await;
    assert_eq!(r.status(), 201);
    let created = json_of(&r);
    assert_shape(
        &created,
        &fixture("success/api_key_created.json"),
        &ids[..6],
        "created",
    );
    let r = keys_call(
        &h,
        reqwest::Method::POST,
        "/v1/keys",
        Some(&user),
        Some(r#"{"name": "old laptop", "scopes": ["video:read", "vault:read"]}"#),
    )
    .await;
    let old = json_of(&r);
    let r = keys_call(
        &h,
        reqwest::Method::DELETE,
        &format!("/v1/keys/{}", old["id"].as_str().unwrap()),
        Some(&user),
        None,
    )
    .await;
    assert_shape(
        &json_of(&r),
        &fixture("success/api_key_revoked.json"),
        &ids[..6],
        "revoked",
    );
    let r = keys_call(&h, reqwest::Method::GET, "/v1/keys", Some(&user), None).await;
    assert_shape(
        &json_of(&r),
        &fixture("success/api_key_list.json"),
        &ids,
        "list",
    );
}

#[tokio::test]
async fn the_411_body_matches_its_fixture() {
    let h = start().await;
    let answer = h
        .raw("POST /v1/keys HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".into())
        .await;
    let body = answer.split("\r\n\r\n").nth(1).unwrap();
    assert_eq!(body, fixture_text("raw/length_required.txt").trim_end());
}
