//! `/v1/keys`: API-key management for a signed-in user (RS256 bearer JWT), answered in the
//! genericized Intelligence envelope.
//!
//! Everything a user sends is bounded before the store is touched: the body (the router's
//! limit), the scopes (a set of the known values, refused while parsing), and the keys a user
//! may hold (revoked ones included), which also bounds every listing.

use std::fmt;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use sdk_core::{ApiKeyInfo, ApiKeyList, KeyId, Scope};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::openapi::schemas::{
    ApiKeyListSchema, ApiKeySchema, CreatedApiKeySchema, IntelligenceErrorSchema, TextSchema,
};
use crate::auth::{self, UserAuthError};
use crate::crypto::hash_api_key;
use crate::error::{KeysError, bare_json};
use crate::seed::{DEFAULT_DAILY_TOKEN_LIMIT, generate_api_key};
use crate::state::AppState;
use crate::store::KeyRow;

/// The documented limit of active keys per user.
const MAX_ACTIVE_KEYS: u32 = 10;
/// Keys per user in all, revoked and expired ones included (they stay for audit): ten
/// rotations of a full set of active keys. It bounds what create/revoke loops can store and
/// what `GET /v1/keys` returns (a listed key is about 250 bytes: 25 KB at most).
const MAX_KEYS_PER_USER: u32 = 100;

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

/// The body of `POST /v1/keys`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewKeyBody {
    /// 1–64 characters.
    #[schema(min_length = 1, max_length = 64)]
    name: String,
    /// A non-empty set of known scopes, no scope twice.
    #[schema(value_type = Vec<super::openapi::wire_enums::ScopeSchema>, min_items = 1)]
    scopes: ScopeSet,
    /// RFC 3339, in the future; the key is refused (`API_KEY_EXPIRED`) past it.
    #[serde(default)]
    #[schema(format = DateTime)]
    expires_at: Option<String>,
}

/// The scopes of a new key: a non-empty set of known scopes. An unknown or repeated element
/// fails the parse where it stands, so no list longer than [`Scope::ALL`] is ever built.
struct ScopeSet(Vec<Scope>);

impl<'de> Deserialize<'de> for ScopeSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(ScopeSetVisitor)
    }
}

struct ScopeSetVisitor;

impl<'de> Visitor<'de> for ScopeSetVisitor {
    type Value = ScopeSet;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a set of known scopes")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ScopeSet, A::Error> {
        let mut scopes = Vec::with_capacity(Scope::ALL.len());
        while let Some(raw) = seq.next_element::<std::borrow::Cow<'de, str>>()? {
            let scope = Scope::from_wire(&raw);
            if matches!(scope, Scope::Unknown(_)) {
                return Err(de::Error::custom("unknown scope"));
            }
            if scopes.contains(&scope) {
                return Err(de::Error::custom("repeated scope"));
            }
            scopes.push(scope);
        }
        if scopes.is_empty() {
            return Err(de::Error::custom("no scope"));
        }
        Ok(ScopeSet(scopes))
    }
}

/// Whether the request says its body is JSON (`application/json`, parameters allowed).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
}

#[derive(Serialize)]
struct Created<'a> {
    #[serde(flatten)]
    info: &'a ApiKeyInfo,
    key: &'a str,
}

/// The body of `POST /v1/keys`, checked in full before the store is touched: JSON by its
/// content type, known fields, a 1–64 character name, a set of known scopes, a future expiry.
fn new_key(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    now: i64,
) -> Result<(NewKeyBody, Option<i64>), KeysError> {
    // A body over the router's limit is a validation error: the genericized envelope has no
    // code for 413, and 422 is what the contract gives every other refused body.
    let body = body.map_err(|_| KeysError::VALIDATION)?;
    if !is_json(headers) {
        return Err(KeysError::VALIDATION);
    }
    let body: NewKeyBody = serde_json::from_slice(&body).map_err(|_| KeysError::VALIDATION)?;
    let expires_at = validate(&body, now)?;
    Ok((body, expires_at))
}

fn validate(body: &NewKeyBody, now: i64) -> Result<Option<i64>, KeysError> {
    let chars = body.name.chars().count();
    if !(1..=64).contains(&chars) {
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
    request_body(content = NewKeyBody, description = "name (1–64 characters), scopes (a non-empty set of the known scopes: no repeats), optional future expiresAt; at most 16 KiB"),
    responses(
        (status = 201, description = "The key, shown this once", body = CreatedApiKeySchema),
        (status = 401, description = "UNAUTHORIZED", body = IntelligenceErrorSchema),
        (status = 409, description = "CONFLICT (10 active keys, or 100 keys in all: revoked and expired ones count)", body = IntelligenceErrorSchema),
        (status = 411, description = "Bodyless POST without Content-Length (plain text, outside the envelope)", body = TextSchema, content_type = "text/plain"),
        (status = 422, description = "VALIDATION_ERROR (bad or oversized body, not application/json, unknown or repeated scope)", body = IntelligenceErrorSchema),
        (status = 500, description = "SERVER_ERROR (JWKS unreachable)", body = IntelligenceErrorSchema),
    ))]
pub(super) async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, KeysError> {
    let user = signed_in_user(&state, &headers).await?;
    let now = state.clock().unix();
    let (body, expires_at) = new_key(&headers, body, now)?;
    state.store().ensure_user(&user, now)?;
    let key = generate_api_key();
    let scopes = body
        .scopes
        .0
        .iter()
        .map(|s| s.as_str().to_owned())
        .collect();
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
    if !state.store().insert_key_within_limit(
        &row,
        &hash_api_key(&key),
        now,
        MAX_ACTIVE_KEYS,
        MAX_KEYS_PER_USER,
    )? {
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

/// `GET /v1/keys` — every key of the user, revoked ones included (at most
/// [`MAX_KEYS_PER_USER`], the cap on what a user may hold).
#[utoipa::path(get, path = "/v1/keys", tag = "keys",
    security(("user_jwt" = [])),
    responses(
        (status = 200, description = "Every key of the user, revoked ones included: at most 100, the cap on a user's keys", body = ApiKeyListSchema),
        (status = 401, description = "UNAUTHORIZED", body = IntelligenceErrorSchema),
        (status = 500, description = "SERVER_ERROR", body = IntelligenceErrorSchema),
    ))]
pub(super) async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, KeysError> {
    let user = signed_in_user(&state, &headers).await?;
    let items = state
        .store()
        .keys_of(&user, MAX_KEYS_PER_USER)?
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
        (status = 200, description = "The revoked key (idempotent)", body = ApiKeySchema),
        (status = 401, description = "UNAUTHORIZED", body = IntelligenceErrorSchema),
        (status = 404, description = "NOT_FOUND: no such key, or another user's", body = IntelligenceErrorSchema),
        (status = 500, description = "SERVER_ERROR", body = IntelligenceErrorSchema),
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
