//! The server as a test double: the request journal, `RunningServer`'s helpers, the `Date`
//! header on the dev clock, the life-cycle route, and the demo dataset's ids.

use std::time::Duration;

use sdk_core::{ErrorCode, VideoStatus};
use serde_json::{Value, json};
use server_reference::{Config, Fault, JOURNAL_CAPACITY, demo};

use crate::common::*;
use crate::dev::assert_dev_error;

const MINT_ROUTE: &str = "/v1/video/{video_id}/playback-token";

fn journal(body: &Value) -> Vec<Value> {
    body["requests"].as_array().unwrap().clone()
}

#[tokio::test]
async fn the_journal_counts_exactly_one_mint_over_http_and_in_process() {
    let h = start().await;
    h.get(&format!("/v1/video/{ENC}"), Some(KEY)).await;
    h.mint(KEY, ENC).await.unwrap();
    // A refused mint is journaled with its catalog code, and is not a mint.
    h.mint(KEY, BUSY).await.unwrap_err();
    let r = h.get("/dev/requests", None).await;
    assert_eq!(r.status(), 200);
    let body = json_of(&r);
    assert_eq!(body["capacity"], JOURNAL_CAPACITY);
    let entries = journal(&body);
    let routes: Vec<_> = entries
        .iter()
        .map(|e| e["route"].as_str().unwrap())
        .collect();
    assert_eq!(routes, ["/v1/video/{video_id}", MINT_ROUTE, MINT_ROUTE]);
    let mints: Vec<_> = entries
        .iter()
        .filter(|e| e["route"] == MINT_ROUTE && e["status"] == 200)
        .collect();
    assert_eq!(mints.len(), 1, "{body}");
    let mint = mints[0];
    assert_eq!(mint["method"], "POST");
    assert_eq!(mint["keyPrefix"], &KEY[..12]);
    assert_eq!(mint["videoId"], ENC);
    assert_eq!(mint["code"], Value::Null);
    assert!(mint["durationMs"].as_f64().unwrap() >= 0.0);
    let refused = &entries[2];
    assert_eq!(refused["status"], 400);
    assert_eq!(refused["code"], "VIDEO_NOT_READY");
    // Sequence numbers are increasing; the in-process view is the same list.
    let seqs: Vec<_> = entries.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    let in_process = h.server.requests();
    assert_eq!(in_process.len(), 3);
    assert_eq!(
        in_process
            .iter()
            .filter(|e| e.route == MINT_ROUTE && e.status == 200)
            .count(),
        1
    );
    // Cleared over HTTP, then in process.
    assert_eq!(
        h.request(reqwest::Method::DELETE, "/dev/requests", None, None)
            .await
            .status(),
        204
    );
    assert!(journal(&json_of(&h.get("/dev/requests", None).await)).is_empty());
    h.get("/healthz", None).await;
    assert_eq!(h.server.requests().len(), 1);
    h.server.clear_requests();
    assert!(h.server.requests().is_empty());
}

#[tokio::test]
async fn the_journal_holds_no_key_token_or_tokenized_path() {
    let h = start().await;
    let token = h.token(ENC).await;
    let user_token = h.user_token(USER).await;
    for path in [
        format!("/v1/video/playback/manifest/{token}/{ENC_JOB}/master.m3u8"),
        format!("/v1/video/playback/manifest/{token}/{ENC_JOB}/720p/index.m3u8"),
        format!("/v1/video/playback/key/{token}/{ENC_JOB}"),
        format!("/v1/video/playback/key/{token}x/{ENC_JOB}"),
    ] {
        h.get(&path, None).await;
    }
    h.request(
        reqwest::Method::GET,
        "/v1/keys",
        Some(&format!("Bearer {user_token}")),
        None,
    )
    .await;
    // A header that is not a key (here a token) leaves no prefix.
    h.get("/v1/video", Some(&token)).await;
    let text = String::from_utf8(h.get("/dev/requests", None).await.body().to_vec()).unwrap();
    for secret in [KEY, &token, &user_token] {
        assert!(!text.contains(secret), "a secret in the journal: {text}");
    }
    // Not even a fragment of the token (its signature) or the key's hex beyond the prefix.
    let signature = token.rsplit('.').next().unwrap();
    assert!(!text.contains(signature));
    assert!(!text.contains(&KEY[12..]));
    let entries = journal(&serde_json::from_str(&text).unwrap());
    assert!(
        entries
            .iter()
            .any(|e| e["route"] == "/v1/video/playback/key/{token}/{job_id}"
                && e["videoId"] == ENC_JOB
                && e["code"] == "PLAYBACK_TOKEN_INVALID")
    );
    let last = entries.last().unwrap();
    assert_eq!(last["route"], "/v1/video");
    assert_eq!(last["keyPrefix"], Value::Null);
}

#[tokio::test]
async fn the_journal_and_the_lifecycle_route_exist_only_in_dev_mode() {
    let h = start_with(|c| c.dev = false).await;
    h.get("/healthz", None).await;
    assert_ansdev_error(
        &h.get("/dev/requests", None).await,
        ErrorCode::NotFound,
        None,
    );
    let r = h
        .post_json(
            "/dev/videos/vid_busy/status",
            &json!({"status": "COMPLETED"}),
        )
        .await;
    assert_ansdev_error(&r, ErrorCode::NotFound, None);
    assert!(h.server.requests().is_empty());
}

#[tokio::test]
async fn advance_clock_outlives_a_token_and_is_bounded() {
    let h = start().await;
    let token = h.token(ENC).await;
    let path = format!("/v1/video/playback/key/{token}/{ENC_JOB}");
    assert_eq!(h.get(&path, None).await.status(), 200);
    let before = h.server.state().server_clock().unix();
    let now = h.server.advance_clock(301).unwrap();
    assert!(now.unix_timestamp() - before >= 301);
    assert_ansdev_error(
        &h.get(&path, None).await,
        ErrorCode::PlaybackTokenExpired,
        None,
    );
    let refused = h.server.advance_clock(i64::MAX).unwrap_err();
    assert_eq!(refused.field(), "advanceSeconds");
}

#[tokio::test]
async fn arm_fault_hits_the_next_request_of_its_route_and_is_checked() {
    let h = start().await;
    h.server
        .arm_fault(Fault::on("get").status(500).delay(Duration::from_millis(1)))
        .unwrap();
    let path = format!("/v1/video/{ENC}");
    assert_ansdev_error(
        &h.get(&path, Some(KEY)).await,
        ErrorCode::InternalError,
        None,
    );
    assert_eq!(h.get(&path, Some(KEY)).await.status(), 200);
    h.server
        .arm_fault(Fault::on("get").status(503).empty_body())
        .unwrap();
    let r = h.get(&path, Some(KEY)).await;
    assert_eq!(r.status(), 503);
    assert!(r.body().is_empty());
    for (fault, field) in [
        (Fault::on("everything"), "route"),
        (Fault::on("get").status(600), "status"),
        (Fault::on("get").count(0), "count"),
        (Fault::on("get").delay(Duration::from_secs(61)), "delayMs"),
    ] {
        assert_eq!(h.server.arm_fault(fault).unwrap_err().field(), field);
    }
}

#[tokio::test]
async fn user_token_authorizes_the_keys_routes() {
    let h = start().await;
    let token = h.server.user_token(USER).unwrap();
    let r = h
        .request(
            reqwest::Method::GET,
            "/v1/keys",
            Some(&format!("Bearer {}", token.expose_secret())),
            None,
        )
        .await;
    assert_eq!(r.status(), 200, "{:?}", r.body());
    assert_eq!(h.server.user_token("").unwrap_err().field(), "userId");
    assert!(!format!("{token:?}").contains(token.expose_secret()));
}

#[tokio::test]
async fn set_video_status_moves_a_video_through_its_life_cycle() {
    let h = start().await;
    // Over HTTP: a named refusal for an unknown status, body or video.
    let path = format!("/dev/videos/{BUSY}/status");
    assert_dev_error(
        &h.post_json(&path, &json!({"status": "DONE"})).await,
        "status",
    );
    assert_dev_error(
        &h.post_json(&path, &json!({"state": "FAILED"})).await,
        "body",
    );
    assert_dev_error(
        &h.post_json("/dev/videos/vid_nope/status", &json!({"status": "FAILED"}))
            .await,
        "videoId",
    );
    let r = h.post_json(&path, &json!({"status": "UPLOADING"})).await;
    assert_eq!(r.status(), 200);
    assert_eq!(json_of(&r)["status"], "UPLOADING");
    let r = h.get(&format!("/v1/video/{BUSY}"), Some(KEY)).await;
    assert_eq!(json_of(&r)["data"]["status"], "UPLOADING");
    h.mint(KEY, BUSY).await.unwrap_err();
    // In process: COMPLETED makes the video playable at once.
    h.server
        .set_video_status(BUSY, &VideoStatus::Completed)
        .unwrap();
    let token = h.token(BUSY).await;
    let job = "33333333-3333-4333-8333-333333333333";
    let r = h
        .get(
            &format!("/v1/video/playback/manifest/{token}/{job}/master.m3u8"),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    let video = json_of(&h.get(&format!("/v1/video/{BUSY}"), Some(KEY)).await);
    assert!(video["data"]["durationSeconds"].as_f64().unwrap() > 0.0);
    let refused = h
        .server
        .set_video_status(BUSY, &VideoStatus::from_wire("ARCHIVED"))
        .unwrap_err();
    assert_eq!(refused.field(), "status");
}

#[tokio::test]
async fn the_demo_constants_name_the_demo_dataset() {
    let server = server_reference::serve(Config::for_tests()).await.unwrap();
    let key = server.demo_api_key().unwrap().to_owned();
    let http = client();
    for (video, job, status) in [
        (
            demo::ENCRYPTED_VIDEO_ID,
            demo::ENCRYPTED_JOB_ID,
            "COMPLETED",
        ),
        (demo::PLAIN_VIDEO_ID, demo::PLAIN_JOB_ID, "COMPLETED"),
        (
            demo::TRANSCODING_VIDEO_ID,
            demo::TRANSCODING_JOB_ID,
            "TRANSCODING",
        ),
    ] {
        let r = http
            .get(format!("{}/v1/video/{job}", server.base_url()))
            .header("x-ansdev-key", &key)
            .send()
            .await
            .unwrap();
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["data"]["id"], video);
        assert_eq!(body["data"]["status"], status);
    }
    let token = server.user_token(demo::USER_ID).unwrap();
    let keys: Value = http
        .get(format!("{}/v1/keys", server.base_url()))
        .bearer_auth(token.expose_secret())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        keys.to_string().contains(demo::KEY_ID),
        "the demo key's id: {keys}"
    );
}

/// Unix seconds of an IMF-fixdate `Date` header.
fn date_of(response: &http::Response<bytes::Bytes>) -> i64 {
    let text = response.headers()["date"].to_str().unwrap();
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(text, &format)
        .unwrap()
        .assume_utc()
        .unix_timestamp()
}

#[tokio::test]
async fn the_date_header_follows_the_dev_clock_so_reset_minus_date_is_right() {
    let h = start().await;
    // 30 hours ahead: the old `Date` (wall clock) made "reset − Date" about 32 hours.
    h.advance(30 * 3600).await;
    let r = h
        .post_empty(&format!("/v1/video/{ENC}/playback-token"), Some(KEY))
        .await;
    assert_eq!(r.status(), 200);
    let date = date_of(&r);
    let server_now = h.server.state().server_clock().unix();
    assert!((server_now - date).abs() <= 5, "{server_now} vs {date}");
    let reset: i64 = r.headers()["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let wait = reset - date;
    assert!((1..=86_400).contains(&wait), "wait {wait} s");
    // Every route, errors and unmatched paths included.
    let r = h.get("/no/such/route", None).await;
    assert!((server_now - date_of(&r)).abs() <= 5);
}

#[tokio::test]
async fn a_scheduled_status_applies_once_the_dev_clock_reaches_it() {
    let h = start().await;
    let path = format!("/dev/videos/{BUSY}/status");
    let status_of = |r: &http::Response<bytes::Bytes>| json_of(r)["data"]["status"].clone();
    let r = h
        .post_json(&path, &json!({"status": "COMPLETED", "afterSeconds": 60}))
        .await;
    assert_eq!(r.status(), 202, "{:?}", r.body());
    let video = format!("/v1/video/{BUSY}");
    assert_eq!(status_of(&h.get(&video, Some(KEY)).await), "TRANSCODING");
    h.advance(59).await;
    assert_eq!(status_of(&h.get(&video, Some(KEY)).await), "TRANSCODING");
    h.advance(1).await;
    assert_eq!(status_of(&h.get(&video, Some(KEY)).await), "COMPLETED");
    // In process, the same way.
    h.server
        .schedule_video_status(BUSY, &VideoStatus::Failed, Duration::from_secs(5))
        .unwrap();
    h.server.advance_clock(5).unwrap();
    assert_eq!(status_of(&h.get(&video, Some(KEY)).await), "FAILED");
    // Bounds, named.
    for (body, field) in [
        (
            json!({"status": "COMPLETED", "afterSeconds": -1}),
            "afterSeconds",
        ),
        (
            json!({"status": "COMPLETED", "afterSeconds": 1.5}),
            "afterSeconds",
        ),
        (
            json!({"status": "COMPLETED", "afterSeconds": 31_557_601}),
            "afterSeconds",
        ),
        (json!({"status": "SOON", "afterSeconds": 1}), "status"),
    ] {
        assert_dev_error(&h.post_json(&path, &body).await, field);
    }
    assert_dev_error(
        &h.post_json(
            "/dev/videos/vid_nope/status",
            &json!({"status": "FAILED", "afterSeconds": 1}),
        )
        .await,
        "videoId",
    );
    for _ in 0..64 {
        let body = json!({"status": "QUEUED", "afterSeconds": 3600});
        assert_eq!(h.post_json(&path, &body).await.status(), 202);
    }
    let body = json!({"status": "QUEUED", "afterSeconds": 3600});
    assert_dev_error(&h.post_json(&path, &body).await, "afterSeconds");
}

#[tokio::test]
async fn seed_adds_users_keys_and_videos_at_run_time_and_refuses_a_clash_whole() {
    let h = start().await;
    let new_key = "ak_test_5eed5eed5eed5eed5eed5eed5eed5eed";
    let seed = json!({
        "users": [{"id": "user_seeded"}],
        "apiKeys": [{"id": "key_seeded", "userId": "user_seeded", "key": new_key,
                     "name": "seeded", "scopes": ["video:read"]}],
        "videos": [{"id": "vid_seeded", "jobId": "job-seeded", "userId": "user_seeded",
                    "title": "Seeded", "status": "UPLOADING", "encrypted": false,
                    "quality": "720p", "renditions": ["720p"]}]
    });
    let r = h.post_json("/dev/seed", &seed).await;
    assert_eq!(r.status(), 201, "{}", json_of(&r));
    assert_eq!(json_of(&r), json!({"users": 1, "apiKeys": 1, "videos": 1}));
    let listed = json_of(&h.get("/v1/video", Some(new_key)).await);
    assert_eq!(listed["data"]["items"][0]["id"], "vid_seeded");
    assert_eq!(listed["data"]["items"][0]["status"], "UPLOADING");

    // A clash refuses the whole seed: the new key beside the reused video id is not stored.
    let clash_key = "ak_test_c1a5c1a5c1a5c1a5c1a5c1a5c1a5c1a5";
    let clash = json!({
        "apiKeys": [{"id": "key_clash", "userId": "user_seeded", "key": clash_key,
                     "name": "clash", "scopes": ["video:read"]}],
        "videos": [{"id": "vid_seeded", "jobId": "job-other", "userId": "user_seeded",
                    "title": "Again", "status": "COMPLETED", "encrypted": false,
                    "quality": "720p", "renditions": ["720p"]}]
    });
    let r = h.post_json("/dev/seed", &clash).await;
    assert_dev_error(&r, "body");
    assert_eq!(h.get("/v1/video", Some(clash_key)).await.status(), 401);

    // A malformed key is named by its position, never echoed.
    let bad = json!({"apiKeys": [{"id": "key_bad", "userId": "u", "key": "ak_live_SECRETSECRET",
                                  "name": "bad", "scopes": ["video:read"]}]});
    let r = h.post_json("/dev/seed", &bad).await;
    assert_dev_error(&r, "body");
    let text = String::from_utf8_lossy(r.body()).to_string();
    assert!(
        text.contains("apiKeys[0].key") && !text.contains("SECRETSECRET"),
        "{text}"
    );

    // In process, the same checks.
    let in_process: server_reference::SeedFile = serde_json::from_value(json!({
        "videos": [{"id": "vid_in_process", "jobId": "job-in-process", "userId": "user_seeded",
                    "title": "In process", "status": "COMPLETED", "encrypted": true,
                    "quality": "720p", "renditions": ["720p"]}]
    }))
    .unwrap();
    h.server.seed(&in_process).unwrap();
    assert_eq!(h.server.seed(&in_process).unwrap_err().field(), "body");
    h.mint(new_key, "vid_in_process").await.unwrap();
}
