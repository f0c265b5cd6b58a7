//! The catalog's client rows (`TIMEOUT`, `BUILD_ERROR`, `PLAYER_FREED`, …) are the SDK's own:
//! the reference server never answers with one, on any route and for any bad input, and its
//! OpenAPI document does not offer them as wire codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code, unreachable_pub)]
#[path = "server/common.rs"]
mod common;

use sdk_native::ErrorCode;
use serde_json::Value;

#[tokio::test]
async fn c1_the_reference_server_never_answers_with_a_client_code() {
    let server = common::start(None).await;
    let base = server.base();
    let token_path = format!("/v1/videos/{}/playback-token", common::ENC);
    let no_key = None;
    let bad_key = Some("ak_test_ffffffffffffffffffffffffffffffff");
    let good = Some(common::KEY);
    // Every family of refusal the server has: auth, scope, quota, ids, params, routes, methods,
    // tokens, keys and jobs.
    let requests: Vec<(&str, String, Option<&str>)> = vec![
        ("GET", "/v1/videos".into(), no_key),
        ("GET", "/v1/videos".into(), bad_key),
        ("GET", "/v1/videos".into(), Some(common::KEY_EXPIRED)),
        ("GET", "/v1/videos".into(), Some(common::KEY_NO_SCOPE)),
        ("GET", "/v1/videos?limit=0".into(), good),
        ("GET", "/v1/videos?offset=x".into(), good),
        ("GET", "/v1/videos/vid_missing".into(), good),
        ("GET", format!("/v1/videos/{}", "x".repeat(80)), good),
        ("POST", token_path.clone(), no_key),
        (
            "POST",
            format!("/v1/videos/{}/playback-token", common::BUSY),
            good,
        ),
        ("DELETE", token_path, good),
        ("GET", "/v1/nowhere".into(), good),
        (
            "GET",
            format!("/v1/videos/{}/hls/master.m3u8?token=junk", common::ENC),
            no_key,
        ),
        (
            "GET",
            format!("/v1/videos/{}/key?token=junk", common::ENC),
            no_key,
        ),
        ("GET", "/v1/keys".into(), no_key),
        ("POST", "/v1/keys".into(), no_key),
        ("GET", "/v1/jobs".into(), no_key),
    ];
    let client_codes: Vec<&str> = ErrorCode::CLIENT.iter().map(ErrorCode::as_str).collect();
    let mut codes_seen = 0;
    for (method, path, key) in requests {
        let mut request = server
            .http
            .request(method.parse().unwrap(), format!("{base}{path}"));
        if let Some(key) = key {
            request = request.header("x-ansdev-key", key);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let body = response.text().await.unwrap();
        let code = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|json| json["error"]["code"].as_str().map(str::to_owned));
        if let Some(code) = code {
            codes_seen += 1;
            assert!(
                !client_codes.contains(&code.as_str()),
                "{method} {path} answered {status} with the SDK's own code {code}"
            );
            assert!(
                ErrorCode::ALL.iter().any(|c| c.as_str() == code),
                "{method} {path} answered {code}, which is not a wire row"
            );
        }
    }
    assert!(codes_seen >= 10, "the requests were refused with envelopes");

    let openapi = server
        .http
        .get(format!("{base}/openapi.json"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for code in &client_codes {
        assert!(
            !openapi.contains(&format!("\"{code}\"")),
            "/openapi.json offers the client code {code}"
        );
    }
    assert!(
        openapi.contains("\"RATE_LIMIT_EXCEEDED\""),
        "the document lists wire codes"
    );
}
