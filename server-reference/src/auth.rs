//! Authentication: API keys (the `x-ansdev-key` header) and user JWTs (RS256 via JWKS).

use axum::http::HeaderMap;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use sdk_core::ErrorCode;
use sdk_core::endpoint::API_KEY_HEADER;
use serde::Deserialize;

use crate::crypto::hash_api_key;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::KeyRow;

/// Checks the API key of a request, in the catalog's order: missing → `API_KEY_REQUIRED`;
/// unknown or revoked → `INVALID_API_KEY`; expired → `API_KEY_EXPIRED`; lacking `scope` →
/// `INSUFFICIENT_SCOPE`. Reads the store on every call, so a revocation applies at once.
pub(crate) fn api_key(
    state: &AppState,
    headers: &HeaderMap,
    scope: &str,
) -> Result<KeyRow, ApiError> {
    let presented = headers
        .get(API_KEY_HEADER)
        .ok_or_else(|| ApiError::new(ErrorCode::ApiKeyRequired))?;
    let presented = presented
        .to_str()
        .map_err(|_| ApiError::new(ErrorCode::InvalidApiKey))?;
    let key = state
        .store()
        .key_by_hash(&hash_api_key(presented.trim()))?
        .filter(|k| k.revoked_at.is_none())
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidApiKey))?;
    if key.expires_at.is_some_and(|e| e <= state.clock().unix()) {
        return Err(ApiError::new(ErrorCode::ApiKeyExpired));
    }
    if !key.scopes.iter().any(|s| s == scope) {
        return Err(ApiError::new(ErrorCode::InsufficientScope)
            .with_message(format!("API key lacks the required scope: {scope}.")));
    }
    Ok(key)
}

/// Why a user JWT was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UserAuthError {
    /// Missing, malformed, badly signed, expired or for another issuer/audience.
    Unauthorized,
    /// The JWKS could not be fetched or read.
    JwksUnavailable,
}

#[derive(Deserialize)]
struct UserClaims {
    sub: String,
    exp: i64,
}

/// The `Bearer` token of an `Authorization` header.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// The `ansdev_session` cookie.
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == "ansdev_session")
        .map(|(_, value)| value)
}

/// Verifies a user JWT against the JWKS at `--jwks-url` (fetched on each call, so a rotated
/// key or an unreachable provider shows at once) and returns its subject, the user id.
pub(crate) async fn user(state: &AppState, token: &str) -> Result<String, UserAuthError> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| UserAuthError::Unauthorized)?;
    if header.alg != Algorithm::RS256 {
        return Err(UserAuthError::Unauthorized);
    }
    let jwks = fetch_jwks(state).await?;
    let jwk = match &header.kid {
        Some(kid) => jwks.find(kid),
        None => jwks.keys.first(),
    }
    .ok_or(UserAuthError::Unauthorized)?;
    let key = DecodingKey::from_jwk(jwk).map_err(|_| UserAuthError::Unauthorized)?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[&state.inner.jwt_issuer]);
    validation.set_audience(&[&state.inner.jwt_audience]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    // Expiry is checked against the server clock (movable in dev mode), not the wall clock.
    validation.validate_exp = false;
    let data = jsonwebtoken::decode::<UserClaims>(token, &key, &validation)
        .map_err(|_| UserAuthError::Unauthorized)?;
    if data.claims.exp <= state.clock().unix() || data.claims.sub.is_empty() {
        return Err(UserAuthError::Unauthorized);
    }
    Ok(data.claims.sub)
}

async fn fetch_jwks(state: &AppState) -> Result<JwkSet, UserAuthError> {
    let response = state
        .inner
        .http
        .get(&state.inner.jwks_url)
        .send()
        .await
        .map_err(|err| {
            tracing::warn!(error = %err, "JWKS unreachable");
            UserAuthError::JwksUnavailable
        })?;
    if !response.status().is_success() {
        tracing::warn!(status = %response.status(), "JWKS fetch failed");
        return Err(UserAuthError::JwksUnavailable);
    }
    response
        .json::<JwkSet>()
        .await
        .map_err(|_| UserAuthError::JwksUnavailable)
}
