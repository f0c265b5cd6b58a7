//! `GET /v1/video`, `GET /v1/video/{videoId}`, `POST /v1/video/{videoId}/playback-token`.

use std::collections::HashMap;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::Response;
use sdk_core::rate_limit::{HEADER_LIMIT, HEADER_REMAINING, HEADER_RESET};
use sdk_core::{ErrorCode, Quality, Video, VideoId, VideoPage, VideoStatus};
use serde::Serialize;
use time::OffsetDateTime;

use super::openapi::schemas::{
    AnsdevErrorSchema, AnsdevOk, TextSchema, VideoPageSchema, VideoSchema,
};
use super::openapi::wire_enums::{UnsignedSchema, VideoStatusSchema};
use crate::auth;
use crate::error::{ApiError, ansdev_ok};
use crate::state::AppState;
use crate::store::{KeyRow, VideoQuery, VideoRow};

const SCOPE: &str = "video:read";
const DEFAULT_LIMIT: u32 = 20;
const MAX_LIMIT: u32 = 100;

/// The wire form of a stored video, through sdk-core's own type.
pub(crate) fn to_video(row: &VideoRow) -> Result<Video, ApiError> {
    let id = VideoId::new(row.id.clone()).map_err(|_| ApiError::internal())?;
    let job_id = VideoId::new(row.job_id.clone()).map_err(|_| ApiError::internal())?;
    let time = |t: i64| OffsetDateTime::from_unix_timestamp(t).map_err(|_| ApiError::internal());
    let mut video = Video::new(
        id,
        job_id,
        row.title.clone(),
        VideoStatus::from_wire(&row.status),
        row.encrypted,
        Quality::from_wire(&row.quality),
        time(row.created_at)?,
    );
    video.renditions = row.renditions.clone();
    video.duration_seconds = row.duration_seconds;
    video.updated_at = time(row.updated_at)?;
    Ok(video)
}

/// A bad query parameter. The catalog's message is sent as is (the golden fixtures fix it);
/// the detail goes to the log only.
fn invalid(detail: &str) -> ApiError {
    tracing::debug!(detail, "invalid request");
    ApiError::new(ErrorCode::InvalidRequest)
}

/// `GET /v1/video?limit&offset&status`.
#[utoipa::path(get, path = "/v1/video", tag = "videos",
    security(("api_key" = [])),
    params(
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 100, description = "Page size, 1–100 (default 20)"),
        ("offset" = Option<UnsignedSchema>, Query, description = "Videos to skip (default 0)"),
        ("status" = Option<VideoStatusSchema>, Query, description = "Only videos with this status"),
    ),
    responses(
        (status = 200, description = "A page of the key's user's videos, newest first (createdAt descending, then id)", body = AnsdevOk<VideoPageSchema>),
        (status = 400, description = "INVALID_REQUEST: limit, offset or status out of range", body = AnsdevErrorSchema),
        (status = 401, description = "API_KEY_REQUIRED, INVALID_API_KEY, API_KEY_EXPIRED", body = AnsdevErrorSchema),
        (status = 403, description = "INSUFFICIENT_SCOPE", body = AnsdevErrorSchema),
        (status = 500, description = "INTERNAL_ERROR", body = AnsdevErrorSchema),
    ))]
pub(super) async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let key = auth::api_key(&state, &headers, SCOPE)?;
    let Query(query) = query.map_err(|_| invalid("Invalid query string."))?;
    let limit = match query.get("limit") {
        None => DEFAULT_LIMIT,
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .ok_or_else(|| invalid("limit must be an integer between 1 and 100."))?,
    };
    let offset = match query.get("offset") {
        None => 0,
        Some(raw) => raw
            .parse::<u64>()
            .map_err(|_| invalid("offset must be a non-negative integer."))?,
    };
    let status = match query.get("status") {
        None => None,
        Some(raw) => match VideoStatus::from_wire(raw) {
            VideoStatus::Unknown(_) => return Err(invalid("status is not a known video status.")),
            known => Some(known),
        },
    };
    let (rows, total) = state.store().list_videos(&VideoQuery {
        user_id: &key.user_id,
        status: status.as_ref().map(VideoStatus::as_str),
        limit,
        offset,
    })?;
    let items = rows.iter().map(to_video).collect::<Result<Vec<_>, _>>()?;
    Ok(ansdev_ok(&VideoPage::new(items, total, limit, offset)))
}

/// A video of `key`'s user by public id or job id; anything else is `VIDEO_NOT_FOUND`
/// (ids breaking the 1–64 rule included).
fn owned_video(
    state: &AppState,
    key: &KeyRow,
    path: Result<Path<String>, PathRejection>,
) -> Result<VideoRow, ApiError> {
    let not_found = || ApiError::new(ErrorCode::VideoNotFound);
    let Path(raw) = path.map_err(|_| not_found())?;
    let id = VideoId::new(raw).map_err(|_| not_found())?;
    state
        .store()
        .video(id.as_str())?
        .filter(|v| v.user_id == key.user_id)
        .ok_or_else(not_found)
}

/// `GET /v1/video/{videoId}`.
#[utoipa::path(get, path = "/v1/video/{videoId}", tag = "videos",
    security(("api_key" = [])),
    params(("videoId" = String, Path, description = "Public id or job id, 1–64 characters (any other id is VIDEO_NOT_FOUND)")),
    responses(
        (status = 200, description = "The video", body = AnsdevOk<VideoSchema>),
        (status = 401, description = "API_KEY_REQUIRED, INVALID_API_KEY, API_KEY_EXPIRED", body = AnsdevErrorSchema),
        (status = 403, description = "INSUFFICIENT_SCOPE", body = AnsdevErrorSchema),
        (status = 404, description = "VIDEO_NOT_FOUND: no such video, or another user's", body = AnsdevErrorSchema),
        (status = 500, description = "INTERNAL_ERROR", body = AnsdevErrorSchema),
    ))]
pub(super) async fn get_one(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let key = auth::api_key(&state, &headers, SCOPE)?;
    let row = owned_video(&state, &key, path)?;
    Ok(ansdev_ok(&to_video(&row)?))
}

/// A minted playback token.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Minted {
    /// The playback JWT; opaque to clients.
    token: String,
    /// Seconds the token lives (300 unless a `--dev` server sets `--token-ttl-seconds`).
    expires_in: u64,
    /// `{publicBase}/player/{videoId}?token={token}`: a hosted page that plays the video.
    #[schema(format = "uri")]
    player_url: String,
}

fn rate_limit_headers(limit: u32, used: u32, reset: i64) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let remaining = limit.saturating_sub(used);
    for (name, value) in [
        (HEADER_LIMIT, i64::from(limit)),
        (HEADER_REMAINING, i64::from(remaining)),
        (HEADER_RESET, reset),
    ] {
        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
    }
    headers
}

/// `POST /v1/video/{videoId}/playback-token`. Once the key is authenticated, every answer
/// carries the `X-RateLimit-*` headers; only successful mints count.
#[utoipa::path(post, path = "/v1/video/{videoId}/playback-token", tag = "videos",
    security(("api_key" = [])),
    params(("videoId" = String, Path, description = "Public id or job id, 1–64 characters")),
    responses(
        (status = 200, description = "A playback token; the mint counts against the key's daily quota", body = AnsdevOk<Minted>, headers(
            ("X-RateLimit-Limit" = u32, description = "The key's daily playback-token limit"),
            ("X-RateLimit-Remaining" = u32, description = "Mints left today (never below 0)"),
            ("X-RateLimit-Reset" = i64, description = "Unix seconds of the next 00:00:00 UTC"),
        )),
        (status = 400, description = "VIDEO_NOT_READY: the video's status is not COMPLETED", body = AnsdevErrorSchema, headers(
            ("X-RateLimit-Limit" = u32, description = "The key's daily playback-token limit"),
            ("X-RateLimit-Remaining" = u32, description = "Mints left today (never below 0)"),
            ("X-RateLimit-Reset" = i64, description = "Unix seconds of the next 00:00:00 UTC"),
        )),
        (status = 401, description = "API_KEY_REQUIRED, INVALID_API_KEY, API_KEY_EXPIRED", body = AnsdevErrorSchema),
        (status = 403, description = "INSUFFICIENT_SCOPE", body = AnsdevErrorSchema),
        (status = 404, description = "VIDEO_NOT_FOUND", body = AnsdevErrorSchema, headers(
            ("X-RateLimit-Limit" = u32, description = "The key's daily playback-token limit"),
            ("X-RateLimit-Remaining" = u32, description = "Mints left today (never below 0)"),
            ("X-RateLimit-Reset" = i64, description = "Unix seconds of the next 00:00:00 UTC"),
        )),
        (status = 411, description = "Bodyless POST without Content-Length (plain text, outside the envelope)", body = TextSchema, content_type = "text/plain"),
        (status = 429, description = "RATE_LIMIT_EXCEEDED: the key's daily quota is used up until X-RateLimit-Reset", body = AnsdevErrorSchema, headers(
            ("X-RateLimit-Limit" = u32, description = "The key's daily playback-token limit"),
            ("X-RateLimit-Remaining" = u32, description = "Mints left today (never below 0)"),
            ("X-RateLimit-Reset" = i64, description = "Unix seconds of the next 00:00:00 UTC"),
        )),
        (status = 500, description = "INTERNAL_ERROR", body = AnsdevErrorSchema, headers(
            ("X-RateLimit-Limit" = u32, description = "The key's daily playback-token limit"),
            ("X-RateLimit-Remaining" = u32, description = "Mints left today (never below 0)"),
            ("X-RateLimit-Reset" = i64, description = "Unix seconds of the next 00:00:00 UTC"),
        )),
    ))]
pub(super) async fn mint(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let key = auth::api_key(&state, &headers, SCOPE)?;
    let day = state.clock().utc_day();
    let reset = state.clock().next_utc_midnight();
    let limit = key.daily_token_limit;
    let result = mint_for_key(&state, &key, &day, path);
    match result {
        Ok((minted, used)) => {
            let mut response = ansdev_ok(&minted);
            response
                .headers_mut()
                .extend(rate_limit_headers(limit, used, reset));
            Ok(response)
        }
        Err(err) => {
            let used = if *err.code() == ErrorCode::RateLimitExceeded {
                limit
            } else {
                state.store().mints_used(&key.id, &day).unwrap_or(0)
            };
            Err(err.with_headers(rate_limit_headers(limit, used, reset)))
        }
    }
}

fn mint_for_key(
    state: &AppState,
    key: &KeyRow,
    day: &str,
    path: Result<Path<String>, PathRejection>,
) -> Result<(Minted, u32), ApiError> {
    let video = owned_video(state, key, path)?;
    if video.status != VideoStatus::Completed.as_str() {
        return Err(ApiError::new(ErrorCode::VideoNotReady));
    }
    let limit = key.daily_token_limit;
    let Some(used) = state.store().try_count_mint(&key.id, day, limit)? else {
        return Err(ApiError::new(ErrorCode::RateLimitExceeded)
            .with_message(format!("Daily limit of {limit} playback tokens exceeded.")));
    };
    let token = crate::tokens::mint(state, &key.id, &video.id, &video.job_id)?;
    let player_url = format!(
        "{}/player/{}?token={}",
        state.inner.public_base, video.id, token
    );
    Ok((
        Minted {
            token,
            expires_in: crate::tokens::ttl_seconds(state),
            player_url,
        },
        used,
    ))
}
