//! Secret newtypes: API keys, playback tokens and user tokens.
//!
//! Every secret prints as `[redacted]` in `Debug`, has no `Display`, is zeroized when dropped and
//! is read only through an explicit `expose_secret()`, so it cannot reach a log line or an error
//! message by accident.

use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::BuildError;

/// Declares a secret string newtype with redacted `Debug`, no `Display`, and zeroize-on-drop.
macro_rules! secret_string {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
        pub struct $name(String);

        impl $name {
            /// The secret itself. Call this only where the secret goes onto the wire.
            #[must_use]
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_string!(
    /// A short-lived playback token (a JWT bound to one video), treated as opaque.
    ///
    /// The SDK never looks inside it: refresh is scheduled from `expiresIn` on a monotonic clock.
    PlaybackToken
);

secret_string!(
    /// A dashboard user's bearer token for the `/v1/keys` routes.
    UserToken
);

impl PlaybackToken {
    /// Wraps a token string received from the API or from an application's token provider.
    ///
    /// Only the character set is checked (a token travels in a URL path segment), so a provider
    /// bug surfaces here rather than as a confusing 404 later.
    pub fn new(token: impl Into<String>) -> Result<Self, BuildError> {
        // Wrapped at once, so a refused token is wiped too.
        let token = Self(token.into());
        if token.0.is_empty() || token.0.len() > 4096 {
            return Err(BuildError::InvalidToken {
                reason: "must be 1 to 4096 characters",
            });
        }
        if !token
            .0
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
        {
            return Err(BuildError::InvalidToken {
                reason: "must contain only URL-safe characters (A-Z a-z 0-9 - _ . ~)",
            });
        }
        // A path segment of `.` or `..` would be collapsed by URL normalisation, moving the
        // request to another route.
        if matches!(token.0.as_str(), "." | "..") {
            return Err(BuildError::InvalidToken {
                reason: "must not be a dot segment",
            });
        }
        Ok(token)
    }
}

impl UserToken {
    /// Wraps a user's bearer token (an RS256 JWT issued by the dashboard's identity provider).
    pub fn new(token: impl Into<String>) -> Result<Self, BuildError> {
        // Wrapped at once, so a refused token is wiped too.
        let token = Self(token.into());
        if token.0.is_empty() || token.0.len() > 16 * 1024 {
            return Err(BuildError::InvalidToken {
                reason: "user token must be 1 to 16384 characters",
            });
        }
        // It goes into a header: refuse anything that is not a visible ASCII character.
        if !token.0.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(BuildError::InvalidToken {
                reason: "user token must contain only visible ASCII characters",
            });
        }
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token() {
        let token = PlaybackToken::new("eyJhbGciOiJIUzI1NiJ9.e30.c2ln").unwrap();
        assert_eq!(format!("{token:?}"), "PlaybackToken([redacted])");
        let user = UserToken::new("eyJ.secret.sig").unwrap();
        assert!(!format!("{user:?}").contains("secret"));
    }

    #[test]
    fn tokens_with_path_breaking_characters_are_refused() {
        assert!(PlaybackToken::new("a/b").is_err());
        assert!(PlaybackToken::new("").is_err());
        assert!(PlaybackToken::new("a b").is_err());
        // c7: a provider answering `..` would move the key request up one route.
        assert!(PlaybackToken::new("..").is_err());
        assert!(PlaybackToken::new(".").is_err());
        assert!(PlaybackToken::new("a.b.c").is_ok());
        assert!(UserToken::new("a\r\nb").is_err());
        let err = PlaybackToken::new("../x").unwrap_err().to_string();
        assert!(
            !err.contains("../x"),
            "error must not echo the token: {err}"
        );
    }
}

/// A video's 16-byte AES-128 content key, as delivered by the key route. Redacted in `Debug`,
/// zeroized on drop.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct AesKey([u8; 16]);

impl AesKey {
    /// Wraps 16 key bytes.
    #[must_use]
    pub fn new(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    /// The key bytes. Call this only to decrypt.
    #[must_use]
    pub fn expose_secret(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Debug for AesKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AesKey([redacted])")
    }
}
