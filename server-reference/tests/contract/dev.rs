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
async fn a_fault_armed_for_a_route_pattern_hits_exactly_that_route() {
    let h = start().await;
    let master = "/v1/video/playback/manifest/{token}/{job_id}/master.m3u8";
    let r = h
        .post_json(
            "/dev/faults",
            &json!({"route": master, "status": 503, "count": 1}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let token = h.token(ENC).await;
    // The same token, the same job, the sibling route of the same short name: not hit.
    let media = h
        .get(
            &format!("/v1/video/playback/manifest/{token}/{ENC_JOB}/720p/index.m3u8"),
            None,
        )
        .await;
    assert_eq!(media.status(), 200);
    // A path that merely starts like the route, routed elsewhere (404): not hit either.
    let unrouted = h
        .get(
            &format!("/v1/video/playback/manifest/{token}/{ENC_JOB}/master.m3u8/x"),
            None,
        )
        .await;
    assert_eq!(unrouted.status(), 404);
    let r = h
        .get(
            &format!("/v1/video/playback/manifest/{token}/{ENC_JOB}/master.m3u8"),
            None,
        )
        .await;
    assert_eq!(r.status(), 503);
    // Used up: the next one is real. The journal names the pattern the fault was armed for.
    let r = h
        .get(
            &format!("/v1/video/playback/manifest/{token}/{ENC_JOB}/master.m3u8"),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    let statuses: Vec<u16> = h
        .server
        .requests()
        .iter()
        .filter(|e| e.route == master)
        .map(|e| e.status)
        .collect();
    assert_eq!(statuses, [503, 200]);

    // A path (not a pattern) and a dev route are refused by name.
    for route in [format!("/v1/video/{ENC}"), "/dev/clock".to_owned()] {
        let r = h.post_json("/dev/faults", &json!({"route": route})).await;
        assert_dev_error(&r, "route");
    }
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

#[tokio::test]
async fn c11_the_largest_clock_advances_are_refused_and_every_route_still_answers() {
    let h = start().await;
    let hundred_years: i64 = 100 * 31_557_600;
    for advance in [
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(1e300),
        json!(0.5),
        json!(hundred_years + 1),
        json!(-hundred_years - 1),
    ] {
        let r = h
            .post_json("/dev/clock", &json!({"advanceSeconds": advance}))
            .await;
        assert_dev_error(&r, "advanceSeconds");
    }
    let user = format!("Bearer {}", h.user_token(USER).await);
    every_route_answers(&h, &user).await;

    // The bound itself is allowed, and every route still computes its times there.
    let r = h
        .post_json("/dev/clock", &json!({"advanceSeconds": hundred_years}))
        .await;
    assert_eq!(r.status(), 200, "{}", json_of(&r));
    let user = format!("Bearer {}", h.user_token(USER).await);
    every_route_answers(&h, &user).await;
}

/// The routes that read the clock answer as usual.
async fn every_route_answers(h: &Harness, user: &str) {
    assert_eq!(h.get("/v1/video", Some(KEY)).await.status(), 200);
    let minted = h.mint(KEY, ENC).await.unwrap();
    let token = minted.token.expose_secret().to_owned();
    for path in [
        format!("/v1/video/playback/manifest/{token}/{ENC_JOB}/master.m3u8"),
        format!("/v1/video/playback/key/{token}/{ENC_JOB}"),
        format!("/player/{ENC}?token={token}"),
    ] {
        assert_eq!(h.get(&path, None).await.status(), 200, "{path}");
    }
    let r = h
        .post_empty(&format!("/v1/video/{ENC}/playback-token"), Some(KEY))
        .await;
    let now = h.server.state().server_clock().unix();
    let reset: i64 = r.headers()["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(reset > now && reset - now <= 86_400, "{reset} vs {now}");
    let r = h
        .request(reqwest::Method::GET, "/v1/keys", Some(user), None)
        .await;
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn c11_a_huge_token_ttl_is_capped_and_minting_still_works() {
    for ttl in [u64::MAX, i64::MAX as u64, u64::from(u32::MAX)] {
        let seed = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(seed.path(), seed_json().to_string()).unwrap();
        let mut config = server_reference::Config::for_tests();
        config.seed = Some(seed.path().to_owned());
        config.token_ttl_seconds = Some(ttl);
        // Refusing such a TTL at start-up would be as good as capping it.
        let Ok(server) = server_reference::serve(config).await else {
            continue;
        };
        let h = Harness {
            base: server.base_url(),
            server,
            http: client(),
            _seed: Some(seed),
        };
        let r = h
            .post_empty(&format!("/v1/video/{ENC}/playback-token"), Some(KEY))
            .await;
        assert_eq!(r.status(), 200, "ttl {ttl}: {}", json_of(&r));
        let data = &json_of(&r)["data"];
        let expires_in = data["expiresIn"].as_u64().unwrap();
        assert_eq!(expires_in, 7 * 86_400, "ttl {ttl}");
        let token = data["token"].as_str().unwrap();
        let r = h
            .get(
                &format!("/v1/video/playback/manifest/{token}/{ENC_JOB}/master.m3u8"),
                None,
            )
            .await;
        assert_eq!(r.status(), 200);
        // The announced life is the signed one: a second past it, the token has expired.
        h.advance(i64::try_from(expires_in).unwrap() + 1).await;
        let r = h
            .get(
                &format!("/v1/video/playback/manifest/{token}/{ENC_JOB}/master.m3u8"),
                None,
            )
            .await;
        assert_ansdev_error(&r, ErrorCode::PlaybackTokenExpired, None);
    }
}

#[tokio::test]
async fn c11_fault_fields_out_of_range_are_refused_by_name_and_never_sent() {
    let h = start().await;
    for (rule, field) in [
        (json!({"route": "mint", "status": 101}), "status"),
        (json!({"route": "mint", "status": 100}), "status"),
        (json!({"route": "mint", "status": 199}), "status"),
        (json!({"route": "mint", "status": 600}), "status"),
        (json!({"route": "mint", "status": 65_536}), "status"),
        (json!({"route": "mint", "count": 0}), "count"),
        (json!({"route": "mint", "count": -1}), "count"),
        (json!({"route": "mint", "count": u64::MAX}), "count"),
        (json!({"route": "mint", "delayMs": 3_600_000}), "delayMs"),
        (json!({"route": "mint", "delayMs": u64::MAX}), "delayMs"),
        (json!({"route": "mint", "body": "html"}), "body"),
        (json!({"route": "all"}), "route"),
    ] {
        let r = h.post_json("/dev/faults", &rule).await;
        assert_dev_error(&r, field);
    }
    // None of them was armed: the next mint is real.
    assert!(h.mint(KEY, ENC).await.is_ok());
    // The edges of the ranges are accepted.
    for rule in [
        json!({"route": "list", "status": 200, "count": 1}),
        json!({"route": "list", "status": 599, "count": 1}),
    ] {
        assert_eq!(h.post_json("/dev/faults", &rule).await.status(), 200);
    }
    assert_eq!(h.get("/v1/video", Some(KEY)).await.status(), 200);
    assert_eq!(h.get("/v1/video", Some(KEY)).await.status(), 599);
    assert_eq!(h.get("/v1/video", Some(KEY)).await.status(), 200);
}

#[tokio::test]
async fn c11_at_most_64_faults_are_armed_at_once() {
    let h = start().await;
    let rule = json!({"route": "segment", "status": 503});
    for n in 0..64 {
        let r = h.post_json("/dev/faults", &rule).await;
        assert_eq!(r.status(), 200, "rule {n}");
    }
    assert_dev_error(&h.post_json("/dev/faults", &rule).await, "faults");
    // Using one up makes room for one.
    let segment = format!("/cdn/{PLAIN_JOB}/720p/chunk_0000.ts");
    assert_eq!(h.get(&segment, None).await.status(), 503);
    assert_eq!(h.post_json("/dev/faults", &rule).await.status(), 200);
    assert_dev_error(&h.post_json("/dev/faults", &rule).await, "faults");
}
