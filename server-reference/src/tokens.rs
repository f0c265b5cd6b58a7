//! Playback tokens: HS256 JWTs bound to one video (docs/api.md §6).

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use sdk_core::ErrorCode;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::state::AppState;

const ISSUER: &str = "ansdev";
const AUDIENCE: &str = "playback";

/// The longest life this server signs a playback token for: 7 days. The documented TTL is 5
/// minutes and only `--dev` changes it; a week outlasts any test, and `iat + TTL` stays far
/// from any overflow whatever the flag says.
pub(crate) const MAX_TTL_SECONDS: u64 = 7 * 86_400;

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

/// The TTL tokens are signed with (and announced as `expiresIn`): the configured one, at least
/// one second and at most [`MAX_TTL_SECONDS`].
pub(crate) fn ttl_seconds(state: &AppState) -> u64 {
    state.inner.token_ttl_seconds.clamp(1, MAX_TTL_SECONDS)
}

/// Signs a token for a video, valid for [`ttl_seconds`] from the server clock's now.
pub(crate) fn mint(
    state: &AppState,
    key_id: &str,
    video_id: &str,
    job_id: &str,
) -> Result<String, ApiError> {
    let now = state.clock().unix();
    let exp = i64::try_from(ttl_seconds(state))
        .ok()
        .and_then(|ttl| now.checked_add(ttl))
        .ok_or_else(|| {
            tracing::error!("token expiry out of range");
            ApiError::internal()
        })?;
    let claims = PlaybackClaims {
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        sub: job_id.into(),
        vid: video_id.into(),
        kid: key_id.into(),
        iat: now,
        exp,
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
    verify_with(state, token, |claims| claims.sub == job_id)
}

/// [`verify`] for a path that names the video by public id or job id (the hosted page). The
/// decision needs no lookup, so a video that does not exist and someone else's video answer
/// alike: invalid without a good token, mismatch with a token for another video.
pub(crate) fn verify_for_video(
    state: &AppState,
    token: &str,
    video_id: &str,
) -> Result<PlaybackClaims, ApiError> {
    verify_with(state, token, |claims| {
        claims.sub == video_id || claims.vid == video_id
    })
}

fn verify_with(
    state: &AppState,
    token: &str,
    is_for_path: impl FnOnce(&PlaybackClaims) -> bool,
) -> Result<PlaybackClaims, ApiError> {
    let data = decode_signed(state, token)
        .ok_or_else(|| ApiError::new(ErrorCode::PlaybackTokenInvalid))?;
    if data.claims.exp <= state.clock().unix() {
        return Err(ApiError::new(ErrorCode::PlaybackTokenExpired));
    }
    if !is_for_path(&data.claims) {
        return Err(ApiError::new(ErrorCode::PlaybackTokenMismatch));
    }
    Ok(data.claims)
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
