//! What can go wrong reading or rewriting a playlist.

use std::fmt;

use crate::error::{DecodeError, DecodeErrorKind, Error};

/// Where in a playlist a problem was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// A 1-based line of the playlist text.
    Line(usize),
    /// The 0-based index of a media segment (the position m3u8-rs reports; it keeps no lines).
    Segment(usize),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(line) => write!(f, "line {line}"),
            Location::Segment(index) => write!(f, "segment #{index}"),
        }
    }
}

/// A playlist could not be parsed or rewritten, or a URI could not be resolved.
///
/// Messages never repeat URLs or attribute values from the playlist (they may carry a playback
/// token); they name the tag, the location and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HlsError {
    /// The text does not start with `#EXTM3U` (e.g. an empty body or an HTML error page).
    #[error("not an HLS playlist: the text does not start with #EXTM3U")]
    NotAPlaylist,
    /// A multivariant (master) playlist was given where a media playlist was expected.
    #[error("expected a media playlist, got a multivariant (master) playlist")]
    UnexpectedMaster,
    /// A media playlist was given where a multivariant (master) playlist was expected.
    #[error("expected a multivariant (master) playlist, got a media playlist")]
    UnexpectedMedia,
    /// The playlist breaks the HLS syntax or misses a required tag.
    #[error("malformed playlist{}: {detail}", .at.map(|at| format!(" at {at}")).unwrap_or_default())]
    Malformed {
        /// Where, when known.
        at: Option<Location>,
        /// What is wrong (never a value copied from the playlist).
        detail: String,
    },
    /// An `#EXT-X-KEY` uses a method this SDK cannot decrypt (only `AES-128` and `NONE` are
    /// supported; `SAMPLE-AES` is not).
    // Quoted by hand rather than with `{:?}` (whose escaping code is sizeable in the browser
    // wasm): `short` keeps only name characters, which `{:?}` would not escape either.
    #[error("unsupported key method \"{method}\" at {at}")]
    UnsupportedKeyMethod {
        /// The method as written, or `(not shown)` when it does not look like a method name.
        method: String,
        /// Where.
        at: Location,
    },
    /// An `#EXT-X-KEY` uses a `KEYFORMAT` other than `identity`.
    #[error("unsupported key format \"{format}\" at {at}")]
    UnsupportedKeyFormat {
        /// The key format as written, or `(not shown)` when it does not look like a name.
        format: String,
        /// Where.
        at: Location,
    },
    /// An `#EXT-X-KEY` with `METHOD=AES-128` has no `URI` attribute.
    #[error("AES-128 key without a URI at {at}")]
    KeyWithoutUri {
        /// Where.
        at: Location,
    },
    /// An `IV` attribute is not a hexadecimal integer of at most 128 bits.
    #[error("bad IV at {at}: {reason}")]
    BadIv {
        /// Where.
        at: Location,
        /// What is wrong.
        reason: &'static str,
    },
    /// A URI reference cannot be resolved against its base.
    #[error("cannot resolve URI: {reason}")]
    UnresolvableUri {
        /// What is wrong.
        reason: &'static str,
    },
    /// The playlist rotates its AES-128 key: a key line names another key URI than the first.
    /// The SDK maps a video's key to one stable URI, so it refuses such a playlist rather than
    /// decrypt the later segments with the first key. (Two spellings of one URI count as two.)
    #[error("the AES-128 key changes at {at}: key rotation is not supported")]
    KeyRotation {
        /// The first key line with another URI.
        at: Location,
    },
    /// A key URI is not one made by [`stable_key_uri`](super::stable_key_uri).
    #[error("not a stable key URI of this SDK")]
    NotAStableKeyUri,
}

impl From<HlsError> for Error {
    fn from(err: HlsError) -> Self {
        Error::Decode(DecodeError::new(
            None,
            DecodeErrorKind::Playlist {
                reason: err.to_string(),
            },
        ))
    }
}

/// A method or key-format name from the playlist, as far as it is safe to keep in an error:
/// shown whole when it is short and name-like, else not at all (never a prefix of something
/// longer, which could be part of a token). 48 characters fit every registered KEYFORMAT
/// (`urn:uuid:` + a UUID is 45) and are far shorter than a playback JWT.
pub(crate) fn short(value: &str) -> String {
    const MAX: usize = 48;
    let name_like = value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b':' | b'_' | b'/' | b'-'));
    if value.len() <= MAX && name_like {
        value.to_owned()
    } else {
        "(not shown)".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_to_a_playlist_decode_error() {
        let err: Error = HlsError::KeyWithoutUri {
            at: Location::Segment(3),
        }
        .into();
        match &err {
            Error::Decode(DecodeError {
                status: None,
                kind: DecodeErrorKind::Playlist { reason },
            }) => assert_eq!(reason, "AES-128 key without a URI at segment #3"),
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(err.code().as_str(), "DECODE_ERROR");
    }

    #[test]
    fn messages_name_the_location() {
        let err = HlsError::Malformed {
            at: Some(Location::Line(7)),
            detail: "unreadable line".into(),
        };
        assert_eq!(
            err.to_string(),
            "malformed playlist at line 7: unreadable line"
        );
        let err = HlsError::Malformed {
            at: None,
            detail: "no segments".into(),
        };
        assert_eq!(err.to_string(), "malformed playlist: no segments");
    }

    #[test]
    fn short_shows_names_whole_or_not_at_all() {
        assert_eq!(short("SAMPLE-AES"), "SAMPLE-AES");
        assert_eq!(
            short("com.apple.streamingkeydelivery"),
            "com.apple.streamingkeydelivery"
        );
        assert_eq!(short("a\nb"), "(not shown)");
        assert_eq!(short(&"x".repeat(100)), "(not shown)");
    }
}
