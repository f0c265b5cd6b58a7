//! `GET /player/{videoId}?token=…`: the hosted page a minted `playerUrl` points at.
//!
//! The page carries only the token from its URL. The server checks the token when the page is
//! requested, so a token that has already expired shows as `PLAYBACK_TOKEN_EXPIRED` on the page
//! (CONTRACT §4). A valid token yields a `<video>` element whose `data-*` attributes give the
//! master playlist and key URLs for the Player SDK; browsers with native HLS play the master
//! playlist directly.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sdk_core::{ErrorCode, VideoId};

use crate::state::AppState;

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

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title></head>\n<body>\n{body}\n</body></html>\n",
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
    response
}

fn error_page(code: &ErrorCode) -> Response {
    let status = code.status().unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = code.info().map_or("", |i| i.message);
    page(
        status,
        "Ansdev player",
        &format!(
            "<main id=\"ansdev-player\" data-state=\"{code}\">\n\
             <p id=\"ansdev-error\"><code>{code}</code> {}</p>\n</main>",
            escape(message)
        ),
    )
}

#[utoipa::path(get, path = "/player/{videoId}", tag = "playback",
    params(
        ("videoId" = String, Path, description = "Public video id"),
        ("token" = String, Query, description = "Playback token"),
    ),
    responses(
        (status = 200, description = "The player page", content_type = "text/html"),
        (status = 401, description = "PLAYBACK_TOKEN_INVALID, PLAYBACK_TOKEN_EXPIRED (shown on the page)", content_type = "text/html"),
        (status = 403, description = "PLAYBACK_TOKEN_MISMATCH (shown on the page)", content_type = "text/html"),
        (status = 404, description = "VIDEO_NOT_FOUND (shown on the page)", content_type = "text/html"),
    ))]
pub(super) async fn page_for(
    State(state): State<AppState>,
    Path(video_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let video = match VideoId::new(video_id)
        .ok()
        .map(|id| state.store().video(id.as_str()))
    {
        Some(Ok(Some(video))) => video,
        Some(Err(err)) => {
            tracing::error!(error = %err, "store failure");
            return error_page(&ErrorCode::InternalError);
        }
        _ => return error_page(&ErrorCode::VideoNotFound),
    };
    let Some(token) = query.get("token") else {
        return error_page(&ErrorCode::PlaybackTokenInvalid);
    };
    if let Err(err) = crate::tokens::verify(&state, token, &video.job_id) {
        return error_page(err.code());
    }
    let base = &state.inner.public_base;
    let master = format!(
        "{base}/v1/video/playback/manifest/{token}/{}/master.m3u8",
        video.job_id
    );
    let key = format!("{base}/v1/video/playback/key/{token}/{}", video.job_id);
    page(
        StatusCode::OK,
        &video.title,
        &format!(
            "<main id=\"ansdev-player\" data-state=\"ready\" data-video-id=\"{}\" \
             data-job-id=\"{}\" data-encrypted=\"{}\" data-master-url=\"{}\" data-key-url=\"{}\">\n\
             <h1>{}</h1>\n<video controls playsinline src=\"{}\"></video>\n</main>",
            escape(&video.id),
            escape(&video.job_id),
            video.encrypted,
            escape(&master),
            escape(&key),
            escape(&video.title),
            escape(&master),
        ),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
