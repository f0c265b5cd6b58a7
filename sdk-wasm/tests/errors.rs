//! The SDK's errors as JavaScript sees them: the brand `instanceof AnsdevError` checks, a
//! token provider's failure kept as `cause` with its code, and the TypeScript code union
//! checked against the catalog.
#![cfg(target_family = "wasm")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use js_sys::{Array, Function, Reflect, Symbol};
use sdk_wasm::AnsdevPlayer;
use sdk_wasm::core::ErrorCode;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

mod support;
use support::{get, obj, settle};

fn player_with(provider: Function) -> AnsdevPlayer {
    AnsdevPlayer::new(
        obj(&[
            ("baseUrl", JsValue::from_str("http://127.0.0.1:8787")),
            ("jobId", JsValue::from_str("job_1")),
            ("tokenProvider", provider.into()),
        ])
        .unchecked_into(),
    )
    .unwrap()
}

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

fn branded(error: &JsValue) -> bool {
    Reflect::get(error, &Symbol::for_("ansdev.error"))
        .unwrap()
        .as_bool()
        == Some(true)
}

#[wasm_bindgen_test]
fn ts3_every_catalog_code_is_in_the_typescript_code_union() {
    let types = include_str!("../js/errors.d.ts");
    for code in ErrorCode::ALL {
        assert!(
            types.contains(&format!("\"{}\"", code.as_str())),
            "{code} is missing from CatalogErrorCode in js/errors.d.ts"
        );
    }
    for client in ["BUILD_ERROR", "TRANSPORT_ERROR", "TIMEOUT", "DECODE_ERROR"] {
        assert!(types.contains(&format!("\"{client}\"")), "{client}");
    }
}

#[wasm_bindgen_test]
fn ts3_errors_made_in_wasm_carry_the_brand_instanceof_checks() {
    let error = AnsdevPlayer::new(obj(&[("jobId", JsValue::from_str("job_1"))]).unchecked_into())
        .unwrap_err();
    assert_eq!(
        get(&error, "code").as_string().as_deref(),
        Some("BUILD_ERROR")
    );
    assert!(branded(&error));
}

#[wasm_bindgen_test]
async fn ts3_a_provider_refusal_keeps_its_code_and_becomes_the_cause() {
    let refuse = Function::new_with_args(
        "videoId",
        "const e = new Error('backend says: no such video'); e.code = 'VIDEO_NOT_FOUND'; \
         e.status = 404; globalThis.__thrownByProvider = e; throw e;",
    );
    let player = player_with(refuse);
    let error = settle(player.token()).await.unwrap_err();
    assert_eq!(
        get(&error, "code").as_string().as_deref(),
        Some("VIDEO_NOT_FOUND")
    );
    assert_eq!(get(&error, "status").as_f64(), Some(404.0));
    assert!(branded(&error));
    let thrown = get(&js_sys::global().into(), "__thrownByProvider");
    assert!(
        js_sys::Object::is(&get(&error, "cause"), &thrown),
        "the thrown Error is the cause"
    );
    // The provider's text stays in `cause`, out of the SDK's own message.
    let message = get(&error, "message").as_string().unwrap();
    assert!(!message.contains("backend says"), "{message}");
}

#[wasm_bindgen_test]
async fn ts3_a_provider_plain_error_is_retried_and_reported_with_it_as_cause() {
    // Throws a plain Error once (a network failure in the provider), then answers.
    let flaky = Function::new_with_args(
        "videoId",
        "if (!globalThis.__flakyOnce) { globalThis.__flakyOnce = true; \
         throw new TypeError('Failed to fetch /api/token'); } \
         return Promise.resolve({ token: 'tok1', expiresIn: 300 });",
    );
    let player = player_with(flaky);
    let errors = record(&player, "error");
    let token = settle(player.token()).await.unwrap();
    assert_eq!(token.as_string().as_deref(), Some("tok1"));
    assert_eq!(errors.length(), 1);
    let error = errors.get(0);
    assert_eq!(
        get(&error, "code").as_string().as_deref(),
        Some("TRANSPORT_ERROR")
    );
    assert!(branded(&error));
    let cause = get(&error, "cause");
    assert_eq!(
        get(&cause, "message").as_string().as_deref(),
        Some("Failed to fetch /api/token")
    );
}
