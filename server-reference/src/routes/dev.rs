//! `--dev` routes: user tokens, the clock, fault injection. Every input is bounded, and a
//! refusal is a 422 that names the field to fix.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Number, json};

use crate::clock::MAX_OFFSET_SECONDS;
use crate::error::{DevError, KeysError, bare_json};
use crate::faults::{FaultRequest, FaultRule};
use crate::state::AppState;

/// The longest user id the dev identity provider signs for.
const MAX_USER_ID_CHARS: usize = 128;

/// `POST /dev/users/{userId}/token` → `{"token": "<user JWT>"}` (creates the user if needed).
pub(super) async fn user_token(
    State(state): State<AppState>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let now = state.clock().unix();
    let user_id = match path {
        Ok(Path(id)) if !id.is_empty() && id.chars().count() <= MAX_USER_ID_CHARS => id,
        _ => {
            return DevError::new(
                "userId",
                format!("userId must be 1 to {MAX_USER_ID_CHARS} characters of UTF-8"),
            )
            .into_response();
        }
    };
    if let Err(err) = state.store().ensure_user(&user_id, now) {
        return KeysError::from(err).into_response();
    }
    match crate::idp::issue_user_token(
        &user_id,
        &state.inner.jwt_issuer,
        &state.inner.jwt_audience,
        now,
    ) {
        Some(token) => bare_json(StatusCode::OK, &json!({"token": token})),
        None => KeysError::SERVER.into_response(),
    }
}

/// A JSON body of a dev route, or the refusal naming what it should have been.
fn json_body<T: serde::de::DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
    shape: &str,
) -> Result<T, DevError> {
    let refused = || DevError::new("body", format!("the body must be JSON: {shape}"));
    let body = body.map_err(|_| refused())?;
    serde_json::from_slice(&body).map_err(|_| refused())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClockAdvance {
    /// A JSON number, so a float or an out-of-range integer is named rather than unparsable.
    advance_seconds: Number,
}

/// `POST /dev/clock {"advanceSeconds": n}` → `{"now": "<RFC 3339>", "unix": n}`. The clock
/// stays within 100 years of the wall clock and after 1970; an advance beyond that changes
/// nothing.
pub(super) async fn clock(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let advanced =
        json_body::<ClockAdvance>(body, r#"{"advanceSeconds": integer}"#).and_then(|req| {
            let out_of_range = || {
                DevError::new(
                    "advanceSeconds",
                    format!(
                        "advanceSeconds must be an integer that keeps the server clock within \
                     {MAX_OFFSET_SECONDS} seconds (100 years) of the wall clock and after \
                     1970-01-01"
                    ),
                )
            };
            let seconds = req.advance_seconds.as_i64().ok_or_else(out_of_range)?;
            state.clock().advance(seconds).map_err(|_| out_of_range())
        });
    match advanced {
        Ok(now) => {
            let rfc = now
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default();
            bare_json(
                StatusCode::OK,
                &json!({"now": rfc, "unix": now.unix_timestamp()}),
            )
        }
        Err(err) => err.into_response(),
    }
}

/// `POST /dev/faults` — arms a fault for the next `count` requests of a route.
pub(super) async fn faults(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let armed = json_body::<FaultRequest>(
        body,
        r#"{"route": string, "status"?: 200-599, "count"?: integer, "delayMs"?: integer, "body"?: "envelope|malformed|empty", "resetConnection"?: bool}"#,
    )
    .and_then(|request| {
        FaultRule::try_from(request)
            .and_then(|rule| state.inner.faults.arm(rule))
            .map_err(DevError::from)
    });
    match armed {
        Ok(()) => bare_json(StatusCode::OK, &json!({"armed": true})),
        Err(err) => err.into_response(),
    }
}
