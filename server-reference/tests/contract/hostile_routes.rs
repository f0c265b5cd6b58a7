//! The routes against someone hostile: oversized and repeated scopes, create/revoke loops,
//! existence oracles, dev inputs at their extremes, bytes the framework cannot decode, and
//! what an error page gives away.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Response;
use sdk_core::ErrorCode;
use serde_json::{Value, json};

use crate::common::*;
use crate::dev::assert_dev_error;

/// One answer read off a raw socket: status, `Content-Type` and body.
struct RawAnswer {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

impl RawAnswer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `head` (request line and headers, without the final blank line; any bytes) and
/// `body` on a fresh connection, and reads the whole answer.
async fn raw(h: &Harness, head: &[u8], body: &[u8]) -> RawAnswer {
    use std::io::{Read, Write};
    let addr = h.server.addr();
    let mut request = head.to_vec();
    request.extend_from_slice(
        format!(
            "\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    request.extend_from_slice(body);
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        stream.write_all(&request).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        answer
    })
    .await
    .unwrap();
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP answer");
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    let mut body = answer[split + 4..].to_vec();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let header = |name: &str| {
        head.lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_owned())
    };
    if header("transfer-encoding").is_some_and(|te| te.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body);
    }
    RawAnswer {
        status,
        content_type: header("content-type").unwrap_or_default(),
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = String::from_utf8_lossy(&data[..line_end]).into_owned();
        let size = usize::from_str_radix(size_text.trim(), 16).unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

fn assert_raw_ansdev(answer: &RawAnswer, code: ErrorCode, what: &str) {
    let info = code.info().unwrap();
    assert_eq!(answer.status, info.status, "{what}: {}", answer.text());
    assert_eq!(answer.content_type, "application/json", "{what}");
    let body = answer.json();
    assert_eq!(
        body,
        json!({"success": false, "error": {"code": code.as_str(), "message": info.message,
            "status": info.status}}),
        "{what}"
    );
}

fn assert_raw_intelligence(answer: &RawAnswer, status: u16, code: &str, message: &str, what: &str) {
    assert_eq!(answer.status, status, "{what}: {}", answer.text());
    assert_eq!(answer.content_type, "application/json", "{what}");
    assert_eq!(
        answer.json(),
        json!({"error": {"code": code, "message": message}}),
        "{what}"
    );
}

fn keys_body(scopes: &Value) -> String {
    json!({"name": "k", "scopes": scopes}).to_string()
}

async fn post_key(h: &Harness, auth: &str, body: String) -> Response<Bytes> {
    into_http(
        h.http
            .post(h.url("/v1/keys"))
            .header("authorization", auth)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// C6: /v1/keys

#[tokio::test]
async fn c6_a_key_with_150000_scopes_is_refused_quickly() {
    let h = start().await;
    let auth = format!("Bearer {}", h.user_token("user_fat").await);
    let fat = keys_body(&json!(vec!["video:read"; 150_000]));
    let started = Instant::now();
    let r = post_key(&h, &auth, fat).await;
    let took = started.elapsed();
    assert_intelligence_error(&r, 422);
    // Generous: a refusal that reads and parses nothing costs milliseconds.
    assert!(took < Duration::from_secs(20), "{took:?}");
    eprintln!("150 000 scopes refused in {took:?}");

    // Within the body limit, the set rule refuses at the second element.
    let within = keys_body(&json!(vec!["video:read"; 1_000]));
    assert!(within.len() < 16 * 1024);
    assert_intelligence_error(&post_key(&h, &auth, within).await, 422);
    // Five known scopes and one more (unknown) is not a set of known scopes either.
    let six = json!([
        "video:read",
        "vault:read",
        "vault:write",
        "ai:compute",
        "billing:read",
        "x:y"
    ]);
    assert_intelligence_error(&post_key(&h, &auth, keys_body(&six)).await, 422);

    // Nothing was stored.
    let list = h
        .request(reqwest::Method::GET, "/v1/keys", Some(&auth), None)
        .await;
    assert_eq!(json_of(&list)["items"], json!([]));
}

/// Median latency of `n` sequential `GET /v1/video` of another user.
async fn median_list_latency(h: &Harness, n: usize) -> Duration {
    let mut took = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        assert_eq!(h.get("/v1/video", Some(KEY_OTHER)).await.status(), 200);
        took.push(started.elapsed());
    }
    took.sort();
    took[n / 2]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, run on demand"]
async fn c6_measure_other_users_latency_under_a_flood_of_fat_keys() {
    let h = start().await;
    let auth = format!("Bearer {}", h.user_token("user_fat").await);
    let quiet = median_list_latency(&h, 200).await;
    let fat = keys_body(&json!(vec!["video:read"; 150_000]));
    let flood: Vec<_> = (0..4)
        .map(|_| {
            let (http, url, auth, fat) =
                (h.http.clone(), h.url("/v1/keys"), auth.clone(), fat.clone());
            tokio::spawn(async move {
                for _ in 0..10 {
                    let r = http
                        .post(&url)
                        .header("authorization", &auth)
                        .header("content-type", "application/json")
                        .body(fat.clone())
                        .send()
                        .await
                        .unwrap();
                    assert!(r.status().is_client_error() || r.status().is_success());
                }
            })
        })
        .collect();
    // Sample for as long as the flood lasts (bounded), not just at its start.
    let mut took = Vec::new();
    while !flood.iter().all(tokio::task::JoinHandle::is_finished) && took.len() < 5_000 {
        let started = Instant::now();
        assert_eq!(h.get("/v1/video", Some(KEY_OTHER)).await.status(), 200);
        took.push(started.elapsed());
    }
    for task in flood {
        task.await.unwrap();
    }
    took.sort();
    let busy = took.get(took.len() / 2).copied().unwrap_or_default();
    eprintln!(
        "median GET /v1/video of another user: {quiet:?} quiet, {busy:?} under 4×10 fat POST /v1/keys"
    );
}

#[tokio::test]
async fn c6_repeated_scopes_are_refused_even_when_not_adjacent() {
    let h = start().await;
    let auth = format!("Bearer {}", h.user_token("user_dup").await);
    for scopes in [
        json!(["video:read", "video:read"]),
        json!(["video:read", "vault:read", "video:read"]),
        json!([
            "billing:read",
            "ai:compute",
            "vault:write",
            "vault:read",
            "video:read",
            "ai:compute"
        ]),
    ] {
        let r = post_key(&h, &auth, keys_body(&scopes)).await;
        assert_intelligence_error(&r, 422);
    }
    // All five, once each, is fine and kept in the order given.
    let all = json!([
        "billing:read",
        "ai:compute",
        "vault:write",
        "vault:read",
        "video:read"
    ]);
    let r = post_key(&h, &auth, keys_body(&all)).await;
    assert_eq!(r.status(), 201);
    assert_eq!(json_of(&r)["scopes"], all);
}

#[tokio::test]
async fn c6_create_revoke_loops_stop_at_100_keys_and_the_store_stops_growing() {
    let h = start().await;
    let auth = format!("Bearer {}", h.user_token("user_loop").await);
    let body = keys_body(&json!(["video:read"]));
    let mut created = 0;
    let conflict = loop {
        let r = post_key(&h, &auth, body.clone()).await;
        if r.status() != 201 {
            break r;
        }
        created += 1;
        assert!(created <= 100, "the cap holds");
        let id = json_of(&r)["id"].as_str().unwrap().to_owned();
        let revoked = h
            .request(
                reqwest::Method::DELETE,
                &format!("/v1/keys/{id}"),
                Some(&auth),
                None,
            )
            .await;
        assert_eq!(revoked.status(), 200);
    };
    assert_eq!(created, 100);
    assert_intelligence_error(&conflict, 409);

    let listed = || async {
        let r = h
            .request(reqwest::Method::GET, "/v1/keys", Some(&auth), None)
            .await;
        assert_eq!(r.status(), 200);
        (
            json_of(&r)["items"].as_array().unwrap().len(),
            r.body().len(),
        )
    };
    let (count, bytes) = listed().await;
    assert_eq!(count, 100);
    for _ in 0..5 {
        assert_intelligence_error(&post_key(&h, &auth, body.clone()).await, 409);
    }
    assert_eq!(listed().await, (100, bytes), "nothing more was stored");
    eprintln!("GET /v1/keys at the cap: {bytes} bytes");
    // The cap is per user: another user is unaffected.
    let other = format!("Bearer {}", h.user_token("user_loop_2").await);
    assert_eq!(post_key(&h, &other, body).await.status(), 201);
}

// ---------------------------------------------------------------------------------------------
// C9: existence oracles

/// Status and body of an answer, for comparing two.
fn seen(r: &Response<Bytes>) -> (u16, Bytes) {
    (r.status().as_u16(), r.body().clone())
}

#[tokio::test]
async fn c9_someone_elses_video_and_a_missing_one_answer_alike_on_every_route() {
    let h = start().await;
    let missing = "vid_nope";
    let missing_job = "99999999-9999-4999-8999-999999999999";
    let token = h.token(ENC).await;
    let cookie = format!("ansdev_session={}", h.user_token(USER).await);
    let bearer = format!("Bearer {}", h.user_token(USER).await);
    let cookie_get = |path: String| {
        let req = h.http.get(h.url(&path)).header("cookie", cookie.clone());
        async move { into_http(req.send().await.unwrap()).await }
    };

    let mut pairs: Vec<(&str, Response<Bytes>, Response<Bytes>)> = Vec::new();
    pairs.push((
        "GET /v1/video/{id}",
        h.get(&format!("/v1/video/{OTHERS}"), Some(KEY)).await,
        h.get(&format!("/v1/video/{missing}"), Some(KEY)).await,
    ));
    pairs.push((
        "GET /v1/video/{jobId}",
        h.get(&format!("/v1/video/{OTHERS_JOB}"), Some(KEY)).await,
        h.get(&format!("/v1/video/{missing_job}"), Some(KEY)).await,
    ));
    pairs.push((
        "POST playback-token",
        h.post_empty(&format!("/v1/video/{OTHERS}/playback-token"), Some(KEY))
            .await,
        h.post_empty(&format!("/v1/video/{missing}/playback-token"), Some(KEY))
            .await,
    ));
    for (what, page_token) in [("no", "garbage"), ("own", token.as_str())] {
        pairs.push((
            if what == "no" {
                "/player without a good token"
            } else {
                "/player with a token for another video"
            },
            h.get(&format!("/player/{OTHERS}?token={page_token}"), None)
                .await,
            h.get(&format!("/player/{missing}?token={page_token}"), None)
                .await,
        ));
    }
    pairs.push((
        "/player without a token",
        h.get(&format!("/player/{OTHERS}"), None).await,
        h.get(&format!("/player/{missing}"), None).await,
    ));
    for (what, suffix) in [
        ("master playlist", "/master.m3u8"),
        ("media playlist", "/720p/index.m3u8"),
    ] {
        pairs.push((
            what,
            h.get(
                &format!("/v1/video/playback/manifest/{token}/{OTHERS_JOB}{suffix}"),
                None,
            )
            .await,
            h.get(
                &format!("/v1/video/playback/manifest/{token}/{missing_job}{suffix}"),
                None,
            )
            .await,
        ));
    }
    pairs.push((
        "key by token",
        h.get(
            &format!("/v1/video/playback/key/{token}/{OTHERS_JOB}"),
            None,
        )
        .await,
        h.get(
            &format!("/v1/video/playback/key/{token}/{missing_job}"),
            None,
        )
        .await,
    ));
    pairs.push((
        "key by cookie",
        cookie_get(format!("/video/key/{OTHERS_JOB}")).await,
        cookie_get(format!("/video/key/{missing_job}")).await,
    ));
    let cdn_missing_video = h
        .get(&format!("/cdn/{missing_job}/720p/chunk_0000.ts"), None)
        .await;
    for (what, path) in [
        (
            "cdn: no such rendition",
            format!("/cdn/{ENC_JOB}/1080p/chunk_0000.ts"),
        ),
        (
            "cdn: no such chunk",
            format!("/cdn/{ENC_JOB}/720p/chunk_0099.ts"),
        ),
        (
            "cdn: not a chunk name",
            format!("/cdn/{ENC_JOB}/720p/index.m3u8"),
        ),
    ] {
        pairs.push((what, h.get(&path, None).await, cdn_missing_video.clone()));
    }
    pairs.push((
        "DELETE /v1/keys/{id}",
        h.request(
            reqwest::Method::DELETE,
            "/v1/keys/key_other",
            Some(&bearer),
            None,
        )
        .await,
        h.request(
            reqwest::Method::DELETE,
            "/v1/keys/key_nope",
            Some(&bearer),
            None,
        )
        .await,
    ));

    for (what, foreign, missing) in &pairs {
        assert!(
            foreign.status().is_client_error(),
            "{what}: {}",
            foreign.status()
        );
        assert_eq!(seen(foreign), seen(missing), "{what}");
    }
    // The one code of the CDN is NOT_FOUND.
    assert_ansdev_error(&cdn_missing_video, ErrorCode::NotFound, None);
    // Someone else's video stays theirs: the other user's key still lists it.
    assert_eq!(
        h.get(&format!("/v1/video/{OTHERS}"), Some(KEY_OTHER))
            .await
            .status(),
        200
    );
}

// ---------------------------------------------------------------------------------------------
// C11: dev routes

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

// ---------------------------------------------------------------------------------------------
// C13: framework rejections, and what an error page shows

#[tokio::test]
async fn c13_bytes_the_framework_cannot_decode_are_answered_in_the_route_envelope() {
    let h = start().await;
    let user = h.user_token(USER).await;
    let invalid = ErrorCode::PlaybackTokenInvalid;

    // Path segments and query values that are not UTF-8.
    for (head, code) in [
        (
            format!("GET /v1/video/%FF HTTP/1.1\r\nx-ansdev-key: {KEY}"),
            ErrorCode::VideoNotFound,
        ),
        (
            format!("GET /v1/video?limit=%FF HTTP/1.1\r\nx-ansdev-key: {KEY}"),
            ErrorCode::InvalidRequest,
        ),
        (
            format!("POST /v1/video/%FF/playback-token HTTP/1.1\r\nx-ansdev-key: {KEY}"),
            ErrorCode::VideoNotFound,
        ),
        (
            format!("GET /v1/video/playback/key/%FF/{ENC_JOB} HTTP/1.1"),
            invalid.clone(),
        ),
        (
            "GET /v1/video/playback/manifest/x/%FF/master.m3u8 HTTP/1.1".to_owned(),
            invalid.clone(),
        ),
        (
            format!("GET /v1/video/playback/manifest/x/{ENC_JOB}/%FF/index.m3u8 HTTP/1.1"),
            invalid.clone(),
        ),
        (
            "GET /cdn/%FF/720p/chunk_0000.ts HTTP/1.1".to_owned(),
            ErrorCode::NotFound,
        ),
        (
            "GET /player-assets/%FF HTTP/1.1".to_owned(),
            ErrorCode::NotFound,
        ),
        (
            format!("GET /video/key/%FF HTTP/1.1\r\ncookie: ansdev_session={user}"),
            ErrorCode::Unauthorized,
        ),
    ] {
        let answer = raw(&h, head.as_bytes(), b"").await;
        assert_raw_ansdev(&answer, code, &head);
    }
    let answer = raw(
        &h,
        format!("DELETE /v1/keys/%FF HTTP/1.1\r\nauthorization: Bearer {user}").as_bytes(),
        b"",
    )
    .await;
    assert_raw_intelligence(
        &answer,
        404,
        "NOT_FOUND",
        "Not found",
        "DELETE /v1/keys/%FF",
    );
    let answer = raw(&h, b"POST /dev/users/%FF/token HTTP/1.1", b"").await;
    assert_eq!(answer.status, 422, "{}", answer.text());
    assert_eq!(answer.json()["error"]["field"], "userId");
    // The hosted page's envelope is the page.
    for head in [
        "GET /player/%FF?token=x HTTP/1.1".to_owned(),
        format!("GET /player/{ENC}?token=%FF HTTP/1.1"),
        format!("GET /player/{ENC}?token=%FF%FE&x=%FF HTTP/1.1"),
    ] {
        let answer = raw(&h, head.as_bytes(), b"").await;
        assert_eq!(answer.status, 401, "{head}: {}", answer.text());
        assert_eq!(answer.content_type, "text/html; charset=utf-8", "{head}");
        assert!(
            answer
                .text()
                .contains("data-error=\"PLAYBACK_TOKEN_INVALID\""),
            "{head}"
        );
    }

    // Header values the routes read, with bytes that are not UTF-8.
    let mut head = b"GET /v1/video HTTP/1.1\r\nx-ansdev-key: ak_live_\xff\xfe".to_vec();
    let answer = raw(&h, &head, b"").await;
    assert_raw_ansdev(&answer, ErrorCode::InvalidApiKey, "x-ansdev-key");
    head = b"GET /v1/keys HTTP/1.1\r\nauthorization: Bearer \xff\xfe".to_vec();
    let answer = raw(&h, &head, b"").await;
    assert_raw_intelligence(
        &answer,
        401,
        "UNAUTHORIZED",
        "Authentication required",
        "authorization",
    );
    head = format!("GET /video/key/{ENC_JOB} HTTP/1.1\r\ncookie: ansdev_session=").into_bytes();
    head.extend_from_slice(b"\xff\xfe");
    let answer = raw(&h, &head, b"").await;
    assert_raw_ansdev(&answer, ErrorCode::Unauthorized, "cookie");
}

#[tokio::test]
async fn c13_bodies_over_the_limit_or_not_json_get_the_route_envelope() {
    let h = start().await;
    let user = h.user_token(USER).await;
    let auth = format!("authorization: Bearer {user}");
    let valid = r#"{"name": "k", "scopes": ["video:read"]}"#;
    // Valid JSON padded past 16 KiB, and a body of megabytes.
    let padded = format!("{}{}}}", &valid[..valid.len() - 1], " ".repeat(16 * 1024));
    let huge = format!(
        r#"{{"name": "{}", "scopes": ["video:read"]}}"#,
        "n".repeat(3 << 20)
    );
    for (content_type, body, what) in [
        ("application/json", padded.as_str(), "just over 16 KiB"),
        ("application/json", huge.as_str(), "3 MiB"),
        ("text/plain", valid, "text/plain"),
        ("application/x-www-form-urlencoded", valid, "a form"),
        (
            "application/json",
            "{\"name\": \"k\", \"scopes\": [\"video:read\"",
            "bad JSON",
        ),
        ("application/json", "\u{feff}{}", "a byte-order mark"),
    ] {
        let head = format!("POST /v1/keys HTTP/1.1\r\n{auth}\r\ncontent-type: {content_type}");
        let answer = raw(&h, head.as_bytes(), body.as_bytes()).await;
        assert_raw_intelligence(&answer, 422, "VALIDATION_ERROR", "Invalid request", what);
    }
    // Without a content type at all.
    let head = format!("POST /v1/keys HTTP/1.1\r\n{auth}");
    let answer = raw(&h, head.as_bytes(), valid.as_bytes()).await;
    assert_raw_intelligence(
        &answer,
        422,
        "VALIDATION_ERROR",
        "Invalid request",
        "no type",
    );
    // The same body, as JSON and within the limit, is created.
    let head = format!(
        "POST /v1/keys HTTP/1.1\r\n{auth}\r\ncontent-type: application/json; charset=utf-8"
    );
    let answer = raw(&h, head.as_bytes(), valid.as_bytes()).await;
    assert_eq!(answer.status, 201, "{}", answer.text());

    for path in ["/dev/clock", "/dev/faults"] {
        let head = format!("POST {path} HTTP/1.1\r\ncontent-type: application/json");
        let answer = raw(&h, head.as_bytes(), huge.as_bytes()).await;
        assert_eq!(answer.status, 422, "{path}: {}", answer.text());
        assert_eq!(answer.content_type, "application/json", "{path}");
        assert_eq!(answer.json()["error"]["field"], "body", "{path}");
    }
}

#[tokio::test]
async fn c13_an_expired_or_mismatched_token_page_shows_only_the_error_code() {
    let h = start().await;
    let minted = h.mint(KEY, ENC).await.unwrap();
    let url = minted.player_url.unwrap();
    let prefix = &KEY[..12];
    let live = into_http(h.http.get(&url).send().await.unwrap()).await;
    assert!(
        String::from_utf8_lossy(live.body()).contains(prefix),
        "a live page shows its key's quota"
    );
    h.advance(301).await;
    let expired = into_http(h.http.get(&url).send().await.unwrap()).await;
    let for_plain = h.token(PLAIN).await;
    let mismatched = h
        .get(&format!("/player/{ENC}?token={for_plain}"), None)
        .await;
    for (r, status, code) in [
        (&expired, 401, "PLAYBACK_TOKEN_EXPIRED"),
        (&mismatched, 403, "PLAYBACK_TOKEN_MISMATCH"),
    ] {
        assert_eq!(r.status(), status);
        let html = String::from_utf8_lossy(r.body()).into_owned();
        assert!(html.contains(&format!("data-error=\"{code}\"")), "{html}");
        assert!(
            html.contains(&format!("id=\"ansdev-error\">{code}<")),
            "{html}"
        );
        for leak in [
            prefix,
            "ak_test_",
            "key_main",
            "mints left",
            "1000",
            "ansdev-quota",
            ENC,
        ] {
            assert!(!html.contains(leak), "{leak} leaked into\n{html}");
        }
    }
    // The page still says the token expired (the browser test reads this).
    assert!(String::from_utf8_lossy(expired.body()).contains("id=\"ansdev-expires-in\">expired<"));
}
