//! Playback tokens: HS256 JWTs bound to one video (CONTRACT §5).

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use sdk_core::ErrorCode;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::state::AppState;

const ISSUER: &str = "ansdev";
const AUDIENCE: &str = "playback";

/// The claims of a playback token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PlaybackClaims {
    pub(crate) iss: String,
    pub(crate) aud: String,
    /// The video's job id.
    pub(crate) sub: String,
    /// The public video id.
    pub(crate) vid: String,
    /// The id of the API key that minted the token.
    pub(crate) kid: String,
    pub(crate) iat: i64,
    pub(crate) exp: i64,
    pub(crate) jti: String,
}

/// Signs a token for a video; returns it and its TTL in seconds.
pub(crate) fn mint(
    state: &AppState,
    key_id: &str,
    video_id: &str,
    job_id: &str,
) -> Result<String, ApiError> {
    let now = state.clock().unix();
    let ttl = i64::try_from(state.inner.token_ttl_seconds).unwrap_or(300);
    let claims = PlaybackClaims {
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        sub: job_id.into(),
        vid: video_id.into(),
        kid: key_id.into(),
        iat: now,
        exp: now + ttl,
        jti: uuid::Uuid::new_v4().to_string(),
    };
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(&state.inner.playback_secret),
    )
    .map_err(|err| {
        tracing::error!(error = %err, "token signing failed");
        ApiError::internal()
    })
}

/// Checks a token for `job_id`, in the contract's order: signature, format, `alg` (HS256 only)
/// and audience → `PLAYBACK_TOKEN_INVALID`; expiry (server clock) → `PLAYBACK_TOKEN_EXPIRED`;
/// subject ≠ `job_id` → `PLAYBACK_TOKEN_MISMATCH`.
pub(crate) fn verify(
    state: &AppState,
    token: &str,
    job_id: &str,
) -> Result<PlaybackClaims, ApiError> {
    let data = decode_signed(state, token)
        .ok_or_else(|| ApiError::new(ErrorCode::PlaybackTokenInvalid))?;
    if data.claims.exp <= state.clock().unix() {
        return Err(ApiError::new(ErrorCode::PlaybackTokenExpired));
    }
    if data.claims.sub != job_id {
        return Err(ApiError::new(ErrorCode::PlaybackTokenMismatch));
    }
    Ok(data.claims)
}

/// The id of the API key that minted a genuine token, expired or not (the player page shows
/// that key's quota next to an expired token).
pub(crate) fn key_id_of(state: &AppState, token: &str) -> Option<String> {
    decode_signed(state, token).map(|data| data.claims.kid)
}

/// Signature, format, `alg` and audience checked; expiry and subject not.
fn decode_signed(state: &AppState, token: &str) -> Option<jsonwebtoken::TokenData<PlaybackClaims>> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[AUDIENCE]);
    validation.set_issuer(&[ISSUER]);
    validation.set_required_spec_claims(&["exp", "aud", "sub", "iss"]);
    validation.validate_exp = false;
    jsonwebtoken::decode::<PlaybackClaims>(
        token,
        &DecodingKey::from_secret(&state.inner.playback_secret),
        &validation,
    )
    .ok()
}
