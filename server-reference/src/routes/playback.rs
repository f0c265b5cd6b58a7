//! Token-gated playlists, key delivery (JWT and cookie variants) and public CDN segments.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sdk_core::ErrorCode;

use super::openapi::schemas::{AnsdevErrorSchema, BinarySchema, TextSchema};
use crate::auth::{self, UserAuthError};
use crate::crypto::encrypt_segment;
use crate::error::ApiError;
use crate::media;
use crate::state::AppState;
use crate::store::VideoRow;

const PLAYLIST: &str = "application/vnd.apple.mpegurl";
const NO_STORE: &str = "no-store";

fn with_headers(
    mut response: Response,
    content_type: Option<&'static str>,
    cache: &'static str,
) -> Response {
    let headers = response.headers_mut();
    if let Some(ct) = content_type {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// Playlists and keys are `no-store` on every answer, errors included.
fn no_store(result: Result<Response, ApiError>, content_type: &'static str) -> Response {
    match result {
        Ok(response) => with_headers(response, Some(content_type), NO_STORE),
        Err(err) => with_headers(err.into_response(), None, NO_STORE),
    }
}

fn video_for_token(
    state: &AppState,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<VideoRow, ApiError> {
    let Path((token, job_id)) = path.map_err(|_| ApiError::new(ErrorCode::PlaybackTokenInvalid))?;
    crate::tokens::verify(state, &token, &job_id)?;
    state
        .store()
        .video_by_job(&job_id)?
        .ok_or_else(|| ApiError::new(ErrorCode::VideoNotFound))
}

/// `GET /v1/video/playback/manifest/{token}/{jobId}/master.m3u8`.
#[utoipa::path(get, path = "/v1/video/playback/manifest/{token}/{jobId}/master.m3u8", tag = "playback",
    params(("token" = String, Path, description = "Playback token"),
        ("jobId" = String, Path, description = "Job id"),),
    responses(
        (status = 200, description = "Multivariant playlist: one #EXT-X-STREAM-INF per rendition, URI {rendition}/index.m3u8", body = TextSchema, content_type = "application/vnd.apple.mpegurl"),
        (status = 401, description = "PLAYBACK_TOKEN_INVALID, PLAYBACK_TOKEN_EXPIRED", body = AnsdevErrorSchema),
        (status = 403, description = "PLAYBACK_TOKEN_MISMATCH: the token is for another video", body = AnsdevErrorSchema),
        (status = 404, description = "VIDEO_NOT_FOUND: the token's video no longer exists", body = AnsdevErrorSchema),
        (status = 500, description = "INTERNAL_ERROR", body = AnsdevErrorSchema),
    ))]
pub(super) async fn master(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let result = video_for_token(&state, path).map(|video| {
        let own = state.media_dir(&video.job_id);
        media::Source::of(own.as_ref())
            .master_playlist(&video.renditions)
            .into_response()
    });
    no_store(result, PLAYLIST)
}

/// `GET /v1/video/playback/manifest/{token}/{jobId}/{rendition}/index.m3u8`.
#[utoipa::path(get, path = "/v1/video/playback/manifest/{token}/{jobId}/{rendition}/index.m3u8", tag = "playback",
    params(("token" = String, Path, description = "Playback token"),
        ("jobId" = String, Path, description = "Job id"),
        ("rendition" = String, Path, description = "Rendition name, e.g. 720p"),),
    responses(
        (status = 200, description = "Media playlist (HLS v3 VOD): EXT-X-KEY with the stored cookie URI for an encrypted video, absolute segment URLs, EXT-X-ENDLIST", body = TextSchema, content_type = "application/vnd.apple.mpegurl"),
        (status = 401, description = "PLAYBACK_TOKEN_INVALID, PLAYBACK_TOKEN_EXPIRED", body = AnsdevErrorSchema),
        (status = 403, description = "PLAYBACK_TOKEN_MISMATCH", body = AnsdevErrorSchema),
        (status = 404, description = "NOT_FOUND (unknown rendition), VIDEO_NOT_FOUND", body = AnsdevErrorSchema),
        (status = 500, description = "INTERNAL_ERROR", body = AnsdevErrorSchema),
    ))]
pub(super) async fn media(
    State(state): State<AppState>,
    path: Result<Path<(String, String, String)>, PathRejection>,
) -> Response {
    let result = (|| {
        let Path((token, job_id, rendition)) =
            path.map_err(|_| ApiError::new(ErrorCode::PlaybackTokenInvalid))?;
        let video = video_for_token(&state, Ok(Path((token, job_id))))?;
        let index = video
            .renditions
            .iter()
            .position(|r| *r == rendition)
            .ok_or_else(|| ApiError::new(ErrorCode::NotFound))?;
        let own = state.media_dir(&video.job_id);
        Ok(media::Source::of(own.as_ref())
            .media_playlist(
                &state.inner.public_base,
                &video.job_id,
                &rendition,
                index,
                video.encrypted,
            )
            .into_response())
    })();
    no_store(result, PLAYLIST)
}

/// The clear 16-byte key of an encrypted video: `NO_KEY` for a plain one, `KEY_DECRYPT_FAILED`
/// when the master key does not unwrap the stored key.
fn data_key(state: &AppState, video: &VideoRow) -> Result<[u8; 16], ApiError> {
    if !video.encrypted {
        return Err(ApiError::new(ErrorCode::NoKey));
    }
    let wrapped = state
        .store()
        .wrapped_key(&video.job_id)?
        .ok_or_else(|| ApiError::new(ErrorCode::KeyDecryptFailed))?;
    state
        .inner
        .master_key
        .unwrap_key(&video.job_id, &wrapped)
        .ok_or_else(|| {
            tracing::error!(job_id = %video.job_id, "master key does not unwrap the stored data key");
            ApiError::new(ErrorCode::KeyDecryptFailed)
        })
}

fn key_response(key: [u8; 16]) -> Response {
    key.to_vec().into_response()
}

/// `GET /v1/video/playback/key/{token}/{jobId}` — raw key bytes.
#[utoipa::path(get, path = "/v1/video/playback/key/{token}/{jobId}", tag = "playback",
    params(("token" = String, Path, description = "Playback token"),
        ("jobId" = String, Path, description = "Job id"),),
    responses(
        (status = 200, description = "The raw 16-byte AES-128 key (Cache-Control: no-store on every answer of this route)", body = BinarySchema, content_type = "application/octet-stream"),
        (status = 401, description = "PLAYBACK_TOKEN_INVALID, PLAYBACK_TOKEN_EXPIRED", body = AnsdevErrorSchema),
        (status = 403, description = "PLAYBACK_TOKEN_MISMATCH", body = AnsdevErrorSchema),
        (status = 404, description = "NO_KEY (the video is not encrypted), VIDEO_NOT_FOUND", body = AnsdevErrorSchema),
        (status = 500, description = "KEY_DECRYPT_FAILED (the master key does not unwrap the stored key), INTERNAL_ERROR", body = AnsdevErrorSchema),
    ))]
pub(super) async fn key(
    State(state): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let result = video_for_token(&state, path)
        .and_then(|video| data_key(&state, &video))
        .map(key_response);
    no_store(result, "application/octet-stream")
}

/// `GET /video/key/{jobId}` — the dashboard's route, authenticated by the `ansdev_session`
/// cookie (a user JWT); owner only, otherwise 401 `UNAUTHORIZED`.
#[utoipa::path(get, path = "/video/key/{jobId}", tag = "playback",
    security(("session_cookie" = [])),
    params(("jobId" = String, Path, description = "Job id")),
    responses(
        (status = 200, description = "The raw 16-byte AES-128 key", body = BinarySchema, content_type = "application/octet-stream"),
        (status = 401, description = "UNAUTHORIZED: no or bad session, or not the owner's video", body = AnsdevErrorSchema),
        (status = 404, description = "NO_KEY", body = AnsdevErrorSchema),
        (status = 500, description = "KEY_DECRYPT_FAILED, INTERNAL_ERROR (also when the JWKS is unreachable)", body = AnsdevErrorSchema),
    ))]
pub(super) async fn session_key(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let unauthorized = || ApiError::new(ErrorCode::Unauthorized);
    let result = async {
        let token = auth::session_cookie(&headers).ok_or_else(unauthorized)?;
        let user = auth::user(&state, token).await.map_err(|err| match err {
            UserAuthError::Unauthorized => unauthorized(),
            UserAuthError::JwksUnavailable => ApiError::internal(),
        })?;
        let Path(job_id) = path.map_err(|_| unauthorized())?;
        let video = state
            .store()
            .video_by_job(&job_id)?
            .filter(|v| v.user_id == user)
            .ok_or_else(unauthorized)?;
        data_key(&state, &video).map(key_response)
    }
    .await;
    no_store(result, "application/octet-stream")
}

/// `GET /cdn/{jobId}/{rendition}/chunk_NNNN.ts` — public; ciphertext for encrypted videos.
/// Like any CDN it knows objects, not videos: every miss (no such video, rendition or chunk)
/// is the same `NOT_FOUND`, so the route cannot be used to learn which job ids exist.
#[utoipa::path(get, path = "/cdn/{jobId}/{rendition}/{chunk}", tag = "playback",
    params(
        ("jobId" = String, Path, description = "Job id"),
        ("rendition" = String, Path, description = "Rendition name"),
        ("chunk" = String, Path, description = "chunk_NNNN.ts"),
    ),
    responses(
        (status = 200, description = "MPEG-TS segment (AES-128 ciphertext for encrypted videos); Cache-Control: public, max-age=31536000, immutable", body = BinarySchema, content_type = "video/mp2t"),
        (status = 404, description = "NOT_FOUND, for an unknown video, rendition or chunk alike", body = AnsdevErrorSchema),
        (status = 500, description = "KEY_DECRYPT_FAILED, INTERNAL_ERROR", body = AnsdevErrorSchema),
    ))]
pub(super) async fn segment(
    State(state): State<AppState>,
    path: Result<Path<(String, String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::new(ErrorCode::NotFound);
    let Path((job_id, rendition, chunk)) = path.map_err(|_| not_found())?;
    let video = state.store().video_by_job(&job_id)?.ok_or_else(not_found)?;
    let index = video
        .renditions
        .iter()
        .position(|r| *r == rendition)
        .ok_or_else(not_found)?;
    let n = media::chunk_index(&chunk).ok_or_else(not_found)?;
    let own = state.media_dir(&video.job_id);
    let plain = media::Source::of(own.as_ref())
        .segment(index, n)
        .ok_or_else(not_found)?;
    let body = if video.encrypted {
        let key = data_key(&state, &video)?;
        encrypt_segment(&key, n as u64, plain)
    } else {
        plain.to_vec()
    };
    Ok(with_headers(
        body.into_response(),
        Some("video/mp2t"),
        "public, max-age=31536000, immutable",
    ))
}
