//! User JWTs and the JWKS cache against a counting identity provider on 127.0.0.1:0 (C4, S2),
//! and time claims from the future (C10).

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use super::PATIENCE;
use crate::common::*;

const DEV_IDP_KEY: &[u8] = include_bytes!("../../../src/dev-idp-key.pem");
const DEV_KID: &str = "dev-idp-1";

// ---------------------------------------------------------------------------------------------
// A counting identity provider on 127.0.0.1:0.

/// Serves the JWKS at once (the default).
#[allow(dead_code)]
const NORMAL: u8 = 0;
/// Answers after a minute (longer than any test waits).
const SLOW: u8 = 1;
const DOWN: u8 = 2;
/// A valid JWKS padded past the 64 KiB cap, with a `Content-Length`.
const OVERSIZED: u8 = 3;
/// The same, streamed without a `Content-Length`.
const OVERSIZED_STREAMED: u8 = 4;
/// Answers after 300 ms, so concurrent requests overlap one fetch.
const SLUGGISH: u8 = 5;

struct Idp {
    base: String,
    fetches: Arc<AtomicUsize>,
    mode: Arc<AtomicU8>,
    /// Served as the JWKS; `kid` rewritten by [`Idp::rotate_kid`].
    kid: Arc<std::sync::Mutex<String>>,
}

#[derive(Clone)]
struct IdpState {
    fetches: Arc<AtomicUsize>,
    mode: Arc<AtomicU8>,
    kid: Arc<std::sync::Mutex<String>>,
    jwks: Value,
    redirect_to: Option<String>,
}

impl Idp {
    /// An IdP serving the dev provider's public key at `/jwks.json`; `/redirect` answers 302
    /// to `redirect_to` (counted as a fetch too).
    async fn start(jwks: &Value, redirect_to: Option<String>) -> Self {
        let state = IdpState {
            fetches: Arc::default(),
            mode: Arc::default(),
            kid: Arc::new(std::sync::Mutex::new(DEV_KID.to_owned())),
            jwks: jwks.clone(),
            redirect_to,
        };
        let app = Router::new()
            .route("/jwks.json", get(serve_jwks))
            .route("/redirect", get(redirect))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            base,
            fetches: state.fetches,
            mode: state.mode,
            kid: state.kid,
        }
    }

    fn url(&self) -> String {
        format!("{}/jwks.json", self.base)
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }

    fn set_mode(&self, mode: u8) {
        self.mode.store(mode, Ordering::SeqCst);
    }

    fn rotate_kid(&self, kid: &str) {
        *self.kid.lock().unwrap() = kid.to_owned();
    }
}

async fn serve_jwks(State(state): State<IdpState>) -> Response {
    state.fetches.fetch_add(1, Ordering::SeqCst);
    let mut jwks = state.jwks.clone();
    jwks["keys"][0]["kid"] = json!(state.kid.lock().unwrap().clone());
    match state.mode.load(Ordering::SeqCst) {
        SLOW => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            axum::Json(jwks).into_response()
        }
        SLUGGISH => {
            tokio::time::sleep(Duration::from_millis(300)).await;
            axum::Json(jwks).into_response()
        }
        DOWN => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        OVERSIZED => {
            jwks["padding"] = json!("x".repeat(100 * 1024));
            axum::Json(jwks).into_response()
        }
        OVERSIZED_STREAMED => {
            jwks["padding"] = json!("x".repeat(100 * 1024));
            let bytes = jwks.to_string().into_bytes();
            let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
                bytes.chunks(4096).map(|c| Ok(c.to_vec())).collect();
            Response::builder()
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from_stream(futures_util::stream::iter(chunks)))
                .unwrap()
        }
        _ => axum::Json(jwks).into_response(),
    }
}

async fn redirect(State(state): State<IdpState>) -> Response {
    state.fetches.fetch_add(1, Ordering::SeqCst);
    let to = state.redirect_to.clone().unwrap_or_default();
    (StatusCode::FOUND, [(header::LOCATION, to)]).into_response()
}

/// The dev provider's public JWKS, as a dev server publishes it.
async fn dev_jwks() -> Value {
    let h = start().await;
    json_of(&h.get("/.well-known/jwks.json", None).await)
}

/// A dev server whose user JWTs are verified against `idp_url`, tuned by `tweak`.
async fn start_against(
    idp_url: String,
    tweak: impl FnOnce(&mut server_reference::Config),
) -> Harness {
    start_with(|c| {
        c.jwks_url = Some(idp_url);
        tweak(c);
    })
    .await
}

/// A user JWT for `user_1` signed with the dev provider's key, with the given header `kid`
/// and extra claims (times relative to the server clock `now`).
fn sign(kid: &str, now: i64, extra: Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    let mut claims = json!({
        "sub": USER, "iss": "ansdev-dev-idp", "aud": "ansdev-dashboard",
        "iat": now, "exp": now + 3600,
    });
    claims
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let key = EncodingKey::from_rsa_pem(DEV_IDP_KEY).unwrap();
    jsonwebtoken::encode(&header, &claims, &key).unwrap()
}

fn now_of(h: &Harness) -> i64 {
    h.server.state().server_clock().unix()
}

async fn list_keys(h: &Harness, token: &str) -> http::Response<bytes::Bytes> {
    h.request(
        reqwest::Method::GET,
        "/v1/keys",
        Some(&format!("Bearer {token}")),
        None,
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// C4 + S2: the JWKS.

#[tokio::test]
async fn c4_junk_tokens_never_fetch_the_jwks() {
    let idp = Idp::start(&dev_jwks().await, None).await;
    let h = start_against(idp.url(), |_| {}).await;
    let b64 = |s: &str| URL_SAFE_NO_PAD.encode(s);
    let rs256_no_kid = b64(r#"{"alg":"RS256","typ":"JWT"}"#);
    let rs256 = b64(r#"{"alg":"RS256","kid":"dev-idp-1"}"#);
    let payload = b64(r#"{"sub":"user_1"}"#);
    let short_sig = URL_SAFE_NO_PAD.encode([1u8; 32]);
    let sig = URL_SAFE_NO_PAD.encode([1u8; 256]);
    let mut junk = Vec::new();
    for i in 0..20 {
        // Every one of these has an RS256 header, which is all the old check looked at.
        junk.push(format!("{rs256_no_kid}.{payload}.{sig}{i}"));
        junk.push(format!("{rs256}.{payload}.{short_sig}"));
        junk.push(format!("{rs256}.{}.{sig}", b64(&format!("not json {i}"))));
        junk.push(format!("{rs256}.{payload}.{sig}.{i}"));
        junk.push(format!("{rs256}.{payload}!{i}.{sig}"));
    }
    assert_eq!(junk.len(), 100);
    for token in &junk {
        let r = list_keys(&h, token).await;
        assert_intelligence_error(&r, 401);
    }
    assert_eq!(idp.fetches(), 0, "junk tokens caused JWKS fetches");
}

#[tokio::test]
async fn c4_fifty_concurrent_valid_requests_on_a_cold_cache_share_one_fetch() {
    let idp = Idp::start(&dev_jwks().await, None).await;
    idp.set_mode(SLUGGISH);
    let h = Arc::new(start_against(idp.url(), |_| {}).await);
    let token = h.user_token(USER).await;
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (h, token) = (Arc::clone(&h), token.clone());
        tasks.push(tokio::spawn(
            async move { list_keys(&h, &token).await.status() },
        ));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    assert_eq!(
        idp.fetches(),
        1,
        "concurrent requests did not share one fetch"
    );
}

#[tokio::test]
async fn c4_an_unknown_kid_flood_refetches_at_most_once_per_cooldown() {
    let idp = Idp::start(&dev_jwks().await, None).await;
    let h = start_against(idp.url(), |_| {}).await;
    assert_eq!(list_keys(&h, &h.user_token(USER).await).await.status(), 200);
    assert_eq!(idp.fetches(), 1);
    let now = now_of(&h);
    for i in 0..100 {
        // Correctly signed, well formed, but naming a key the provider does not have.
        let r = list_keys(&h, &sign(&format!("made-up-{i}"), now, json!({}))).await;
        assert_intelligence_error(&r, 401);
    }
    // The flood runs well inside the 30 s cooldown: at most the one refetch it allows.
    assert!(idp.fetches() <= 2, "{} fetches", idp.fetches());
}

#[tokio::test]
async fn c4_a_rotated_key_is_picked_up_after_the_cooldown() {
    let idp = Idp::start(&dev_jwks().await, None).await;
    let h = start_against(idp.url(), |c| c.jwks_refetch_cooldown_seconds = 1).await;
    assert_eq!(list_keys(&h, &h.user_token(USER).await).await.status(), 200);
    idp.rotate_kid("rotated-1");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let r = list_keys(&h, &sign("rotated-1", now_of(&h), json!({}))).await;
    assert_eq!(r.status(), 200, "{:?}", r.body());
    assert_eq!(idp.fetches(), 2);
    // The old kid is gone from the provider's set, so from the server's too.
    let r = list_keys(&h, &sign(DEV_KID, now_of(&h), json!({}))).await;
    assert_intelligence_error(&r, 401);
}

#[tokio::test]
async fn s2_a_slow_identity_provider_with_a_warm_cache_still_answers_200() {
    let idp = Idp::start(&dev_jwks().await, None).await;
    // A long fetch deadline: a request that waited for the refresh would not answer in time.
    let h = start_against(idp.url(), |c| {
        c.jwks_cache_seconds = 1;
        c.jwks_timeout_seconds = 60;
    })
    .await;
    let token = h.user_token(USER).await;
    assert_eq!(list_keys(&h, &token).await.status(), 200);
    idp.set_mode(SLOW);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    for _ in 0..10 {
        let r = tokio::time::timeout(PATIENCE, list_keys(&h, &token))
            .await
            .expect("a valid request waited for the slow identity provider");
        assert_eq!(r.status(), 200);
    }
    // The refresh was started in the background, once: the ten requests joined it.
    let started = tokio::time::timeout(PATIENCE, async {
        while idp.fetches() < 2 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(started.is_ok(), "no refresh was started");
    assert_eq!(idp.fetches(), 2);
}

#[tokio::test]
async fn s2_a_down_identity_provider_with_a_warm_cache_still_answers_200() {
    let idp = Idp::start(&dev_jwks().await, None).await;
    let h = start_against(idp.url(), |c| c.jwks_cache_seconds = 1).await;
    let token = h.user_token(USER).await;
    assert_eq!(list_keys(&h, &token).await.status(), 200);
    idp.set_mode(DOWN);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    for _ in 0..10 {
        assert_eq!(list_keys(&h, &token).await.status(), 200);
    }
    // Cold, the same provider is a 500 SERVER_ERROR (docs/api.md §9).
    let cold = start_against(idp.url(), |_| {}).await;
    let r = list_keys(&cold, &cold.user_token(USER).await).await;
    assert_intelligence_error(&r, 500);
}

#[tokio::test]
async fn s2_an_oversized_jwks_is_refused_without_a_crash() {
    let idp = Idp::start(&dev_jwks().await, None).await;
    for mode in [OVERSIZED, OVERSIZED_STREAMED] {
        idp.set_mode(mode);
        let h = start_against(idp.url(), |_| {}).await;
        let r = list_keys(&h, &h.user_token(USER).await).await;
        assert_intelligence_error(&r, 500);
        assert_eq!(h.get("/healthz", None).await.status(), 200);
    }
}

#[tokio::test]
async fn s2_a_redirecting_jwks_url_is_refused_and_its_target_never_contacted() {
    let jwks = dev_jwks().await;
    let target = Idp::start(&jwks, None).await;
    let idp = Idp::start(&jwks, Some(target.url())).await;
    let h = start_against(format!("{}/redirect", idp.base), |_| {}).await;
    let r = list_keys(&h, &h.user_token(USER).await).await;
    assert_intelligence_error(&r, 500);
    assert_eq!(idp.fetches(), 1);
    assert_eq!(target.fetches(), 0, "the redirect was followed");
}

// ---------------------------------------------------------------------------------------------
// C10: time claims from the future.

#[tokio::test]
async fn c10_a_user_jwt_not_yet_valid_or_issued_in_the_future_is_401() {
    let h = start().await;
    let now = now_of(&h);
    let day = 86_400;
    for (claims, why) in [
        (json!({"nbf": now + day}), "nbf a day ahead"),
        (
            json!({"iat": now + 365 * day, "exp": now + 366 * day}),
            "iat a year ahead",
        ),
        (json!({"nbf": now + 120}), "nbf past the 60 s leeway"),
    ] {
        let r = list_keys(&h, &sign(DEV_KID, now, claims)).await;
        assert_eq!(r.status(), 401, "{why} was accepted");
        assert_intelligence_error(&r, 401);
    }
    // Within the leeway (clock skew between provider and server) and in the past: accepted.
    for claims in [
        json!({"nbf": now + 30, "iat": now + 30}),
        json!({"nbf": now - 10, "iat": now - 10}),
        json!({}),
    ] {
        let r = list_keys(&h, &sign(DEV_KID, now, claims.clone())).await;
        assert_eq!(r.status(), 200, "{claims} was refused");
    }
}
