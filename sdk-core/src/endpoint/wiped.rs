//! Buffers for secrets on their way out: a request's auth header and a URL with a token in its
//! path are built here, in buffers that wipe themselves when the last reference goes.
//!
//! `http::HeaderValue` and `http::Uri` keep their bytes in a `Bytes`. Built from a `String`, that
//! buffer is freed as it is when the request is dropped; built from [`Wiped`] (through
//! `Bytes::from_owner`) it is zeroized first, wherever the request ends: in the SDK, in a custom
//! transport, or in reqwest (which, though, makes copies of its own — see sdk-native's docs).
//! The buffer is allocated at its final size, so no reallocation leaves a partial copy behind.

use bytes::Bytes;
use http::Uri;
use http::header::HeaderValue;
use serde::Deserialize;
use zeroize::Zeroize;

use crate::error::BuildError;

/// Bytes that are zeroized when dropped.
struct Wiped(Vec<u8>);

impl AsRef<[u8]> for Wiped {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for Wiped {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// `parts` concatenated in one allocation of exactly their length, wiped on drop.
fn concat(parts: &[&[u8]]) -> Bytes {
    let mut buffer = Vec::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        buffer.extend_from_slice(part);
    }
    Bytes::from_owner(Wiped(buffer))
}

/// A sensitive header value made of `parts` (e.g. `Bearer ` and a token).
pub(crate) fn header_value(parts: &[&[u8]]) -> Result<HeaderValue, BuildError> {
    let mut value =
        HeaderValue::from_maybe_shared(concat(parts)).map_err(|_| BuildError::InvalidToken {
            reason: "contains characters not allowed in a header",
        })?;
    value.set_sensitive(true);
    Ok(value)
}

/// A URI made of `parts` (the base URL, then path pieces already encoded).
pub(crate) fn uri(parts: &[&str]) -> Result<Uri, BuildError> {
    let parts: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
    Uri::from_maybe_shared(concat(&parts)).map_err(|_| BuildError::InvalidBaseUrl {
        reason: "the resulting URL is not a valid URI",
    })
}

/// `parts` concatenated into a `String` of exactly their length, for the public URL builders
/// whose callers own the result.
pub(crate) fn string(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// A string field of a response that may be a secret (a minted token, a player URL that repeats
/// it): zeroized when dropped, unless taken out first with [`take`](Self::take).
#[derive(Deserialize)]
#[serde(transparent)]
pub(crate) struct WipedString(String);

impl WipedString {
    /// Moves the string out (no copy); what is left to wipe is empty.
    pub(crate) fn take(&mut self) -> String {
        std::mem::take(&mut self.0)
    }
}

impl Drop for WipedString {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_sensitive_headers_and_uris_at_their_final_size() {
        let value = header_value(&[b"Bearer ", b"abc"]).unwrap();
        assert_eq!(value, "Bearer abc");
        assert!(value.is_sensitive());
        assert!(header_value(&[b"a\r\nb"]).is_err());
        let uri = uri(&["http://127.0.0.1:9", "/v1/video/", "tok", "/x"]).unwrap();
        assert_eq!(uri, "http://127.0.0.1:9/v1/video/tok/x");
        assert_eq!(string(&["a", "bc"]), "abc");
    }
}
