//! `GET /player/{videoId}?token=…`: the hosted page a minted `playerUrl` points at, and
//! `GET /player-assets/…`: the Player SDK, hls.js and the page's own script and style.
//!
//! The page carries only the token from its URL (no key, no token provider of its own). The
//! server checks the token when the page is requested, before it looks the video up, so a
//! token that has already expired shows as `PLAYBACK_TOKEN_EXPIRED` on the page (docs/api.md §8),
//! and a video that does not exist answers exactly like someone else's. An error page shows
//! the error code and nothing of the key that minted the token. A valid token yields a page that
//! plays the video with the Player SDK and hls.js served from `--player-assets` (the workspace's
//! `sdk-wasm` by default): its script hands the URL's token to the SDK, whose prefetch holds
//! every media playlist and the key, so that one token plays the whole video. The page shows
//! the token's remaining life (counting down), the refresh count, the quota left for the key
//! that minted the token, the position and any error code. When the assets are not built the
//! page still renders and says how to build them.
//!
//! The page has no inline script or style (a strict `Content-Security-Policy`), and every
//! value in it is escaped.

use std::collections::HashMap;
use std::path::{Path as FsPath, PathBuf};

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sdk_core::ErrorCode;

use super::openapi::schemas::{AnsdevErrorSchema, BinarySchema, TextSchema};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::VideoRow;

/// The page's own script and style, built into the server.
const PAGE_JS: &str = include_str!("page.js");
const PAGE_CSS: &str = include_str!("page.css");

/// The files under `/player-assets/` that come from the Player SDK package directory: URL path
/// → path inside the directory. Nothing else is served from it.
const PACKAGE_FILES: [(&str, &str); 7] = [
    ("hls.min.mjs", "node_modules/hls.js/dist/hls.min.mjs"),
    ("js/index.js", "js/index.js"),
    ("js/hls.js", "js/hls.js"),
    ("js/errors.js", "js/errors.js"),
    ("js/lifecycle.js", "js/lifecycle.js"),
    ("pkg/ansdev_player.js", "pkg/ansdev_player.js"),
    ("pkg/ansdev_player_bg.wasm", "pkg/ansdev_player_bg.wasm"),
];

/// How to build the assets, shown on the page when some are missing.
const BUILD_HINT: &str =
    "scripts/install-wasm-tools.sh && (cd sdk-wasm && npm ci) && scripts/build-wasm.sh";

/// Escapes text for HTML content and double-quoted attributes.
fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            other => other.to_string(),
        })
        .collect()
}

/// The package files missing from `dir` (URL paths).
fn missing_assets(dir: &FsPath) -> Vec<&'static str> {
    PACKAGE_FILES
        .iter()
        .filter(|(_, file)| !dir.join(file).is_file())
        .map(|(url, _)| *url)
        .collect()
}

fn page(state: &AppState, status: StatusCode, title: &str, body: &str, script: bool) -> Response {
    let script = if script {
        "<script type=\"module\" src=\"/player-assets/player.js\"></script>\n"
    } else {
        ""
    };
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\"><link rel=\"icon\" href=\"data:,\">\
         <title>{}</title>\n<link rel=\"stylesheet\" href=\"/player-assets/player.css\">\n\
         {script}</head>\n<body>\n{body}\n</body></html>\n",
        escape(title)
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // The page embeds its token.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Scripts and styles only from this server (no inline code); the wasm needs
    // 'wasm-unsafe-eval'; hls.js talks to the API (this server's public base) and feeds the
    // video through MediaSource (blob:).
    let api = &state.inner.public_base;
    let csp = format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         connect-src 'self' {api}; media-src 'self' blob: {api}; worker-src 'self' blob:; \
         img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// A valid token's state as the page shows it: seconds of life left, and the quota of the key
/// that minted it.
struct TokenState {
    expires_in: i64,
    quota: Option<(u32, u32, String)>,
}

fn status_panel(token: &TokenState, duration: Option<f64>) -> String {
    let expires = format!("{} s", token.expires_in);
    let quota = match &token.quota {
        Some((limit, remaining, prefix)) => format!(
            "{remaining} of {limit} mints left today (key {})",
            escape(prefix)
        ),
        None => "unknown".to_owned(),
    };
    let position = match duration {
        Some(d) => format!("0.0 s / {d:.1} s"),
        None => "0.0 s".to_owned(),
    };
    format!(
        "<dl class=\"status\" id=\"ansdev-status\">\n\
         <dt>Token expires in</dt><dd id=\"ansdev-expires-in\">{expires}</dd>\n\
         <dt>Token refreshes</dt><dd id=\"ansdev-refresh-count\">0</dd>\n\
         <dt>Quota remaining</dt><dd id=\"ansdev-quota\">{quota}</dd>\n\
         <dt>Position</dt><dd id=\"ansdev-position\">{position}</dd>\n\
         <dt>Error</dt><dd><span id=\"ansdev-error\">none</span> \
         <span id=\"ansdev-error-message\"></span></dd>\n</dl>"
    )
}

const FOOTER: &str = "<footer>This page holds only the playback token of its URL; one token \
     plays the whole video. For a fresh link, mint a token (<code>POST \
     /v1/video/{videoId}/playback-token</code> with your API key) and open its \
     <code>playerUrl</code>.</footer>";

/// A page that shows `code` and nothing else: no quota, no key prefix, no video detail (the
/// token that led here is not trusted, or no longer is).
fn error_page(state: &AppState, code: &ErrorCode) -> Response {
    let status = code.status().unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = code.message().unwrap_or("");
    let token = if *code == ErrorCode::PlaybackTokenExpired {
        "expired"
    } else {
        "not usable here"
    };
    let code = escape(code.as_str());
    page(
        state,
        status,
        "Ansdev player",
        &format!(
            "<main id=\"ansdev-player\" class=\"has-error\" data-state=\"{code}\" \
             data-error=\"{code}\">\n<h1>Ansdev player</h1>\n\
             <p class=\"error-box\"><code>{code}</code> {}</p>\n\
             <dl class=\"status\" id=\"ansdev-status\">\n\
             <dt>Token</dt><dd id=\"ansdev-expires-in\">{token}</dd>\n\
             <dt>Error</dt><dd><span id=\"ansdev-error\">{code}</span></dd>\n</dl>\n\
             {FOOTER}\n</main>",
            escape(message),
        ),
        false,
    )
}

/// The quota left today for the key `key_id`: (limit, remaining, key prefix).
fn quota_of(state: &AppState, key_id: &str) -> Option<(u32, u32, String)> {
    let key = state.store().key_by_id(key_id).ok()??;
    let used = state
        .store()
        .mints_used(&key.id, &state.clock().utc_day())
        .ok()?;
    Some((
        key.daily_token_limit,
        key.daily_token_limit.saturating_sub(used),
        key.prefix,
    ))
}

fn player_page(
    state: &AppState,
    video: &VideoRow,
    token: &str,
    token_state: &TokenState,
) -> Response {
    let missing = missing_assets(&state.inner.player_assets);
    let notice = if missing.is_empty() {
        String::new()
    } else {
        format!(
            "<p class=\"notice\" id=\"ansdev-assets-missing\">The Player SDK is not built \
             (missing: {}). Build it with <code>{}</code>, or start the server with \
             <code>--player-assets DIR</code> pointing at a built <code>sdk-wasm</code> \
             package.</p>",
            escape(&missing.join(", ")),
            escape(BUILD_HINT),
        )
    };
    let base = &state.inner.public_base;
    let master = format!(
        "{base}/v1/video/playback/manifest/{token}/{}/master.m3u8",
        video.job_id
    );
    let key = format!("{base}/v1/video/playback/key/{token}/{}", video.job_id);
    page(
        state,
        StatusCode::OK,
        &video.title,
        &format!(
            "<main id=\"ansdev-player\" data-state=\"ready\" data-assets=\"{}\" \
             data-video-id=\"{}\" data-job-id=\"{}\" data-encrypted=\"{}\" \
             data-base-url=\"{}\" data-token=\"{}\" data-expires-in=\"{}\" \
             data-master-url=\"{}\" data-key-url=\"{}\">\n\
             <h1>{}</h1>\n<video id=\"ansdev-video\" controls muted playsinline></video>\n\
             {notice}{}\n{FOOTER}\n</main>",
            if missing.is_empty() {
                "ready"
            } else {
                "missing"
            },
            escape(&video.id),
            escape(&video.job_id),
            video.encrypted,
            escape(base),
            escape(token),
            token_state.expires_in,
            escape(&master),
            escape(&key),
            escape(&video.title),
            status_panel(token_state, video.duration_seconds),
        ),
        missing.is_empty(),
    )
}

#[utoipa::path(get, path = "/player/{videoId}", tag = "playback",
    params(
        ("videoId" = String, Path, description = "Public video id (or job id) the token was minted for"),
        ("token" = String, Query, description = "Playback token"),
    ),
    responses(
        (status = 200, description = "The player page", body = TextSchema, content_type = "text/html"),
        (status = 401, description = "PLAYBACK_TOKEN_INVALID (no, malformed or forged token, whatever the video), PLAYBACK_TOKEN_EXPIRED; shown on the page with nothing of the minting key", body = TextSchema, content_type = "text/html"),
        (status = 403, description = "PLAYBACK_TOKEN_MISMATCH: the token is for another video, whether this one exists or not (shown on the page)", body = TextSchema, content_type = "text/html"),
        (status = 404, description = "VIDEO_NOT_FOUND: the token's own video no longer exists (shown on the page)", body = TextSchema, content_type = "text/html"),
        (status = 500, description = "INTERNAL_ERROR (shown on the page)", body = TextSchema, content_type = "text/html"),
    ))]
pub(super) async fn page_for(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    // The token decides first, from its own claims, so a path naming a missing video and one
    // naming someone else's get the same answer. A path or query the framework cannot decode
    // (not UTF-8) names no video and carries no token.
    let token = query.ok().and_then(|Query(mut q)| q.remove("token"));
    let Some(token) = token else {
        return error_page(&state, &ErrorCode::PlaybackTokenInvalid);
    };
    let video_id = path.map(|Path(id)| id).unwrap_or_default();
    let claims = match crate::tokens::verify_for_video(&state, &token, &video_id) {
        Ok(claims) => claims,
        Err(err) => return error_page(&state, err.code()),
    };
    let video = match state.store().video_by_job(&claims.sub) {
        Ok(Some(video)) => video,
        Ok(None) => return error_page(&state, &ErrorCode::VideoNotFound),
        Err(err) => {
            tracing::error!(error = %err, "store failure");
            return error_page(&state, &ErrorCode::InternalError);
        }
    };
    let token_state = TokenState {
        expires_in: claims.exp.saturating_sub(state.clock().unix()).max(0),
        quota: quota_of(&state, &claims.kid),
    };
    player_page(&state, &video, &token, &token_state)
}

/// `GET /player-assets/{path}`: the page's script and style, and the Player SDK package files
/// it loads (a fixed list; anything else is `NOT_FOUND`).
#[utoipa::path(get, path = "/player-assets/{path}", tag = "playback",
    params(("path" = String, Path, description = "player.js, player.css, hls.min.mjs, js/index.js, js/hls.js, js/errors.js, js/lifecycle.js, pkg/ansdev_player.js or pkg/ansdev_player_bg.wasm")),
    responses(
        (status = 200, description = "The asset; Cache-Control: no-cache, X-Content-Type-Options: nosniff", content(
            (TextSchema = "text/javascript"),
            (TextSchema = "text/css"),
            (BinarySchema = "application/wasm"),
        )),
        (status = 404, description = "NOT_FOUND: not one of the assets, or the Player SDK is not built", body = AnsdevErrorSchema),
    ))]
pub(super) async fn asset(
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

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn without_built_assets_the_page_renders_and_says_how_to_build_them() {
        let mut config = crate::Config::for_tests();
        config.player_assets = Some(std::path::PathBuf::from("/nonexistent/ansdev-sdk-wasm"));
        let server = crate::serve(config).await.unwrap();
        let client = reqwest::Client::builder().no_proxy().build().unwrap();
        let r = client
            .get(server.demo_player_url().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let csp = r.headers()["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
            "{csp}"
        );
        let html = r.text().await.unwrap();
        assert!(html.contains("data-assets=\"missing\""), "{html}");
        assert!(html.contains("id=\"ansdev-assets-missing\""), "{html}");
        assert!(html.contains("scripts/build-wasm.sh"), "{html}");
        assert!(
            !html.contains("/player-assets/player.js"),
            "no script that cannot load: {html}"
        );
        assert!(
            !html.contains("<script>") && !html.contains("style="),
            "{html}"
        );
        assert!(
            html.contains("id=\"ansdev-quota\">1000 of 1000 mints left today"),
            "{html}"
        );

        let base = server.base_url();
        let get = |path: &str| client.get(format!("{base}/player-assets/{path}")).send();
        assert_eq!(
            get("pkg/ansdev_player_bg.wasm").await.unwrap().status(),
            404
        );
        for outside in [
            "../Cargo.toml",
            "js/../../Cargo.toml",
            "node_modules/hls.js/package.json",
            "%2e%2e/Cargo.toml",
        ] {
            assert_eq!(get(outside).await.unwrap().status(), 404, "{outside}");
        }
        let css = get("player.css").await.unwrap();
        assert_eq!(css.status(), 200);
        assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
        let js = get("player.js").await.unwrap();
        assert_eq!(
            js.headers()["content-type"],
            "text/javascript; charset=utf-8"
        );
        server.shutdown().await.unwrap();
    }

    #[test]
    fn the_default_asset_directory_is_the_workspace_package() {
        let dir = crate::Config::for_tests().player_assets_dir();
        assert!(dir.join("package.json").is_file(), "{}", dir.display());
        assert!(dir.join("js/hls.js").is_file());
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
