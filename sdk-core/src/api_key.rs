//! The API key: validated, redacted, zeroized.

use std::fmt;
use std::str::FromStr;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::BuildError;

/// Length of `ak_live_` / `ak_test_`.
const PREFIX_LEN: usize = 8;
/// 32 lowercase hex characters follow the prefix.
const HEX_LEN: usize = 32;
/// The public part that identifies a key once it has been created (e.g. `ak_live_7c1b`).
const PUBLIC_PREFIX_LEN: usize = 12;

/// Which environment a key belongs to, from its `ak_live_` / `ak_test_` prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyEnvironment {
    /// `ak_live_…`
    Live,
    /// `ak_test_…`
    Test,
}

/// An Ansdev API key (`ak_live_` or `ak_test_` followed by 32 lowercase hex characters).
///
/// The key lives only in memory: `Debug` shows the 12-character public prefix and nothing more,
/// there is no `Display`, and the bytes are zeroized when the value is dropped.
///
/// ```
/// use sdk_core::ApiKey;
///
/// let key: ApiKey = "ak_live_7c1b00000000000000000000000000ff".parse()?;
/// assert_eq!(key.prefix(), "ak_live_7c1b");
/// assert_eq!(format!("{key:?}"), "ApiKey(ak_live_7c1b…[redacted])");
///
/// // Errors name the problem but never echo the input.
/// let err = "ak_live_7C1B00000000000000000000000000FF".parse::<ApiKey>().unwrap_err();
/// assert!(err.to_string().contains("lowercase"));
/// # Ok::<(), sdk_core::BuildError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct ApiKey(String);

impl ApiKey {
    /// Validates and wraps a key. The error says what is wrong without repeating the key.
    pub fn new(key: impl Into<String>) -> Result<Self, BuildError> {
        let mut key: String = key.into();
        if let Err(reason) = validate(&key) {
            key.zeroize();
            return Err(BuildError::InvalidApiKey { reason });
        }
        Ok(Self(key))
    }

    /// The 12-character public prefix (e.g. `ak_live_7c1b`) that identifies the key in the
    /// dashboard and in `/v1/keys` listings. Safe to log.
    #[must_use]
    pub fn prefix(&self) -> &str {
        self.0.get(..PUBLIC_PREFIX_LEN).unwrap_or_default()
    }

    /// Live or test key.
    #[must_use]
    pub fn environment(&self) -> KeyEnvironment {
        if self.0.starts_with("ak_test_") {
            KeyEnvironment::Test
        } else {
            KeyEnvironment::Live
        }
    }

    /// The key itself. Call this only where the key goes onto the wire (the `x-ansdev-key`
    /// header, which the request builder marks sensitive).
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

fn validate(key: &str) -> Result<(), &'static str> {
    let Some(rest) = key
        .strip_prefix("ak_live_")
        .or_else(|| key.strip_prefix("ak_test_"))
    else {
        return Err("must start with `ak_live_` or `ak_test_`");
    };
    if key.len() != PREFIX_LEN + HEX_LEN {
        return Err("must be 40 characters: `ak_live_` or `ak_test_` and 32 hex characters");
    }
    if rest
        .bytes()
        .any(|b| b.is_ascii_hexdigit() && b.is_ascii_uppercase())
    {
        return Err("hex characters must be lowercase (0-9, a-f)");
    }
    if !rest.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err("must end in 32 hex characters (0-9, a-f)");
    }
    Ok(())
}

impl FromStr for ApiKey {
    type Err = BuildError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({}…[redacted])", self.prefix())
    }
}

impl<'de> serde::Deserialize<'de> for ApiKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        ApiKey::new(raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIVE: &str = "ak_live_0123456789abcdef0123456789abcdef";

    #[test]
    fn accepts_live_and_test_keys() {
        let live = ApiKey::new(LIVE).unwrap();
        assert_eq!(live.environment(), KeyEnvironment::Live);
        assert_eq!(live.prefix(), "ak_live_0123");
        let test = ApiKey::new("ak_test_ffffffffffffffffffffffffffffffff").unwrap();
        assert_eq!(test.environment(), KeyEnvironment::Test);
    }

    #[test]
    fn rejects_malformed_keys_with_a_reason_and_without_echo() {
        let cases = [
            ("", "must start"),
            ("sk_live_0123456789abcdef0123456789abcdef", "must start"),
            ("ak_live_0123", "40 characters"),
            ("ak_live_0123456789abcdef0123456789abcdef0", "40 characters"),
            ("ak_live_0123456789ABCDEF0123456789abcdef", "lowercase"),
            ("ak_live_0123456789abcdeg0123456789abcdef", "hex"),
            ("ak_live_0123456789abcdé0123456789abcdef", "hex"),
        ];
        for (input, expected) in cases {
            let err = ApiKey::new(input).unwrap_err().to_string();
            assert!(err.contains(expected), "{input:?}: {err}");
            if !input.is_empty() {
                assert!(!err.contains(input), "error echoes the key: {err}");
            }
        }
    }

    #[test]
    fn debug_shows_only_the_public_prefix() {
        let key = ApiKey::new(LIVE).unwrap();
        let debug = format!("{key:?}");
        assert_eq!(debug, "ApiKey(ak_live_0123…[redacted])");
        assert!(!debug.contains("456789abcdef"));
    }
}
