//! The hosted page itself: `GET /player/{videoId}?token=…` checks the token, then renders the
//! video's player (or an error page showing only the code). Its playback URLs come from
//! sdk-core's builders, the one owner of their shape.

use std::collections::HashMap;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sdk_core::endpoint::{key_url, master_playlist_url};
use sdk_core::{BaseUrl, ErrorCode, PlaybackToken, VideoId};

use super::assets::missing_assets;
use crate::routes::openapi::schemas::TextSchema;
use crate::state::AppState;
use crate::store::VideoRow;

/// How to build the assets, shown on the page when some are missing.
const BUILD_HINT: &str =
    "scripts/install-wasm-tools.sh && (cd sdk-wasm && npm ci) && scripts/build-wasm.sh";

/// Escapes text for HTML content and double-quoted attributes.
pub(super) fn escape(text: &str) -> String {
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

/// The master-playlist and key URLs of `token` for `job_id`, built by sdk-core; `None` when a
/// part is not what the core accepts (a token the server verified and a stored job id always
/// are; a `--public-base` that is not a base URL is not).
fn playback_urls(base: &str, token: &str, job_id: &str) -> Option<(String, String)> {
    let base = BaseUrl::new(base).ok()?;
    let token = PlaybackToken::new(token).ok()?;
    let job_id = VideoId::new(job_id).ok()?;
    Some((
        master_playlist_url(&base, &token, &job_id),
        key_url(&base, &token, &job_id),
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
    let Some((master, key)) = playback_urls(base, token, &video.job_id) else {
        tracing::error!("the public base, token or job id does not make a playback URL");
        return error_page(state, &ErrorCode::InternalError);
    };
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
pub(crate) async fn page_for(
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
