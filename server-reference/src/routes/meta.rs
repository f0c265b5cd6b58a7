//! `/healthz` and the dev identity provider's JWKS.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::state::AppState;

pub(super) async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

pub(super) async fn jwks(State(state): State<AppState>) -> Json<Value> {
    Json(crate::idp::jwks(state.inner.dev))
}
