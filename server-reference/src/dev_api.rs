//! The handlers of the journal and life-cycle dev routes (`--dev` only; listed in the route
//! table of `routes/mod.rs`, so they share its layers). Bodies and bounds are documented in the crate README.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::dev_refusal::DevRefusal;
use crate::error::bare_json;
use crate::state::AppState;

/// `GET /dev/requests` → `{"capacity": 10000, "dropped": n, "requests": [entry…]}`, oldest first.
pub(crate) async fn requests(State(state): State<AppState>) -> Response {
    bare_json(StatusCode::OK, &state.inner.journal.snapshot())
}

/// `DELETE /dev/requests` → 204: forgets every entry.
pub(crate) async fn clear_requests(State(state): State<AppState>) -> StatusCode {
    state.inner.journal.clear();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StatusChange {
    status: String,
    /// A JSON number, so a float or a negative value is named rather than unparsable.
    #[serde(default)]
    after_seconds: Option<serde_json::Number>,
}

fn rfc3339(unix: i64) -> Option<String> {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
}

/// `POST /dev/videos/{videoId}/status {"status": "TRANSCODING"}` → 200
/// `{"id", "jobId", "status", "updatedAt"}`; with `"afterSeconds": n` the move waits on the
/// server clock → 202 `{"id", "status", "at"}`.
pub(crate) async fn video_status(
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
                    r#"the body must be JSON: {{"status": one of {}, "afterSeconds"?: integer}}"#,
                    crate::lifecycle::STATUSES.join("|")
                ),
            )
        });
    let change = match change {
        Ok(change) => change,
        Err(refusal) => return refusal.into_response(),
    };
    if let Some(after) = &change.after_seconds {
        let scheduled = after
            .as_u64()
            .ok_or_else(|| {
                DevRefusal::new(
                    "afterSeconds",
                    format!(
                        "afterSeconds must be an integer from 0 to {}",
                        crate::lifecycle::MAX_AFTER_SECONDS
                    ),
                )
            })
            .and_then(|after| {
                crate::lifecycle::schedule_status(&state, &id, &change.status, after)
            });
        return match scheduled {
            Ok(at) => bare_json(
                StatusCode::ACCEPTED,
                &json!({"id": id, "status": change.status, "at": rfc3339(at)}),
            ),
            Err(refusal) => refusal.into_response(),
        };
    }
    match crate::lifecycle::set_status(&state, &id, &change.status) {
        Ok(video) => bare_json(
            StatusCode::OK,
            &json!({"id": video.id, "jobId": video.job_id, "status": video.status,
                    "updatedAt": rfc3339(video.updated_at)}),
        ),
        Err(refusal) => refusal.into_response(),
    }
}

/// `POST /dev/seed` with a seed file's JSON (users, apiKeys, videos; the same schema and
/// checks as `--seed`) → 201 `{"users": n, "apiKeys": n, "videos": n}`. Every value is checked
/// before anything is stored; an id already in use is refused (422 naming `body`), and so is
/// the rest of that seed.
pub(crate) async fn seed(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(seed) = body
        .ok()
        .and_then(|b| serde_json::from_slice::<crate::seed::SeedFile>(&b).ok())
    else {
        return DevRefusal::new(
            "body",
            "the body must be a seed file: {\"users\"?, \"apiKeys\"?, \"videos\"?} (see the README)",
        )
        .into_response();
    };
    match crate::seed::add(&state, &seed) {
        Ok(()) => bare_json(
            StatusCode::CREATED,
            &json!({"users": seed.users.len(), "apiKeys": seed.api_keys.len(),
                    "videos": seed.videos.len()}),
        ),
        Err(refusal) => refusal.into_response(),
    }
}
