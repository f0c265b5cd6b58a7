//! Validated identifiers that travel in URL paths.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::BuildError;

/// A video id: the public `vid_…` id or the internal job UUID, 1–64 characters.
///
/// Only unreserved URL characters are accepted (`A-Z a-z 0-9 - _ . ~`), so an id can never
/// change the shape of a URL path.
///
/// ```
/// use sdk_core::VideoId;
/// assert!(VideoId::new("vid_8f3a2c").is_ok());
/// assert!(VideoId::new("").is_err());
/// assert!(VideoId::new("a".repeat(65)).is_err());
/// assert!(VideoId::new("../keys").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct VideoId(String);

impl VideoId {
    /// Validates a video id (1–64 unreserved URL characters).
    pub fn new(id: impl Into<String>) -> Result<Self, BuildError> {
        let id = id.into();
        let reason = check_path_segment(&id, 64);
        match reason {
            Some(reason) => Err(BuildError::InvalidVideoId { reason }),
            None => Ok(Self(id)),
        }
    }

    /// The id as a string.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An API key's id (`key_…`), as listed by `/v1/keys`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct KeyId(String);

impl KeyId {
    /// Validates a key id (1–128 unreserved URL characters).
    pub fn new(id: impl Into<String>) -> Result<Self, BuildError> {
        let id = id.into();
        match check_path_segment(&id, 128) {
            Some(reason) => Err(BuildError::InvalidParameter {
                name: "id",
                reason: reason.to_owned(),
            }),
            None => Ok(Self(id)),
        }
    }

    /// The id as a string.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn check_path_segment(id: &str, max: usize) -> Option<&'static str> {
    if id.is_empty() {
        return Some("must not be empty");
    }
    if id.len() > max {
        return Some(if max == 64 {
            "must be at most 64 characters"
        } else {
            "must be at most 128 characters"
        });
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
        || id == "."
        || id == ".."
    {
        return Some("must contain only A-Z a-z 0-9 - _ . ~");
    }
    None
}

macro_rules! id_traits {
    ($name:ident) => {
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }
        impl std::str::FromStr for $name {
            type Err = BuildError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                $name::new(raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

id_traits!(VideoId);
id_traits!(KeyId);
