//! How a media segment is encrypted: the `#EXT-X-KEY` in force and its IV (RFC 8216 §4.3.2.4,
//! §5.2).

use super::attributes::{self, Value};
use super::error::{HlsError, Location, short};

/// The encryption in force for one media segment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Encryption {
    /// Not encrypted: no `#EXT-X-KEY` applies, or the one in force says `METHOD=NONE`.
    None,
    /// The whole segment is AES-128-CBC encrypted with PKCS#7 padding.
    Aes128(Aes128Key),
}

impl Encryption {
    /// The `METHOD` as written in playlists: `"NONE"` or `"AES-128"`.
    #[must_use]
    pub fn method(&self) -> &'static str {
        match self {
            Encryption::None => "NONE",
            Encryption::Aes128(_) => "AES-128",
        }
    }

    /// The key URI as written in the playlist (unresolved), when encrypted.
    #[must_use]
    pub fn key_uri(&self) -> Option<&str> {
        match self {
            Encryption::None => None,
            Encryption::Aes128(key) => Some(&key.uri),
        }
    }

    /// The 16-byte IV, when encrypted.
    #[must_use]
    pub fn iv(&self) -> Option<[u8; 16]> {
        match self {
            Encryption::None => None,
            Encryption::Aes128(key) => Some(key.iv),
        }
    }
}

/// An AES-128 key reference and the IV of one segment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Aes128Key {
    /// The `URI` attribute as written (resolve it against the playlist URL with
    /// [`resolve_uri`](super::resolve_uri)).
    pub uri: String,
    /// The IV for this segment.
    pub iv: [u8; 16],
    /// Where the IV came from.
    pub iv_source: IvSource,
}

/// Where a segment's IV came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IvSource {
    /// The key tag's `IV=0x…` attribute.
    Explicit,
    /// No `IV` attribute: the segment's media sequence number as a 128-bit big-endian integer
    /// (RFC 8216 §5.2).
    MediaSequence,
}

/// The `#EXT-X-KEY` in force while walking a media playlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ActiveKey {
    None,
    Aes128 { uri: String, iv: Option<[u8; 16]> },
}

impl ActiveKey {
    /// Checks a key tag m3u8-rs has read.
    pub(crate) fn from_parsed(key: &m3u8_rs::Key, at: Location) -> Result<Self, HlsError> {
        match &key.method {
            m3u8_rs::KeyMethod::None => Ok(ActiveKey::None),
            m3u8_rs::KeyMethod::AES128 => {
                if let Some(format) = key.keyformat.as_deref().filter(|f| *f != "identity") {
                    return Err(HlsError::UnsupportedKeyFormat {
                        format: short(format),
                        at,
                    });
                }
                let uri = key
                    .uri
                    .clone()
                    .filter(|uri| !uri.trim().is_empty())
                    .ok_or(HlsError::KeyWithoutUri { at })?;
                let iv = key.iv.as_deref().map(|iv| parse_iv(iv, at)).transpose()?;
                Ok(ActiveKey::Aes128 { uri, iv })
            }
            other => Err(HlsError::UnsupportedKeyMethod {
                method: short(&other.to_string()),
                at,
            }),
        }
    }

    /// Reads a key tag that m3u8-rs kept as an unknown tag because it could not build it.
    ///
    /// m3u8-rs 6 refuses `METHOD=NONE` without an `IV` (its check is inverted; RFC 8216 forbids
    /// other attributes with NONE), a quoted `IV`, an unquoted `URI`, and a missing `METHOD`.
    /// The first is valid and means "not encrypted"; the others are reported precisely.
    pub(crate) fn from_unparsed(list: Option<&str>, at: Location) -> Result<Self, HlsError> {
        let malformed = |detail: &str| HlsError::Malformed {
            at: Some(at),
            detail: format!("#EXT-X-KEY: {detail}"),
        };
        let attrs = attributes::read(list.unwrap_or_default()).map_err(malformed)?;
        let method = attributes::find(&attrs, "METHOD")
            .ok_or_else(|| malformed("no METHOD attribute"))?
            .value;
        match method {
            Value::Unquoted("NONE") => Ok(ActiveKey::None),
            Value::Unquoted("AES-128") => {
                if attributes::find(&attrs, "IV")
                    .is_some_and(|iv| matches!(iv.value, Value::Quoted(_)))
                {
                    return Err(HlsError::BadIv {
                        at,
                        reason: "must be an unquoted hexadecimal sequence",
                    });
                }
                match attributes::find(&attrs, "URI").map(|uri| uri.value) {
                    None => Err(HlsError::KeyWithoutUri { at }),
                    Some(Value::Unquoted(_)) => Err(malformed("URI must be a quoted string")),
                    Some(Value::Quoted(_)) => Err(malformed("an attribute has the wrong form")),
                }
            }
            Value::Unquoted(other) => Err(HlsError::UnsupportedKeyMethod {
                method: short(other),
                at,
            }),
            Value::Quoted(_) => Err(malformed("METHOD must not be quoted")),
        }
    }

    /// The encryption of the segment with media sequence number `sequence`.
    pub(crate) fn for_segment(&self, sequence: u64) -> Encryption {
        match self {
            ActiveKey::None => Encryption::None,
            ActiveKey::Aes128 { uri, iv } => Encryption::Aes128(Aes128Key {
                uri: uri.clone(),
                iv: iv.unwrap_or_else(|| u128::from(sequence).to_be_bytes()),
                iv_source: if iv.is_some() {
                    IvSource::Explicit
                } else {
                    IvSource::MediaSequence
                },
            }),
        }
    }
}

/// Parses `IV=0x…`: a hexadecimal integer of at most 128 bits, big-endian, left-padded.
pub(crate) fn parse_iv(text: &str, at: Location) -> Result<[u8; 16], HlsError> {
    let bad = |reason| HlsError::BadIv { at, reason };
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .ok_or(bad("must start with 0x"))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad("must be hexadecimal digits after 0x"));
    }
    // 32 hex digits = 128 bits; longer values cannot be an AES block.
    if digits.len() > 32 {
        return Err(bad("longer than 128 bits"));
    }
    u128::from_str_radix(digits, 16)
        .map(u128::to_be_bytes)
        .map_err(|_| bad("must be hexadecimal digits after 0x"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: Location = Location::Segment(0);

    #[test]
    fn explicit_ivs_are_big_endian_and_left_padded() {
        let iv = parse_iv("0x000102030405060708090A0B0C0D0E0F", AT).unwrap();
        assert_eq!(iv, core::array::from_fn(|i| i as u8));
        assert_eq!(parse_iv("0X1", AT).unwrap()[15], 1);
        assert_eq!(parse_iv("0x1", AT).unwrap()[..15], [0; 15]);
    }

    #[test]
    fn bad_ivs_are_typed_errors() {
        for bad in [
            "",
            "0x",
            "1234",
            "0xZZ",
            "0x+1",
            &format!("0x{}", "0".repeat(33)),
        ] {
            assert!(
                matches!(parse_iv(bad, AT), Err(HlsError::BadIv { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn implicit_iv_is_the_media_sequence_number() {
        let key = ActiveKey::Aes128 {
            uri: "k".into(),
            iv: None,
        };
        let Encryption::Aes128(key) = key.for_segment(0x0102) else {
            panic!("encrypted")
        };
        assert_eq!(key.iv[14..], [1, 2]);
        assert_eq!(key.iv[..14], [0; 14]);
        assert_eq!(key.iv_source, IvSource::MediaSequence);
        assert_eq!(ActiveKey::None.for_segment(3), Encryption::None);
    }

    #[test]
    fn unparsed_key_tags_are_classified() {
        assert_eq!(
            ActiveKey::from_unparsed(Some("METHOD=NONE"), AT),
            Ok(ActiveKey::None)
        );
        assert!(matches!(
            ActiveKey::from_unparsed(Some(r#"METHOD=AES-128,URI="k",IV="0x1""#), AT),
            Err(HlsError::BadIv { .. })
        ));
        assert!(matches!(
            ActiveKey::from_unparsed(Some("METHOD=AES-128,URI=k"), AT),
            Err(HlsError::Malformed { .. })
        ));
        assert!(matches!(
            ActiveKey::from_unparsed(Some(r#"METHOD=AES-128,URI="/video/ke"#), AT),
            Err(HlsError::Malformed { .. })
        ));
        assert!(matches!(
            ActiveKey::from_unparsed(Some("URI=\"k\""), AT),
            Err(HlsError::Malformed { .. })
        ));
        assert!(matches!(
            ActiveKey::from_unparsed(None, AT),
            Err(HlsError::Malformed { .. })
        ));
    }
}
