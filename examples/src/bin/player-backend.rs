//! A Rust backend for a browser player: it serves a page that plays a video with the Player SDK
//! (`@ansdev/player`) and hls.js, and mints the page's playback tokens through
//! [`sdk_native::token_endpoint::TokenEndpoint`]. The API key stays in this process: the page
//! only ever sees playback tokens (token-provider mode).
//!
//! ```sh
//! ANSDEV_API_KEY=ak_… cargo run -p examples --bin player-backend
//! # then open http://127.0.0.1:3000/ (this backend's page)
//! #       or http://127.0.0.1:3000/browser/ (examples/browser/index.html, the plain HTML page)
//! ```
//!
//! Settings (environment): `ANSDEV_API_KEY`, `ANSDEV_BASE_URL`, `ANSDEV_VIDEO` (the videos the
//! site publishes, comma-separated, default `vid_demo_encrypted`; the pages play the first), `ANSDEV_BACKEND_ADDR` (default `127.0.0.1:3000`;
//! port 0 picks a free one), `ANSDEV_PLAYER_ASSETS` (the built `sdk-wasm` package directory,
//! default this workspace's). The first line printed is `listening on http://HOST:PORT`.
//!
//! Routes:
//! - `GET /` and `/app.js`: this backend's page (`examples/player-backend/`), no inline code;
//! - `GET /browser/`: the plain HTML page of `examples/browser/index.html`;
//! - `GET /element/`: `examples/browser/element.html`, the `<ansdev-player>` element in a plain
//!   page with an import map (no build step);
//! - `GET /config.json`: what the pages need to know (API base, video id, job id) — no secret;
//! - `GET /playback-token/{videoId}`: the token endpoint, `{"token", "expiresIn", "jobId", …}`;
//!   only the published videos (by public id or job id) get tokens, every other id the 404 a
//!   missing video gets, and each client address is rate limited;
//! - `GET /node_modules/@ansdev/player/…`, `/node_modules/hls.js/dist/hls.min.mjs`: the npm
//!   package and hls.js, as a static site serves its `node_modules`.

#![allow(clippy::print_stdout)] // a command-line program prints

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use examples::{client_from_env, run};
use sdk_native::token_endpoint::TokenEndpoint;

const PAGE_HTML: &str = include_str!("../../player-backend/index.html");
const PAGE_JS: &str = include_str!("../../player-backend/app.js");
const PLAIN_HTML: &str = include_str!("../../browser/index.html");
const ELEMENT_HTML: &str = include_str!("../../browser/element.html");

/// `/node_modules/…` path → file inside the `sdk-wasm` package directory. Nothing else is served.
const PACKAGE_FILES: [(&str, &str); 9] = [
    (
        "hls.js/dist/hls.min.mjs",
        "node_modules/hls.js/dist/hls.min.mjs",
    ),
    ("@ansdev/player/js/index.js", "js/index.js"),
    ("@ansdev/player/js/hls.js", "js/hls.js"),
    ("@ansdev/player/js/errors.js", "js/errors.js"),
    ("@ansdev/player/js/lifecycle.js", "js/lifecycle.js"),
    ("@ansdev/player/js/element.js", "js/element.js"),
    ("@ansdev/player/js/endpoint.js", "js/endpoint.js"),
    (
        "@ansdev/player/pkg/ansdev_player.js",
        "pkg/ansdev_player.js",
    ),
    (
        "@ansdev/player/pkg/ansdev_player_bg.wasm",
        "pkg/ansdev_player_bg.wasm",
    ),
];

struct App {
    /// `{"baseUrl", "videoId", "jobId"}`: public facts about the video, never the key.
    config_json: String,
    assets: PathBuf,
}

fn main() -> ExitCode {
    run(async {
        let client = client_from_env()?;
        let published =
            std::env::var("ANSDEV_VIDEO").unwrap_or_else(|_| "vid_demo_encrypted".to_owned());
        let mut videos = Vec::new();
        for id in published
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
        {
            videos.push(client.get_video(id).await?);
        }
        // The pages play the first; they need the job id the playback routes are keyed by.
        let Some(video) = videos.first().cloned() else {
            return Err("ANSDEV_VIDEO names no video".into());
        };
        let config_json = serde_json::json!({
            "baseUrl": client.base_url().as_str(),
            "videoId": video.id.as_str(),
            "jobId": video.job_id.as_str(),
        })
        .to_string();
        let assets = std::env::var_os("ANSDEV_PLAYER_ASSETS").map_or_else(
            || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../sdk-wasm")),
            PathBuf::from,
        );
        // The decision: only the video this site publishes. A site with accounts would use
        // `TokenEndpoint::new(client, |request, video| …)` and check the viewer's session.
        let tokens = TokenEndpoint::allow_list(client, videos).router();
        let app = Router::new()
            .route("/", get(|| async { page(PAGE_HTML, true) }))
            .route("/app.js", get(|| async { script(PAGE_JS) }))
            .route("/browser/", get(|| async { page(PLAIN_HTML, false) }))
            .route("/element/", get(|| async { page(ELEMENT_HTML, false) }))
            .route("/config.json", get(config))
            .route("/node_modules/{*path}", get(package_file))
            .with_state(Arc::new(App {
                config_json,
                assets,
            }))
            .nest("/playback-token", tokens);

        let addr: SocketAddr = std::env::var("ANSDEV_BACKEND_ADDR")
            .unwrap_or_else(|_| "127.0.0.1:3000".to_owned())
            .parse()?;
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        println!("listening on http://{addr}");
        println!(
            "open http://{addr}/ (this backend's page) or http://{addr}/browser/ (plain HTML)"
        );
        println!(
            "the page gets playback tokens from /playback-token/{}; the API key stays here",
            video.id
        );
        // Connect info: the token endpoint's rate limit tells clients apart by their address.
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
        Ok(())
    })
}

fn page(html: &'static str, strict: bool) -> Response {
    let mut response = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    if strict {
        // This backend's page has no inline code; the API is another origin (connect-src).
        response.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
                 connect-src *; media-src 'self' blob:; worker-src 'self' blob:; \
                 img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
            ),
        );
    }
    response
}

fn script(body: &'static str) -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        body,
    )
        .into_response()
}

async fn config(State(app): State<Arc<App>>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        app.config_json.clone(),
    )
        .into_response()
}

async fn package_file(State(app): State<Arc<App>>, Path(path): Path<String>) -> Response {
    let Some((_, file)) = PACKAGE_FILES.iter().find(|(url, _)| *url == path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let content_type = if path.ends_with(".wasm") {
        "application/wasm"
    } else {
        "text/javascript; charset=utf-8"
    };
    match tokio::fs::read(app.assets.join(file)).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, content_type)], bytes).into_response(),
        Err(_) => (
            StatusCode::NOT_FOUND,
            "the Player SDK is not built: run scripts/build-wasm.sh (see sdk-wasm/README.md)",
        )
            .into_response(),
    }
}
