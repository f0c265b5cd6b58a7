//! The dev routes that sit beside the route table (`--dev` only): the request journal and the
//! video life cycle. Bodies and bounds are documented in the crate README.

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::dev_refusal::DevRefusal;
use crate::error::bare_json;
use crate::state::AppState;

/// `GET`/`DELETE /dev/requests` and `POST /dev/videos/{video_id}/status`.
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/dev/requests", get(requests).delete(clear_requests))
        .route("/dev/videos/{video_id}/status", post(video_status))
        .layer(axum::extract::DefaultBodyLimit::max(
            crate::routes::MAX_BODY_BYTES,
        ))
        .with_state(state)
}

/// `GET /dev/requests` → `{"capacity": 10000, "dropped": n, "requests": [entry…]}`, oldest first.
async fn requests(State(state): State<AppState>) -> Response {
    bare_json(StatusCode::OK, &state.inner.journal.snapshot())
}

/// `DELETE /dev/requests` → 204: forgets every entry.
async fn clear_requests(State(state): State<AppState>) -> StatusCode {
    state.inner.journal.clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusChange {
    status: String,
}

/// `POST /dev/videos/{videoId}/status {"status": "TRANSCODING"}` →
/// `{"id", "jobId", "status", "updatedAt"}`.
async fn video_status(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Ok(Path(id)) = path else {
        return DevRefusal::new("videoId", "videoId must be a video's public id or job id")
            .into_response();
    };
    let change = body
        .ok()
        .and_then(|b| serde_json::from_slice::<StatusChange>(&b).ok())
        .ok_or_else(|| {
            DevRefusal::new(
                "body",
                format!(
                    r#"the body must be JSON: {{"status": one of {}}}"#,
                    crate::lifecycle::STATUSES.join("|")
                ),
            )
        });
    match change.and_then(|c| crate::lifecycle::set_status(&state, &id, &c.status)) {
        Ok(video) => {
            let updated_at = OffsetDateTime::from_unix_timestamp(video.updated_at)
                .ok()
                .and_then(|t| t.format(&Rfc3339).ok());
            bare_json(
                StatusCode::OK,
                &json!({"id": video.id, "jobId": video.job_id, "status": video.status,
                        "updatedAt": updated_at}),
            )
        }
        Err(refusal) => refusal.into_response(),
    }
}
