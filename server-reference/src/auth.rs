//! Authentication: API keys (the `x-ansdev-key` header) and user JWTs (RS256 via JWKS).

use axum::http::HeaderMap;
use jsonwebtoken::{Algorithm, Validation};
use sdk_core::ErrorCode;
use sdk_core::endpoint::API_KEY_HEADER;
use serde::Deserialize;

use crate::crypto::hash_api_key;
use crate::error::ApiError;
use crate::jwks::JwksError;
use crate::jwt_shape::user_token_kid;
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
    /// Missing, malformed, badly signed, expired, not yet valid, issued in the future, or for
    /// another issuer/audience.
    Unauthorized,
    /// The JWKS could not be fetched or read, and no cached keys were usable.
    JwksUnavailable,
}

/// How far a user JWT's `nbf` and `iat` may lie ahead of the server clock: clock skew between
/// the identity provider and this server. A token from further ahead came from a wrong clock
/// (or was made to outlive its issuer's intent) and is refused.
pub(crate) const USER_TOKEN_LEEWAY_SECONDS: i64 = 60;

#[derive(Deserialize)]
struct UserClaims {
    sub: String,
    exp: i64,
    nbf: Option<i64>,
    iat: Option<i64>,
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

/// Verifies a user JWT against the (cached) JWKS at `--jwks-url` and returns its subject, the
/// user id. The token's shape is checked first ([`user_token_kid`]), so junk never costs a
/// JWKS fetch; then the signature, `iss`, `aud`, and on the server clock `exp`, `nbf` and `iat`.
pub(crate) async fn user(state: &AppState, token: &str) -> Result<String, UserAuthError> {
    let kid = user_token_kid(token).ok_or(UserAuthError::Unauthorized)?;
    let key = state.inner.jwks.key(&kid).await.map_err(|err| match err {
        JwksError::UnknownKid => UserAuthError::Unauthorized,
        JwksError::Unavailable => UserAuthError::JwksUnavailable,
    })?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[&state.inner.jwt_issuer]);
    validation.set_audience(&[&state.inner.jwt_audience]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    // Time claims are checked against the server clock (movable in dev mode), not the wall clock.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    let claims = jsonwebtoken::decode::<UserClaims>(token, &key, &validation)
        .map_err(|_| UserAuthError::Unauthorized)?
        .claims;
    let now = state.clock().unix();
    let ahead =
        |t: Option<i64>| t.is_some_and(|t| t > now.saturating_add(USER_TOKEN_LEEWAY_SECONDS));
    if claims.exp <= now || ahead(claims.nbf) || ahead(claims.iat) || claims.sub.is_empty() {
        return Err(UserAuthError::Unauthorized);
    }
    Ok(claims.sub)
}
