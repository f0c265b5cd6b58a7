//! `/v1/keys`: API-key management for a signed-in user (RS256 bearer JWT), answered in the
//! genericized Intelligence envelope.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use sdk_core::{ApiKeyInfo, ApiKeyList, KeyId, Scope};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::auth::{self, UserAuthError};
use crate::crypto::hash_api_key;
use crate::error::{KeysError, bare_json};
use crate::seed::{DEFAULT_DAILY_TOKEN_LIMIT, generate_api_key};
use crate::state::AppState;
use crate::store::KeyRow;

/// The documented limit of active keys per user.
const MAX_ACTIVE_KEYS: u32 = 10;

async fn signed_in_user(state: &AppState, headers: &HeaderMap) -> Result<String, KeysError> {
    let token = auth::bearer(headers).ok_or(KeysError::UNAUTHORIZED)?;
    auth::user(state, token).await.map_err(|err| match err {
        UserAuthError::Unauthorized => KeysError::UNAUTHORIZED,
        UserAuthError::JwksUnavailable => KeysError::SERVER,
    })
}

fn to_info(row: &KeyRow) -> Result<ApiKeyInfo, KeysError> {
    let time = |t: i64| OffsetDateTime::from_unix_timestamp(t).map_err(|_| KeysError::SERVER);
    let id = KeyId::new(row.id.clone()).map_err(|_| KeysError::SERVER)?;
    let scopes = row.scopes.iter().map(|s| Scope::from_wire(s)).collect();
    let mut info = ApiKeyInfo::new(
        id,
        row.name.clone(),
        row.prefix.clone(),
        scopes,
        time(row.created_at)?,
    );
    info.expires_at = row.expires_at.map(time).transpose()?;
    info.revoked_at = row.revoked_at.map(time).transpose()?;
    Ok(info)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewKeyBody {
    name: String,
    scopes: Vec<String>,
    #[serde(default)]
    expires_at: Option<String>,
}

#[derive(Serialize)]
struct Created<'a> {
    #[serde(flatten)]
    info: &'a ApiKeyInfo,
    key: &'a str,
}

fn validate(body: &NewKeyBody, now: i64) -> Result<Option<i64>, KeysError> {
    let chars = body.name.chars().count();
    let scopes_ok = !body.scopes.is_empty()
        && body
            .scopes
            .iter()
            .all(|s| !matches!(Scope::from_wire(s), Scope::Unknown(_)));
    if !(1..=64).contains(&chars) || !scopes_ok {
        return Err(KeysError::VALIDATION);
    }
    match &body.expires_at {
        None => Ok(None),
        Some(raw) => {
            let at = OffsetDateTime::parse(raw, &Rfc3339)
                .map_err(|_| KeysError::VALIDATION)?
                .unix_timestamp();
            if at <= now {
                return Err(KeysError::VALIDATION);
            }
            Ok(Some(at))
        }
    }
}

/// `POST /v1/keys` → 201 with the full key, shown this once.
#[utoipa::path(post, path = "/v1/keys", tag = "keys",
    security(("user_jwt" = [])),
    request_body(content_type = "application/json", description = "name (1–64), scopes, optional future expiresAt"),
    responses(
        (status = 201, description = "The key, shown this once", content_type = "application/json"),
        (status = 401, description = "UNAUTHORIZED"),
        (status = 409, description = "CONFLICT (10 active keys)"),
        (status = 422, description = "VALIDATION_ERROR"),
        (status = 500, description = "SERVER_ERROR (JWKS unreachable)"),
    ))]
pub(super) async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, KeysError> {
    let user = signed_in_user(&state, &headers).await?;
    let body: NewKeyBody = serde_json::from_slice(&body).map_err(|_| KeysError::VALIDATION)?;
    let now = state.clock().unix();
    let expires_at = validate(&body, now)?;
    state.store().ensure_user(&user, now)?;
    let key = generate_api_key();
    let mut scopes = body.scopes.clone();
    scopes.dedup();
    let row = KeyRow {
        id: format!("key_{}", hex::encode(rand::random::<[u8; 8]>())),
        user_id: user,
        name: body.name,
        prefix: key.chars().take(12).collect(),
        scopes,
        daily_token_limit: DEFAULT_DAILY_TOKEN_LIMIT,
        created_at: now,
        expires_at,
        revoked_at: None,
    };
    if !state
        .store()
        .insert_key_within_limit(&row, &hash_api_key(&key), now, MAX_ACTIVE_KEYS)?
    {
        return Err(KeysError::CONFLICT);
    }
    let info = to_info(&row)?;
    Ok(bare_json(
        StatusCode::CREATED,
        &Created {
            info: &info,
            key: &key,
        },
    ))
}

/// `GET /v1/keys` — every key of the user, revoked ones included.
#[utoipa::path(get, path = "/v1/keys", tag = "keys",
    security(("user_jwt" = [])),
    responses(
        (status = 200, description = "Every key of the user, revoked ones included", content_type = "application/json"),
        (status = 401, description = "UNAUTHORIZED"),
        (status = 500, description = "SERVER_ERROR"),
    ))]
pub(super) async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, KeysError> {
    let user = signed_in_user(&state, &headers).await?;
    let items = state
        .store()
        .keys_of(&user)?
        .iter()
        .map(to_info)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(bare_json(StatusCode::OK, &ApiKeyList::new(items)))
}

/// `DELETE /v1/keys/{id}` — soft delete, idempotent; another user's key is `NOT_FOUND`.
#[utoipa::path(delete, path = "/v1/keys/{id}", tag = "keys",
    security(("user_jwt" = [])),
    params(("id" = String, Path, description = "Key id")),
    responses(
        (status = 200, description = "The revoked key (idempotent)", content_type = "application/json"),
        (status = 401, description = "UNAUTHORIZED"),
        (status = 404, description = "NOT_FOUND"),
        (status = 500, description = "SERVER_ERROR"),
    ))]
pub(super) async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, KeysError> {
    let user = signed_in_user(&state, &headers).await?;
    let Path(id) = path.map_err(|_| KeysError::NOT_FOUND)?;
    let row = state
        .store()
        .revoke_key(&user, &id, state.clock().unix())?
        .ok_or(KeysError::NOT_FOUND)?;
    Ok(bare_json(StatusCode::OK, &to_info(&row)?))
}
