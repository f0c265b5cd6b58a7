//! `--dev` routes: user tokens, the clock, fault injection.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::error::{KeysError, bare_json};
use crate::faults::{FaultRule, ROUTES};
use crate::state::AppState;

/// `POST /dev/users/{userId}/token` → `{"token": "<user JWT>"}` (creates the user if needed).
pub(super) async fn user_token(
    State(state): State<AppState>,
    Path(user_id): Path<String>,
) -> Response {
    let now = state.clock().unix();
    if user_id.is_empty() || user_id.len() > 128 {
        return KeysError::VALIDATION.into_response();
    }
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClockAdvance {
    advance_seconds: i64,
}

/// `POST /dev/clock {"advanceSeconds": n}` → `{"now": "<RFC 3339>", "unix": n}`.
pub(super) async fn clock(State(state): State<AppState>, body: Bytes) -> Response {
    let Ok(req) = serde_json::from_slice::<ClockAdvance>(&body) else {
        return KeysError::VALIDATION.into_response();
    };
    state.clock().advance(req.advance_seconds);
    let now = state.clock().now();
    let rfc = now
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    bare_json(
        StatusCode::OK,
        &json!({"now": rfc, "unix": now.unix_timestamp()}),
    )
}

/// `POST /dev/faults` — arms a fault for the next `count` requests of a route.
pub(super) async fn faults(State(state): State<AppState>, body: Bytes) -> Response {
    let Ok(rule) = serde_json::from_slice::<FaultRule>(&body) else {
        return KeysError::VALIDATION.into_response();
    };
    if !ROUTES.contains(&rule.route.as_str()) || StatusCode::from_u16(rule.status).is_err() {
        return KeysError::VALIDATION.into_response();
    }
    state.inner.faults.arm(rule);
    bare_json(StatusCode::OK, &json!({"armed": true}))
}
