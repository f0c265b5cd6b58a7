//! The dev identity provider: signs user JWTs (RS256) for `POST /dev/users/{userId}/token` and
//! publishes its public key at `/.well-known/jwks.json`.
//!
//! The key is a fixed 2048-bit test key checked into the repository (generating RSA keys at
//! every start costs seconds in debug builds). It is therefore published only in `--dev` mode:
//! without `--dev` the JWKS is empty, so no token signed with this well-known key is accepted
//! unless `--jwks-url` points at a real provider.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;
use serde_json::{Value, json};

/// `iss` of the dev provider's tokens (default of `--jwt-issuer`).
pub(crate) const DEFAULT_ISSUER: &str = "ansdev-dev-idp";
/// `aud` of the dev provider's tokens (default of `--jwt-audience`).
pub(crate) const DEFAULT_AUDIENCE: &str = "ansdev-dashboard";
/// Key id in the JWKS and in token headers.
const KEY_ID: &str = "dev-idp-1";
/// User tokens live for an hour (on the server clock).
const USER_TOKEN_TTL_SECONDS: i64 = 3600;

const PRIVATE_KEY_PEM: &[u8] = include_bytes!("dev-idp-key.pem");
/// Base64url modulus of the key above (`openssl rsa -modulus`, re-encoded).
const MODULUS: &str = "qOL3m5T_-kb3hWmsWXYoAaE_8HHzoTUfIHbJByV3CcGk_fXN1_KuoeNGyWQUwQBmFqFSHWjwJiSsVMHRrtINrUroCaIxiQUDssofjms4ISFaB-jKtx0BSj7uMtXanQMCCSRuSPfa1luzmSlPqC3cvNNtq6EpN_gFAJLxIyDGfg7ZDUIIRZmAPwLFEQerELHIrgpsm614Ox0nYDbNJV2VdBQz6A6GaeRcugd-sgfDIOd5aK6mUKgu8s1fJKHW5H00zT7xgZQ22-wwIhTN1VnykJQDEXYtZEbdL6QIzrE_zo_voBZ9fknNk0gk9eLhFABXQI4GZWcg8y6IHYMKva6LYw";
const EXPONENT: &str = "AQAB";

#[derive(Serialize)]
struct UserClaims<'a> {
    sub: &'a str,
    iss: &'a str,
    aud: &'a str,
    iat: i64,
    exp: i64,
}

/// Signs a user JWT for `user_id` at server time `now`.
pub(crate) fn issue_user_token(
    user_id: &str,
    issuer: &str,
    audience: &str,
    now: i64,
) -> Option<String> {
    let key = EncodingKey::from_rsa_pem(PRIVATE_KEY_PEM).ok()?;
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KEY_ID.to_owned());
    let claims = UserClaims {
        sub: user_id,
        iss: issuer,
        aud: audience,
        iat: now,
        exp: now.checked_add(USER_TOKEN_TTL_SECONDS)?,
    };
    jsonwebtoken::encode(&header, &claims, &key).ok()
}

/// The provider's JWKS (empty outside dev mode, see the module docs).
pub(crate) fn jwks(dev: bool) -> Value {
    if !dev {
        return json!({"keys": []});
    }
    json!({"keys": [{
        "kty": "RSA", "use": "sig", "alg": "RS256", "kid": KEY_ID, "n": MODULUS, "e": EXPONENT
    }]})
}
