//! What a user JWT must look like before anything is fetched to verify it: three base64url
//! parts, a JSON header with `alg: RS256` and a `kid`, a JSON-object payload, and a signature
//! of an RSA key's size. Junk fails here, at no cost to the identity provider.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

/// Longer tokens are refused unread: identity providers' user tokens are 1–2 KiB, and the
/// whole string is decoded below.
const MAX_TOKEN_BYTES: usize = 8 * 1024;
/// A `kid` is a short identifier (Cognito's are 44 characters).
const MAX_KID_BYTES: usize = 256;
/// An RS256 signature is as long as the key's modulus: 2048- to 8192-bit keys.
const SIGNATURE_BYTES: std::ops::RangeInclusive<usize> = 256..=1024;

#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
}

/// The `kid` of a token shaped like an RS256 JWT, or `None` for anything else.
pub(crate) fn user_token_kid(token: &str) -> Option<String> {
    if token.len() > MAX_TOKEN_BYTES {
        return None;
    }
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header: Header = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
    let _: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let kid = header
        .kid
        .filter(|k| !k.is_empty() && k.len() <= MAX_KID_BYTES)?;
    (header.alg == "RS256" && SIGNATURE_BYTES.contains(&signature.len())).then_some(kid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    #[test]
    fn c4_only_rs256_shaped_tokens_with_a_kid_pass() {
        let sig = URL_SAFE_NO_PAD.encode([7u8; 256]);
        let good_header = b64(r#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#);
        let payload = b64(r#"{"sub":"u"}"#);
        assert_eq!(
            user_token_kid(&format!("{good_header}.{payload}.{sig}")).as_deref(),
            Some("k1")
        );
        let junk = [
            String::new(),
            "abc".to_owned(),
            format!("{good_header}.{payload}"),
            format!("{good_header}.{payload}.{sig}.x"),
            format!("{}.{payload}.{sig}", b64(r#"{"alg":"RS256"}"#)),
            format!("{}.{payload}.{sig}", b64(r#"{"alg":"HS256","kid":"k1"}"#)),
            format!("{}.{payload}.{sig}", b64(r#"{"alg":"none","kid":"k1"}"#)),
            format!("{}.{payload}.{sig}", b64(r#"{"alg":"RS256","kid":""}"#)),
            format!("{good_header}.{}.{sig}", b64("[1,2]")),
            format!("{good_header}.not*base64.{sig}"),
            format!(
                "{good_header}.{payload}.{}",
                URL_SAFE_NO_PAD.encode([7u8; 16])
            ),
            format!("{good_header}.{payload}.{sig}="),
            format!("{good_header}.{payload}.{}", "A".repeat(MAX_TOKEN_BYTES)),
        ];
        for token in junk {
            assert_eq!(user_token_kid(&token), None, "{token}");
        }
    }
}
