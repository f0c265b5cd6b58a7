//! The package's JS-facing API under Node (and, with `WASM_BINDGEN_USE_BROWSER=1`, in a
//! browser): the token driver, the fetch transport against a fake global `fetch`, the clock,
//! error objects and the hls.js helpers' wasm side.
#![cfg(target_family = "wasm")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, Function, Promise};
use sdk_wasm::AnsdevPlayer;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

mod support;
use support::{get, obj, settle};

const BASE: &str = "http://127.0.0.1:8787";

async fn sleep_ms(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let set_timeout: Function = get(&global, "setTimeout").dyn_into().unwrap();
        set_timeout
            .call2(&JsValue::UNDEFINED, &resolve, &JsValue::from(ms))
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// A token provider that counts its calls and answers `tok{n}` after `delay_ms`, living
/// `expires_in` seconds; `fail_first` calls reject with a plain `TypeError` first.
fn provider(calls: Rc<Cell<u32>>, delay_ms: i32, expires_in: f64, fail_first: u32) -> Function {
    let closure = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |video: JsValue| {
        assert!(video.is_string());
        calls.set(calls.get() + 1);
        let n = calls.get();
        Promise::new(&mut |resolve, reject| {
            let global = js_sys::global();
            let set_timeout: Function = get(&global, "setTimeout").dyn_into().unwrap();
            let answer = if n <= fail_first {
                let error: JsValue = js_sys::TypeError::new("backend unreachable").into();
                let reject = reject.clone();
                Closure::once_into_js(move || reject.call1(&JsValue::UNDEFINED, &error).unwrap())
            } else {
                let token = obj(&[
                    ("token", JsValue::from_str(&format!("tok{n}"))),
                    ("expiresIn", JsValue::from_f64(expires_in)),
                ]);
                let resolve = resolve.clone();
                Closure::once_into_js(move || resolve.call1(&JsValue::UNDEFINED, &token).unwrap())
            };
            set_timeout
                .call2(&JsValue::UNDEFINED, &answer, &JsValue::from(delay_ms))
                .unwrap();
        })
    });
    closure.into_js_value().unchecked_into()
}

fn player_with(provider: Function, extra: &[(&str, JsValue)]) -> AnsdevPlayer {
    let mut entries = vec![
        ("baseUrl", JsValue::from_str(BASE)),
        ("jobId", JsValue::from_str("job_1")),
        ("videoId", JsValue::from_str("vid_1")),
        ("tokenProvider", provider.into()),
    ];
    entries.extend(extra.iter().cloned());
    AnsdevPlayer::new(obj(&entries).unchecked_into()).unwrap()
}

/// Records the events of `name` on `player` into a JS array.
fn record(player: &AnsdevPlayer, name: &str) -> Array {
    let seen = Array::new();
    let sink = seen.clone();
    let listener = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        sink.push(&event);
    });
    player
        .on(name.to_owned(), listener.into_js_value().unchecked_into())
        .unwrap();
    seen
}

fn assert_ansdev_error(error: &JsValue, code: &str, status: Option<u16>, retryable: bool) {
    assert!(
        error.is_instance_of::<js_sys::Error>(),
        "not an Error: {error:?}"
    );
    assert_eq!(
        get(error, "name").as_string().as_deref(),
        Some("AnsdevError")
    );
    assert_eq!(
        get(error, "code").as_string().as_deref(),
        Some(code),
        "{error:?}"
    );
    match status {
        Some(s) => assert_eq!(get(error, "status").as_f64(), Some(f64::from(s))),
        None => assert!(get(error, "status").is_null()),
    }
    assert_eq!(get(error, "retryable").as_bool(), Some(retryable));
}

#[wasm_bindgen_test]
async fn many_concurrent_token_calls_share_one_mint() {
    let calls = Rc::new(Cell::new(0));
    let player = player_with(provider(calls.clone(), 20, 300.0, 0), &[]);
    let refreshed = record(&player, "tokenRefreshed");
    let all = Array::new();
    for _ in 0..10 {
        all.push(&player.token());
    }
    let tokens: Array = settle(Promise::all(&all)).await.unwrap().unchecked_into();
    assert_eq!(tokens.length(), 10);
    for token in tokens.iter() {
        assert_eq!(token.as_string().as_deref(), Some("tok1"));
    }
    assert_eq!(calls.get(), 1, "one mint for ten callers");
    assert_eq!(player.mint_count(), 1);
    assert_eq!(refreshed.length(), 1);
    let event = refreshed.get(0);
    assert_eq!(get(&event, "videoId").as_string().as_deref(), Some("vid_1"));
    assert_eq!(get(&event, "expiresIn").as_f64(), Some(300.0));
    assert_eq!(get(&event, "generation").as_f64(), Some(1.0));
    // Later calls are answered from the held token.
    assert_eq!(
        settle(player.token()).await.unwrap().as_string().as_deref(),
        Some("tok1")
    );
    assert_eq!(calls.get(), 1);
}

#[wasm_bindgen_test]
async fn a_token_is_reminted_lazily_once_within_its_margin_on_the_monotonic_clock() {
    let calls = Rc::new(Cell::new(0));
    // A 0.6 s token: the margin is capped at a third of it (0.2 s).
    let player = player_with(provider(calls.clone(), 0, 0.6, 0), &[]);
    assert_eq!(
        settle(player.token()).await.unwrap().as_string().as_deref(),
        Some("tok1")
    );
    sleep_ms(150).await;
    assert_eq!(
        settle(player.token()).await.unwrap().as_string().as_deref(),
        Some("tok1")
    );
    assert_eq!(calls.get(), 1, "still fresh: no mint");
    sleep_ms(350).await;
    assert_eq!(calls.get(), 1, "nothing mints in the background by default");
    assert_eq!(
        settle(player.token()).await.unwrap().as_string().as_deref(),
        Some("tok2")
    );
    assert_eq!(calls.get(), 2);
}

#[wasm_bindgen_test]
async fn a_transient_provider_failure_is_retried_by_the_timer_and_reported() {
    let calls = Rc::new(Cell::new(0));
    let player = player_with(provider(calls.clone(), 0, 300.0, 1), &[]);
    let errors = record(&player, "error");
    let token = settle(player.token()).await.unwrap();
    assert_eq!(token.as_string().as_deref(), Some("tok2"));
    assert_eq!(calls.get(), 2);
    assert_eq!(errors.length(), 1);
    let error = errors.get(0);
    assert_ansdev_error(&error, "TRANSPORT_ERROR", None, true);
    assert_eq!(get(&error, "attempt").as_f64(), Some(1.0));
    assert!(get(&error, "retryInMs").as_f64().unwrap() > 0.0);
}

#[wasm_bindgen_test]
async fn a_final_provider_refusal_rejects_with_an_error_object() {
    let refuse = Function::new_with_args(
        "videoId",
        "return Promise.reject({ code: 'VIDEO_NOT_FOUND', status: 404 })",
    );
    let player = player_with(refuse, &[]);
    let errors = record(&player, "error");
    let error = settle(player.token()).await.unwrap_err();
    assert_ansdev_error(&error, "VIDEO_NOT_FOUND", Some(404), false);
    assert_eq!(errors.length(), 1);
    assert!(get(&errors.get(0), "retryInMs").is_null());
}

#[wasm_bindgen_test]
async fn a_quota_refusal_pauses_minting_and_fails_at_once() {
    let calls = Rc::new(Cell::new(0u32));
    let counter = calls.clone();
    let closure = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |_video: JsValue| {
        counter.set(counter.get() + 1);
        Promise::reject(&obj(&[
            ("code", JsValue::from_str("RATE_LIMIT_EXCEEDED")),
            ("retryAfterMs", JsValue::from_f64(60_000.0)),
        ]))
    });
    let player = player_with(closure.into_js_value().unchecked_into(), &[]);
    let error = settle(player.token()).await.unwrap_err();
    assert_ansdev_error(&error, "RATE_LIMIT_EXCEEDED", Some(429), false);
    let wait = get(&error, "retryAfterMs").as_f64().unwrap();
    assert!(wait > 59_000.0 && wait <= 60_000.0, "{wait}");
    let again = settle(player.token()).await.unwrap_err();
    assert_ansdev_error(&again, "RATE_LIMIT_EXCEEDED", Some(429), false);
    assert_eq!(calls.get(), 1, "no mint while the quota is used up");
    assert!(
        get(&error, "resetCapped").is_undefined(),
        "a plausible reset"
    );
}

#[wasm_bindgen_test]
async fn s4_a_provider_quota_reset_years_away_is_capped_at_a_day_and_says_so() {
    const TEN_YEARS_MS: f64 = 10.0 * 365.0 * 86_400_000.0;
    let refuse = Function::new_with_args(
        "video",
        &format!(
            "return Promise.reject({{ code: 'RATE_LIMIT_EXCEEDED', retryAfterMs: {TEN_YEARS_MS} }})"
        ),
    );
    let player = player_with(refuse, &[]);
    let error = settle(player.token()).await.unwrap_err();
    assert_ansdev_error(&error, "RATE_LIMIT_EXCEEDED", Some(429), false);
    let wait = get(&error, "retryAfterMs").as_f64().unwrap();
    assert!(wait <= 86_400_000.0, "the pause is capped at a day: {wait}");
    assert_eq!(get(&error, "resetCapped"), JsValue::TRUE);
}

#[wasm_bindgen_test]
fn bad_options_throw_error_objects_not_strings() {
    let error = AnsdevPlayer::new(obj(&[("jobId", JsValue::from_str("job_1"))]).unchecked_into())
        .unwrap_err();
    assert_ansdev_error(&error, "BUILD_ERROR", None, false);
    assert!(
        get(&error, "message")
            .as_string()
            .unwrap()
            .contains("tokenProvider")
    );
    let error = AnsdevPlayer::new(
        obj(&[
            ("jobId", JsValue::from_str("job/1")),
            ("tokenProvider", Function::new_no_args("").into()),
        ])
        .unchecked_into(),
    )
    .unwrap_err();
    assert_ansdev_error(&error, "BUILD_ERROR", None, false);
    #[cfg(feature = "client")]
    {
        let options = obj(&[("apiKey", JsValue::from_str("nope"))]);
        let error = sdk_wasm::AnsdevClient::new(options.unchecked_into()).unwrap_err();
        assert_ansdev_error(&error, "BUILD_ERROR", None, false);
        assert!(!get(&error, "message").as_string().unwrap().contains("nope"));
    }
}

#[wasm_bindgen_test]
async fn urls_get_the_current_token_and_key_uris_map_to_the_key_route() {
    let calls = Rc::new(Cell::new(0));
    let player = player_with(provider(calls.clone(), 0, 300.0, 0), &[]);
    let key = settle(player.authorize_url("ansdev-key://job_1".into()))
        .await
        .unwrap();
    assert_eq!(
        get(&key, "url").as_string().unwrap(),
        format!("{BASE}/v1/video/playback/key/tok1/job_1")
    );
    assert_eq!(get(&key, "generation").as_f64(), Some(1.0));
    let media = format!("{BASE}/v1/video/playback/manifest/old/job_1/720p/index.m3u8");
    let authorized = settle(player.authorize_url(media)).await.unwrap();
    assert_eq!(
        get(&authorized, "url").as_string().unwrap(),
        format!("{BASE}/v1/video/playback/manifest/tok1/job_1/720p/index.m3u8")
    );
    let master = settle(player.master_playlist_url()).await.unwrap();
    assert_eq!(
        master.as_string().unwrap(),
        format!("{BASE}/v1/video/playback/manifest/tok1/job_1/master.m3u8")
    );
    // Segments and other videos need no token from this player.
    let segment = format!("{BASE}/cdn/job_1/720p/chunk_0000.ts");
    assert!(!player.needs_token(&segment));
    assert!(
        settle(player.authorize_url(segment))
            .await
            .unwrap()
            .is_undefined()
    );
    assert!(!player.needs_token("ansdev-key://job_2"));
    assert!(player.needs_token("ansdev-key://job_1"));
    assert_eq!(calls.get(), 1);

    let playlist = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n\
        #EXT-X-KEY:METHOD=AES-128,URI=\"/video/key/job_1\"\n#EXTINF:6.0,\n\
        http://127.0.0.1:8787/cdn/job_1/720p/chunk_0000.ts\n#EXT-X-ENDLIST\n";
    assert_eq!(
        player.rewrite_playlist(playlist).unwrap(),
        playlist.replace("/video/key/job_1", "ansdev-key://job_1")
    );
    let master = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n720p/index.m3u8\n";
    assert_eq!(player.rewrite_playlist(master).unwrap(), master);
    let broken = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-KEY:METHOD=AES-128\n#EXTINF:6,\ns.ts\n";
    // The core counts a decode failure without a status as transient (e.g. a truncated answer).
    assert_ansdev_error(
        &player.rewrite_playlist(broken).unwrap_err(),
        "DECODE_ERROR",
        None,
        true,
    );
}

#[wasm_bindgen_test]
async fn c7_playback_shaped_urls_off_the_configured_api_get_no_token() {
    let calls = Rc::new(Cell::new(0));
    let player = player_with(provider(calls.clone(), 0, 300.0, 0), &[]);
    let route = "/v1/video/playback/manifest/old/job_1/720p/index.m3u8";
    assert!(player.needs_token(&format!("{BASE}{route}")));
    for url in [
        format!("http://127.0.0.1:8788{route}"),
        format!("https://127.0.0.1:8787{route}"),
        format!("http://evil.example{route}"),
        format!("http://127.0.0.1:8787@evil.example{route}"),
        format!("http://evil.example\\@127.0.0.1:8787{route}"),
        format!("{BASE}/prefix/..{route}"),
        format!("//127.0.0.1:8787{route}"),
        route.to_owned(),
    ] {
        assert!(!player.needs_token(&url), "{url}");
        assert!(
            settle(player.authorize_url(url))
                .await
                .unwrap()
                .is_undefined(),
            "nothing to authorize"
        );
    }
    assert_eq!(calls.get(), 0, "no token was even minted");
}

#[wasm_bindgen_test]
async fn an_expired_token_is_healed_once_and_a_second_refusal_gives_up() {
    let calls = Rc::new(Cell::new(0));
    let player = player_with(provider(calls.clone(), 0, 300.0, 0), &[]);
    let errors = record(&player, "error");
    let first = settle(player.authorize_url("ansdev-key://job_1".into()))
        .await
        .unwrap();
    let generation = get(&first, "generation").as_f64().unwrap();
    let expired = JsValue::from_str(
        r#"{"success":false,"error":{"code":"PLAYBACK_TOKEN_EXPIRED","message":"Playback token expired.","status":401}}"#,
    );
    assert!(
        player.handle_refusal(generation, 401, expired.clone()),
        "re-mint and retry"
    );
    // Several requests refused with the same token cause one re-mint.
    assert!(player.handle_refusal(generation, 401, expired.clone()));
    let second = settle(player.authorize_url("ansdev-key://job_1".into()))
        .await
        .unwrap();
    assert_eq!(
        get(&second, "url").as_string().unwrap(),
        format!("{BASE}/v1/video/playback/key/tok2/job_1")
    );
    assert_eq!(calls.get(), 2);
    // The refusal of the stale generation is recognised: retry with the current token.
    assert!(player.handle_refusal(generation, 401, expired.clone()));
    assert_eq!(calls.get(), 2);
    // The fresh token refused at once: give up, tell the application.
    let generation = get(&second, "generation").as_f64().unwrap();
    assert!(!player.handle_refusal(generation, 401, expired));
    assert_eq!(errors.length(), 1);
    assert_ansdev_error(&errors.get(0), "PLAYBACK_TOKEN_EXPIRED", None, false);
    // Not about the token: surfaced as is, nothing re-minted.
    let no_key = JsValue::from_str(
        r#"{"success":false,"error":{"code":"NO_KEY","message":"No key.","status":404}}"#,
    );
    assert!(!player.handle_refusal(generation, 404, no_key));
    // After giving up, a later request starts a new incident; a 401 whose body the loader
    // could not keep is taken as an expired token.
    let third = settle(player.authorize_url("ansdev-key://job_1".into()))
        .await
        .unwrap();
    assert_eq!(get(&third, "generation").as_f64(), Some(3.0));
    assert!(player.handle_refusal(3.0, 401, JsValue::UNDEFINED));
    assert_eq!(calls.get(), 3);
}

/// API-key mode: the fetch transport against a fake global `fetch`.
#[cfg(feature = "client")]
mod api_key_mode {
    use super::*;
    use sdk_wasm::AnsdevClient;
    use wasm_bindgen::convert::TryFromJsValue;

    /// Installs a fake global `fetch` answering with `respond(request)` → `{status, body, headers}`
    /// and recording every request in `globalThis.__requests`.
    fn install_fetch(respond: &str) {
        let install = Function::new_with_args(
            "respond",
            "globalThis.__requests = [];
             const answer = new Function('request', respond);
             globalThis.fetch = async (request) => {
               const body = await request.text();
               globalThis.__requests.push({
                 method: request.method, url: request.url, body, redirect: request.redirect,
                 headers: Object.fromEntries(request.headers.entries()),
               });
               const a = await answer(request);
               if (a === 'hang') {
                 return new Promise((_, reject) => request.signal.addEventListener('abort',
                   () => reject(new DOMException('aborted', 'AbortError'))));
               }
               if (a === 'network') throw new TypeError('fetch failed for ' + request.url);
               return new Response(a.body, { status: a.status, headers: a.headers || {} });
             };",
        );
        install
            .call1(&JsValue::UNDEFINED, &JsValue::from_str(respond))
            .unwrap();
    }

    fn requests() -> Array {
        get(&js_sys::global(), "__requests").unchecked_into()
    }

    const KEY: &str = "ak_test_0123456789abcdef0123456789abcdef";
    const VIDEO_JSON: &str = r#"{"id":"vid_1","jobId":"job_1","title":"Demo","status":"COMPLETED","encrypted":true,"quality":"720p","renditions":["720p"],"durationSeconds":40.0,"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z"}"#;

    fn client() -> AnsdevClient {
        AnsdevClient::new(
            obj(&[
                ("apiKey", JsValue::from_str(KEY)),
                ("baseUrl", JsValue::from_str(BASE)),
                ("timeoutMs", JsValue::from_f64(200.0)),
            ])
            .unchecked_into(),
        )
        .unwrap()
    }

    #[wasm_bindgen_test]
    async fn the_fetch_transport_sends_the_core_request_and_reads_the_answer() {
        install_fetch(&format!(
            "if (request.method === 'POST') return {{ status: 200,
               headers: {{ 'content-type': 'application/json', 'x-ratelimit-limit': '1000',
                          'x-ratelimit-remaining': '999', 'x-ratelimit-reset': '1800000000' }},
               body: JSON.stringify({{ success: true, data: {{ token: 'minted.tok-1', expiresIn: 300,
                     playerUrl: 'https://play.example/p/minted.tok-1' }} }}) }};
             return {{ status: 200, headers: {{ 'content-type': 'application/json' }},
               body: JSON.stringify({{ success: true, data: {VIDEO_JSON} }}) }};"
        ));
        let client = client();
        let minted = settle(client.mint_playback_token("vid_1".into()))
            .await
            .unwrap();
        assert_eq!(
            get(&minted, "token").as_string().as_deref(),
            Some("minted.tok-1")
        );
        assert_eq!(get(&minted, "expiresIn").as_f64(), Some(300.0));
        assert_eq!(
            get(&get(&minted, "rateLimit"), "remaining").as_f64(),
            Some(999.0)
        );
        let sent = requests().get(0);
        assert_eq!(get(&sent, "method").as_string().as_deref(), Some("POST"));
        assert_eq!(
            get(&sent, "url").as_string().unwrap(),
            format!("{BASE}/v1/video/vid_1/playback-token")
        );
        assert_eq!(
            get(&get(&sent, "headers"), "x-ansdev-key")
                .as_string()
                .as_deref(),
            Some(KEY)
        );
        // A request carrying the key never follows a redirect (the host hands it back).
        assert_eq!(
            get(&sent, "redirect").as_string().as_deref(),
            Some("manual")
        );

        let video = settle(client.get_video("vid_1".into())).await.unwrap();
        assert_eq!(get(&video, "jobId").as_string().as_deref(), Some("job_1"));
        assert_eq!(get(&video, "encrypted").as_bool(), Some(true));
        assert_eq!(
            get(&video, "createdAt").as_string().as_deref(),
            Some("2026-01-01T00:00:00Z")
        );
    }

    #[wasm_bindgen_test]
    async fn api_refusals_network_failures_and_timeouts_become_error_objects_without_secrets() {
        install_fetch(
            "if (request.url.includes('vid_refused')) return { status: 401,
               headers: { 'content-type': 'application/json' },
               body: JSON.stringify({ success: false, error: { code: 'INVALID_API_KEY',
                                      message: 'Invalid API key.', status: 401 } }) };
             if (request.url.includes('vid_down')) return 'network';
             return 'hang';",
        );
        let client = client();
        let error = settle(client.mint_playback_token("vid_refused".into()))
            .await
            .unwrap_err();
        assert_ansdev_error(&error, "INVALID_API_KEY", Some(401), false);
        let error = settle(client.mint_playback_token("vid_down".into()))
            .await
            .unwrap_err();
        assert_ansdev_error(&error, "TRANSPORT_ERROR", None, true);
        let message = get(&error, "message").as_string().unwrap();
        assert!(
            !message.contains("vid_down") && !message.contains(KEY),
            "{message}"
        );
        let error = settle(client.mint_playback_token("vid_slow".into()))
            .await
            .unwrap_err();
        assert_ansdev_error(&error, "TIMEOUT", None, true);
        assert_eq!(requests().length(), 3);
    }

    #[wasm_bindgen_test]
    async fn s1_answers_over_max_response_bytes_fail_typed_by_length_or_by_stream() {
        // A declared length over the cap, then a body without one (read as a stream).
        install_fetch(&format!(
            "const body = JSON.stringify({{ success: true, data: {VIDEO_JSON} }}).padEnd(5000);
             if (request.url.includes('vid_declared')) return {{ status: 200, body,
               headers: {{ 'content-type': 'application/json', 'content-length': String(body.length) }} }};
             if (request.url.includes('vid_streamed')) return {{ status: 200, body }};
             return {{ status: 200, body: JSON.stringify({{ success: true, data: {VIDEO_JSON} }}) }};"
        ));
        let client = AnsdevClient::new(
            obj(&[
                ("apiKey", JsValue::from_str(KEY)),
                ("baseUrl", JsValue::from_str(BASE)),
                ("maxResponseBytes", JsValue::from_f64(1000.0)),
            ])
            .unchecked_into(),
        )
        .unwrap();
        for id in ["vid_declared", "vid_streamed"] {
            let error = settle(client.get_video(id.into())).await.unwrap_err();
            assert_ansdev_error(&error, "BODY_TOO_LARGE", None, false);
            assert_eq!(
                get(&error, "kind").as_string().as_deref(),
                Some("BodyTooLarge"),
                "{id}"
            );
        }
        assert_eq!(requests().length(), 2, "a body too large is never retried");
        // Under the cap: read as before.
        let video = settle(client.get_video("vid_1".into())).await.unwrap();
        assert_eq!(get(&video, "jobId").as_string().as_deref(), Some("job_1"));
    }

    #[wasm_bindgen_test]
    async fn a_clients_players_mint_through_the_api_once_and_freeing_the_client_drops_the_key() {
        install_fetch(&format!(
            "if (request.method === 'POST') return {{ status: 200,
               headers: {{ 'content-type': 'application/json' }},
               body: JSON.stringify({{ success: true, data: {{ token: 'api.tok', expiresIn: 3 }} }}) }};
             return {{ status: 200, headers: {{ 'content-type': 'application/json' }},
               body: JSON.stringify({{ success: true, data: {VIDEO_JSON} }}) }};"
        ));
        let client = client();
        let player =
            AnsdevPlayer::try_from_js_value(settle(client.player("vid_1".into())).await.unwrap())
                .unwrap();
        assert_eq!(player.job_id(), "job_1");
        let all = Array::new();
        for _ in 0..5 {
            all.push(&player.token());
        }
        settle(Promise::all(&all)).await.unwrap();
        let mints = requests()
            .iter()
            .filter(|r| get(r, "method").as_string().as_deref() == Some("POST"))
            .count();
        assert_eq!(mints, 1);
        assert_eq!(client.mint_count(), 1);

        drop(client); // what `client.free()` does from JavaScript
        sleep_ms(2100).await; // past the token's 1 s margin: the next call must mint
        let error = settle(player.token()).await.unwrap_err();
        assert_ansdev_error(&error, "BUILD_ERROR", None, false);
        assert!(
            get(&error, "message")
                .as_string()
                .unwrap()
                .contains("API key")
        );
    }
}

#[wasm_bindgen_test]
async fn keep_warm_refreshes_an_active_players_token_on_the_timer() {
    let calls = Rc::new(Cell::new(0));
    // A 0.6 s token with a 0.2 s margin: keep-warm refreshes it 0.4 s after receipt, as it
    // leaves its fresh window.
    let player = player_with(
        provider(calls.clone(), 0, 0.6, 0),
        &[("keepWarm", JsValue::TRUE)],
    );
    player.set_active(true);
    assert_eq!(
        settle(player.token()).await.unwrap().as_string().as_deref(),
        Some("tok1")
    );
    sleep_ms(550).await;
    assert_eq!(calls.get(), 2, "refreshed without anyone asking");
    assert_eq!(
        settle(player.token()).await.unwrap().as_string().as_deref(),
        Some("tok2")
    );
    player.set_active(false);
    sleep_ms(500).await;
    assert_eq!(
        calls.get(),
        2,
        "an inactive player is not refreshed in the background"
    );
}

#[wasm_bindgen_test]
async fn listeners_can_be_removed_and_a_throwing_listener_stops_nobody() {
    let calls = Rc::new(Cell::new(0));
    let player = player_with(provider(calls, 0, 300.0, 0), &[]);
    let thrower = Function::new_no_args("throw new Error('listener bug')");
    player.on("tokenRefreshed".into(), thrower).unwrap();
    let removed = Array::new();
    let sink = removed.clone();
    let listener: Function = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        sink.push(&e);
    })
    .into_js_value()
    .unchecked_into();
    player
        .on("tokenRefreshed".into(), listener.clone())
        .unwrap();
    player.off("tokenRefreshed".into(), listener);
    let kept = record(&player, "tokenRefreshed");
    assert_eq!(
        settle(player.token()).await.unwrap().as_string().as_deref(),
        Some("tok1")
    );
    assert_eq!(removed.length(), 0);
    assert_eq!(kept.length(), 1);
    let error = player
        .on("tokenExpired".into(), Function::new_no_args(""))
        .unwrap_err();
    assert_ansdev_error(&error, "BUILD_ERROR", None, false);
}
