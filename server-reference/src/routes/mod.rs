//! The route table and the layers every route shares.

mod dev;
mod keys;
mod meta;
mod openapi;
pub(crate) mod patterns;
mod playback;
mod player;
mod videos;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use sdk_core::ErrorCode;
use sdk_core::endpoint::API_KEY_HEADER;
use sdk_core::rate_limit::{HEADER_LIMIT, HEADER_REMAINING, HEADER_RESET};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::error::{ApiError, DevError, KeysError};
use crate::state::AppState;

/// The largest request body any route reads. The biggest legitimate one, a `POST /v1/keys`
/// with a 64-character name, five scopes and an expiry, is under 1 KiB; 16 KiB leaves room
/// for whitespace and never lets a body cost the server more than that.
pub(crate) const MAX_BODY_BYTES: usize = 16 * 1024;

pub(crate) fn build(state: AppState) -> Router {
    let mut router = Router::new()
        .route("/healthz", get(meta::healthz))
        .route("/openapi.json", get(openapi::document))
        .route("/.well-known/jwks.json", get(meta::jwks))
        .route(patterns::LIST, get(videos::list))
        .route(patterns::VIDEO, get(videos::get_one))
        .route(patterns::MINT, post(videos::mint))
        .route(patterns::MASTER, get(playback::master))
        .route(patterns::MEDIA, get(playback::media))
        .route(patterns::KEY, get(playback::key))
        .route(patterns::SESSION_KEY, get(playback::session_key))
        .route(patterns::SEGMENT, get(playback::segment))
        .route(patterns::PLAYER, get(player::page_for))
        .route(patterns::PLAYER_ASSET, get(player::asset))
        .route(patterns::KEYS, post(keys::create).get(keys::list))
        .route(patterns::KEY_BY_ID, delete(keys::revoke));
    if state.inner.dev {
        router = router
            .route("/dev/users/{user_id}/token", post(dev::user_token))
            .route("/dev/clock", post(dev::clock))
            .route("/dev/faults", post(dev::faults))
            .route(
                "/dev/requests",
                get(crate::dev_api::requests).delete(crate::dev_api::clear_requests),
            )
            .route(
                "/dev/videos/{video_id}/status",
                post(crate::dev_api::video_status),
            )
            .route("/dev/seed", post(crate::dev_api::seed));
    }
    with_layers(router, state)
}

/// The fallbacks and layers every route shares: CORS outermost (so every answer, errors
/// included, carries its headers), then panics → `INTERNAL_ERROR`, the request log, the 411
/// rule, fault injection, and innermost the body limit and the envelope for framework
/// rejections.
fn with_layers(router: Router<AppState>, state: AppState) -> Router {
    let cors = cors(&state.inner.cors_origin);
    router
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(envelope_rejections))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::faults::middleware,
        ))
        .layer(middleware::from_fn(length_required))
        .layer(middleware::from_fn(log_request))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("handler panicked");
            ApiError::internal().into_response()
        }))
        .layer(cors)
        .with_state(state)
}

fn cors(origin: &str) -> CorsLayer {
    let allow_origin = if origin.trim() == "*" {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origin
                .split(',')
                .filter_map(|o| HeaderValue::from_str(o.trim()).ok()),
        )
    };
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::GET, Method::POST, Method::DELETE, Method::OPTIONS])
        .allow_headers([
            HeaderName::from_static(API_KEY_HEADER),
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
        ])
        .expose_headers([
            HeaderName::from_static(HEADER_LIMIT),
            HeaderName::from_static(HEADER_REMAINING),
            HeaderName::from_static(HEADER_RESET),
        ])
}

/// The API's front end refuses a bodyless POST without `Content-Length` (411, plain text)
/// before the service sees it.
async fn length_required(request: Request, next: Next) -> Response {
    let headers = request.headers();
    if request.method() == Method::POST
        && !headers.contains_key(header::CONTENT_LENGTH)
        && !headers.contains_key(header::TRANSFER_ENCODING)
    {
        return (
            StatusCode::LENGTH_REQUIRED,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Length Required",
        )
            .into_response();
    }
    next.run(request).await
}

/// Logs method, route *pattern* (never the path itself: playback paths carry tokens), status
/// and latency. Headers are never logged, so neither are API keys or bearer tokens.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "<unmatched>".to_owned(), |p| p.as_str().to_owned());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        %method,
        route,
        status = response.status().as_u16(),
        micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "request"
    );
    response
}

/// The envelope families of the routes, by path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// `/v1/keys…`: the genericized Intelligence envelope.
    Keys,
    /// `/dev/…`: Intelligence-shaped, naming the field.
    Dev,
    /// Everything else: the Ansdev envelope.
    Ansdev,
}

impl Family {
    fn of(path: &str) -> Self {
        if path == "/v1/keys" || path.starts_with("/v1/keys/") {
            Self::Keys
        } else if path.starts_with("/dev/") {
            Self::Dev
        } else {
            Self::Ansdev
        }
    }

    fn rejection(self, status: StatusCode) -> Response {
        match self {
            Self::Keys => KeysError::for_rejection(status).into_response(),
            Self::Dev => DevError::new("request", "the request could not be read").into_response(),
            Self::Ansdev => ApiError::for_rejection(status).into_response(),
        }
    }
}

/// Whether `response` is one of the framework's own refusals: axum answers an extractor's
/// rejection (a path segment that is not UTF-8, a body over [`MAX_BODY_BYTES`], …) in plain
/// text, and no route of this server answers plain text itself.
fn is_framework_rejection(response: &Response) -> bool {
    let status = response.status();
    (status.is_client_error() || status.is_server_error())
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("text/plain"))
}

/// Handlers map the rejections of the extractors they use to their own errors; this is the
/// net under them, so that no answer leaves a route outside its envelope, whatever extractor a
/// route gains later.
async fn envelope_rejections(request: Request, next: Next) -> Response {
    let family = Family::of(request.uri().path());
    let response = next.run(request).await;
    if !is_framework_rejection(&response) {
        return response;
    }
    let status = response.status();
    tracing::warn!(
        status = status.as_u16(),
        "framework rejection answered in the envelope"
    );
    family.rejection(status)
}

async fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound)
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(ErrorCode::MethodNotAllowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn boom() -> &'static str {
        panic!("boom")
    }

    /// A handler that leaves its extractor's rejections to the framework.
    async fn raw_json(axum::Json(_): axum::Json<serde_json::Value>) -> StatusCode {
        StatusCode::NO_CONTENT
    }

    #[tokio::test]
    async fn c13_rejections_a_handler_leaves_unmapped_still_come_in_the_route_envelope() {
        let state = crate::server::state_for_tests();
        let app = with_layers(
            Router::new()
                .route("/v1/keys/json", post(raw_json))
                .route("/v1/video/json", post(raw_json))
                .route("/dev/json", post(raw_json)),
            state,
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let send = |path: &str, content_type: &str, body: Vec<u8>| {
            client
                .post(format!("http://{addr}{path}"))
                .header("content-type", content_type)
                .body(body)
                .send()
        };
        let big = vec![b' '; MAX_BODY_BYTES + 1];
        // Bad JSON (400), wrong content type (415), too large (413): axum's plain text each.
        for (content_type, body) in [
            ("application/json", b"{".to_vec()),
            ("text/plain", b"{}".to_vec()),
            ("application/json", big),
        ] {
            let r = send("/v1/keys/json", content_type, body.clone())
                .await
                .unwrap();
            assert_eq!(r.status(), 422);
            let json: serde_json::Value = r.json().await.unwrap();
            assert_eq!(
                json,
                serde_json::json!({"error": {"code": "VALIDATION_ERROR", "message": "Invalid request"}})
            );
            let r = send("/v1/video/json", content_type, body.clone())
                .await
                .unwrap();
            assert_eq!(r.status(), 400);
            let json: serde_json::Value = r.json().await.unwrap();
            assert_eq!(json["error"]["code"], "INVALID_REQUEST");
            let r = send("/dev/json", content_type, body).await.unwrap();
            assert_eq!(r.status(), 422);
            let json: serde_json::Value = r.json().await.unwrap();
            assert_eq!(json["error"]["code"], "VALIDATION_ERROR");
        }
        let r = send("/v1/video/json", "application/json", b"{}".to_vec())
            .await
            .unwrap();
        assert_eq!(r.status(), 204);
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_internal_error_in_the_envelope() {
        let state = crate::server::state_for_tests();
        let app = with_layers(Router::new().route("/boom", get(boom)), state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let r = client
            .get(format!("http://{addr}/boom"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 500);
        assert_eq!(r.headers()["access-control-allow-origin"], "*");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(
            body,
            serde_json::json!({"success": false, "error": {"code": "INTERNAL_ERROR",
                "message": "Internal server error.", "status": 500}})
        );
    }
}
