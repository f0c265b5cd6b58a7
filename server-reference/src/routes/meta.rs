//! `/healthz` and the dev identity provider's JWKS.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::openapi::schemas::{HealthSchema, JwksSchema};
use crate::state::AppState;

#[utoipa::path(get, path = "/healthz", tag = "meta",
    responses((status = 200, description = "The server is up", body = HealthSchema)))]
pub(super) async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "meta",
    responses((status = 200, description = "The dev identity provider's JWKS (empty without --dev)", body = JwksSchema)))]
pub(super) async fn jwks(State(state): State<AppState>) -> Json<Value> {
    Json(crate::idp::jwks(state.inner.dev))
}
