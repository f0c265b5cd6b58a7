//! `GET /player-assets/…`: the hosted page's own script and style, built into the server, and
//! the Player SDK package files it loads, from `--player-assets` (a fixed list: nothing else
//! is ever read from that directory).

use std::path::{Path as FsPath, PathBuf};

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sdk_core::ErrorCode;

use crate::error::ApiError;
use crate::routes::openapi::schemas::{AnsdevErrorSchema, BinarySchema, TextSchema};
use crate::state::AppState;

/// The page's own script and style, built into the server.
const PAGE_JS: &str = include_str!("page.js");
const PAGE_CSS: &str = include_str!("page.css");

/// The files under `/player-assets/` that come from the Player SDK package directory: URL path
/// → path inside the directory. Nothing else is served from it.
const PACKAGE_FILES: [(&str, &str); 8] = [
    ("hls.min.mjs", "node_modules/hls.js/dist/hls.min.mjs"),
    ("js/index.js", "js/index.js"),
    ("js/hls.js", "js/hls.js"),
    ("js/errors.js", "js/errors.js"),
    ("js/lifecycle.js", "js/lifecycle.js"),
    ("js/endpoint.js", "js/endpoint.js"),
    ("pkg/ansdev_player.js", "pkg/ansdev_player.js"),
    ("pkg/ansdev_player_bg.wasm", "pkg/ansdev_player_bg.wasm"),
];

/// The package files missing from `dir` (URL paths).
pub(super) fn missing_assets(dir: &FsPath) -> Vec<&'static str> {
    PACKAGE_FILES
        .iter()
        .filter(|(_, file)| !dir.join(file).is_file())
        .map(|(url, _)| *url)
        .collect()
}

/// `GET /player-assets/{path}`: the page's script and style, and the Player SDK package files
/// it loads (a fixed list; anything else is `NOT_FOUND`).
#[utoipa::path(get, path = "/player-assets/{path}", tag = "playback",
    params(("path" = String, Path, description = "player.js, player.css, hls.min.mjs, js/index.js, js/hls.js, js/errors.js, js/lifecycle.js, js/endpoint.js, pkg/ansdev_player.js or pkg/ansdev_player_bg.wasm")),
    responses(
        (status = 200, description = "The asset; Cache-Control: no-cache, X-Content-Type-Options: nosniff", content(
            (TextSchema = "text/javascript"),
            (TextSchema = "text/css"),
            (BinarySchema = "application/wasm"),
        )),
        (status = 404, description = "NOT_FOUND: not one of the assets, or the Player SDK is not built", body = AnsdevErrorSchema),
    ))]
pub(crate) async fn asset(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    // A path that is not UTF-8 names no asset.
    let Ok(Path(path)) = path else {
        return ApiError::new(ErrorCode::NotFound).into_response();
    };
    match path.as_str() {
        "player.js" => return asset_response("text/javascript; charset=utf-8", PAGE_JS.into()),
        "player.css" => return asset_response("text/css; charset=utf-8", PAGE_CSS.into()),
        _ => {}
    }
    let Some((_, file)) = PACKAGE_FILES.iter().find(|(url, _)| *url == path) else {
        return ApiError::new(ErrorCode::NotFound).into_response();
    };
    let file: PathBuf = state.inner.player_assets.join(file);
    let content_type = if path.ends_with(".wasm") {
        "application/wasm"
    } else {
        "text/javascript; charset=utf-8"
    };
    match tokio::task::spawn_blocking(move || std::fs::read(file)).await {
        Ok(Ok(bytes)) => asset_response(content_type, bytes),
        // Not built (yet): the page says how to build it.
        _ => ApiError::new(ErrorCode::NotFound).into_response(),
    }
}

fn asset_response(content_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // A rebuilt package is picked up at once.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}
