//! CONTRACT flows through the package against a live server-reference (started with `--dev`
//! by `scripts/test-wasm.sh`, which passes its URL and demo key in `ANSDEV_TEST_SERVER` and
//! `ANSDEV_TEST_API_KEY` at build time), under Node and in headless Chromium (CORS).
#![cfg(all(target_family = "wasm", feature = "client"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use js_sys::{Array, Function, Uint8Array};
use sdk_wasm::{AnsdevClient, AnsdevPlayer};
use wasm_bindgen::JsCast;
use wasm_bindgen::convert::TryFromJsValue;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

mod support;
use support::{get, obj, settle};

const ENCRYPTED: &str = "vid_demo_encrypted";

fn server() -> (&'static str, &'static str) {
    match (
        option_env!("ANSDEV_TEST_SERVER"),
        option_env!("ANSDEV_TEST_API_KEY"),
    ) {
        (Some(base), Some(key)) => (base, key),
        _ => panic!(
            "these tests need a server-reference: run them through scripts/test-wasm.sh \
             (it sets ANSDEV_TEST_SERVER and ANSDEV_TEST_API_KEY)"
        ),
    }
}

/// The global `fetch(url, init)`: `(status, body bytes)`.
async fn fetch(url: &str, init: JsValue) -> (u16, Vec<u8>) {
    let fetch: Function = get(&js_sys::global(), "fetch").dyn_into().unwrap();
    let answer = settle(
        fetch
            .call2(&JsValue::UNDEFINED, &JsValue::from_str(url), &init)
            .unwrap()
            .unchecked_into(),
    )
    .await
    .unwrap();
    let status = get(&answer, "status").as_f64().unwrap() as u16;
    let read: Function = get(&answer, "arrayBuffer").dyn_into().unwrap();
    let body = settle(read.call0(&answer).unwrap().unchecked_into())
        .await
        .unwrap();
    (status, Uint8Array::new(&body).to_vec())
}

async fn dev_post(path: &str, json: &str) {
    let (base, _) = server();
    let init = obj(&[
        ("method", JsValue::from_str("POST")),
        (
            "headers",
            obj(&[("content-type", JsValue::from_str("application/json"))]),
        ),
        ("body", JsValue::from_str(json)),
    ]);
    let (status, _) = fetch(&format!("{base}{path}"), init).await;
    assert_eq!(status, 200, "{path}");
}

fn client() -> AnsdevClient {
    let (base, key) = server();
    AnsdevClient::new(
        obj(&[
            ("apiKey", JsValue::from_str(key)),
            ("baseUrl", JsValue::from_str(base)),
        ])
        .unchecked_into(),
    )
    .unwrap()
}

async fn player(client: &AnsdevClient) -> AnsdevPlayer {
    AnsdevPlayer::try_from_js_value(settle(client.player(ENCRYPTED.into())).await.unwrap()).unwrap()
}

fn assert_code(error: &JsValue, code: &str, status: u16) {
    assert!(error.is_instance_of::<js_sys::Error>(), "{error:?}");
    assert_eq!(
        get(error, "name").as_string().as_deref(),
        Some("AnsdevError")
    );
    assert_eq!(
        get(error, "code").as_string().as_deref(),
        Some(code),
        "{error:?}"
    );
    assert_eq!(get(error, "status").as_f64(), Some(f64::from(status)));
}

#[wasm_bindgen_test]
async fn lists_and_gets_the_demo_videos() {
    let client = client();
    let page = settle(client.list_videos(None)).await.unwrap();
    let items: Array = get(&page, "items").unchecked_into();
    let ids: Vec<String> = items
        .iter()
        .map(|v| get(&v, "id").as_string().unwrap())
        .collect();
    assert!(ids.iter().any(|id| id == ENCRYPTED), "{ids:?}");
    assert_eq!(
        get(&page, "total").as_f64(),
        Some(f64::from(items.length()))
    );
    let video = settle(client.get_video(ENCRYPTED.into())).await.unwrap();
    assert_eq!(get(&video, "encrypted").as_bool(), Some(true));
    assert_eq!(
        get(&video, "status").as_string().as_deref(),
        Some("COMPLETED")
    );
    let missing = settle(client.get_video("vid_missing".into()))
        .await
        .unwrap_err();
    assert_code(&missing, "VIDEO_NOT_FOUND", 404);
}

#[wasm_bindgen_test]
async fn a_wrong_key_is_refused_and_never_echoed() {
    let (base, _) = server();
    let wrong = "ak_test_00000000000000000000000000000000";
    let client = AnsdevClient::new(
        obj(&[
            ("apiKey", JsValue::from_str(wrong)),
            ("baseUrl", JsValue::from_str(base)),
        ])
        .unchecked_into(),
    )
    .unwrap();
    let error = settle(client.mint_playback_token(ENCRYPTED.into()))
        .await
        .unwrap_err();
    assert_code(&error, "INVALID_API_KEY", 401);
    assert!(!get(&error, "message").as_string().unwrap().contains(wrong));
}

#[wasm_bindgen_test]
async fn the_player_fetches_playlists_and_the_key_through_the_token_routes() {
    let client = client();
    let player = player(&client).await;
    let master_url = settle(player.master_playlist_url())
        .await
        .unwrap()
        .as_string()
        .unwrap();
    let (status, master) = fetch(&master_url, JsValue::UNDEFINED).await;
    assert_eq!(status, 200);
    let master = String::from_utf8(master).unwrap();
    let rendition = master
        .lines()
        .find(|l| l.ends_with("index.m3u8"))
        .expect("a variant");
    let media_url = master_url.replace("master.m3u8", rendition);
    let authorized = settle(player.authorize_url(media_url)).await.unwrap();
    let (status, media) = fetch(
        &get(&authorized, "url").as_string().unwrap(),
        JsValue::UNDEFINED,
    )
    .await;
    assert_eq!(status, 200);
    let rewritten = player
        .rewrite_playlist(&String::from_utf8(media).unwrap())
        .unwrap();
    let stable = format!("URI=\"ansdev-key://{}\"", player.job_id());
    assert!(rewritten.contains(&stable), "{rewritten}");
    let key = settle(player.authorize_url(format!("ansdev-key://{}", player.job_id())))
        .await
        .unwrap();
    let (status, bytes) = fetch(&get(&key, "url").as_string().unwrap(), JsValue::UNDEFINED).await;
    assert_eq!(status, 200);
    assert_eq!(bytes.len(), 16);
    assert_eq!(
        client.mint_count(),
        1,
        "one token for master, media and key"
    );
}

#[wasm_bindgen_test]
async fn an_expired_token_is_healed_with_one_remint_against_the_server() {
    let client = client();
    let player = player(&client).await;
    let key_uri = format!("ansdev-key://{}", player.job_id());
    let first = settle(player.authorize_url(key_uri.clone())).await.unwrap();
    // The server's clock passes the token's life (300 s by default).
    dev_post("/dev/clock", r#"{"advanceSeconds": 400}"#).await;
    let (status, body) = fetch(&get(&first, "url").as_string().unwrap(), JsValue::UNDEFINED).await;
    assert_eq!(status, 401);
    let generation = get(&first, "generation").as_f64().unwrap();
    let body: JsValue = Uint8Array::from(body.as_slice()).into();
    assert!(player.handle_refusal(generation, status, body));
    let second = settle(player.authorize_url(key_uri)).await.unwrap();
    assert!(get(&second, "generation").as_f64().unwrap() > generation);
    let (status, bytes) = fetch(
        &get(&second, "url").as_string().unwrap(),
        JsValue::UNDEFINED,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(bytes.len(), 16);
    assert_eq!(client.mint_count(), 2);
}

#[wasm_bindgen_test]
async fn a_failing_mint_is_retried_and_a_quota_refusal_surfaces_at_once() {
    let client = client();
    let errors = Array::new();
    let sink = errors.clone();
    let listener: Function = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        sink.push(&e);
    })
    .into_js_value()
    .unchecked_into();
    client.on("error".into(), listener).unwrap();
    let player = player(&client).await;
    dev_post(
        "/dev/faults",
        r#"{"route": "mint", "status": 503, "count": 1}"#,
    )
    .await;
    let token = settle(player.token()).await.unwrap();
    assert!(token.is_string());
    assert_eq!(errors.length(), 1, "the failed attempt was reported");
    assert!(get(&errors.get(0), "retryInMs").as_f64().is_some());
    assert_eq!(client.mint_count(), 2);

    // A second client (its own token manager) meets a quota refusal: it fails at once.
    let other = self::client();
    let player = self::player(&other).await;
    dev_post(
        "/dev/faults",
        r#"{"route": "mint", "status": 429, "count": 1}"#,
    )
    .await;
    let error = settle(player.token()).await.unwrap_err();
    assert_code(&error, "RATE_LIMIT_EXCEEDED", 429);
    assert_eq!(get(&error, "retryable").as_bool(), Some(false));
    let again = settle(player.token()).await.unwrap_err();
    assert_code(&again, "RATE_LIMIT_EXCEEDED", 429);
    assert_eq!(other.mint_count(), 1, "no mint while minting is paused");
}

/// The browser half of the story in `sdk-native/tests/refusals.rs`, against the same server: a
/// player of the encrypted demo video whose provider hands out a token minted for the plain
/// one. The server answers 403 `PLAYBACK_TOKEN_MISMATCH`; sdk-core gives up at once (no retry,
/// no second mint) and the application gets an `error` event with that code.
#[wasm_bindgen_test]
async fn a_mismatch_is_handled_identically_in_native_and_browser_against_the_server() {
    let (base, _) = server();
    let client = client();
    let other = settle(client.mint_playback_token("vid_demo_plain".into()))
        .await
        .unwrap();
    let video = settle(client.get_video(ENCRYPTED.into())).await.unwrap();
    let calls = std::rc::Rc::new(std::cell::Cell::new(0));
    let counted = calls.clone();
    let provider = Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |_video: JsValue| {
        counted.set(counted.get() + 1);
        js_sys::Promise::resolve(&other).into()
    });
    let player = AnsdevPlayer::new(
        obj(&[
            ("baseUrl", JsValue::from_str(base)),
            ("jobId", get(&video, "jobId")),
            ("videoId", JsValue::from_str(ENCRYPTED)),
            ("tokenProvider", provider.into_js_value()),
        ])
        .unchecked_into(),
    )
    .unwrap();
    let errors = Array::new();
    let sink = errors.clone();
    let listener = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        sink.push(&event);
    });
    player
        .on("error".into(), listener.into_js_value().unchecked_into())
        .unwrap();

    let key_uri = format!("ansdev-key://{}", player.job_id());
    let authorized = settle(player.authorize_url(key_uri)).await.unwrap();
    let (status, body) = fetch(
        &get(&authorized, "url").as_string().unwrap(),
        JsValue::UNDEFINED,
    )
    .await;
    assert_eq!(status, 403);
    let generation = get(&authorized, "generation").as_f64().unwrap();
    let body: JsValue = Uint8Array::from(body.as_slice()).into();
    assert!(
        !player.handle_refusal(generation, status, body),
        "no fresh token heals a mismatch: not retried"
    );
    assert_eq!(errors.length(), 1);
    let gave_up = errors.get(0);
    assert!(gave_up.is_instance_of::<js_sys::Error>(), "{gave_up:?}");
    assert_eq!(
        get(&gave_up, "code").as_string().as_deref(),
        Some("PLAYBACK_TOKEN_MISMATCH")
    );
    // The verdict (AuthGaveUp), not an HTTP answer: no status, no attempt.
    assert!(get(&gave_up, "status").is_null(), "{gave_up:?}");
    assert!(get(&gave_up, "attempt").is_null());
    // The token is kept (it is right for its own video): no second mint.
    settle(player.token()).await.unwrap();
    assert_eq!(calls.get(), 1);
}
