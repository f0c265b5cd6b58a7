//! Checking one `#EXT-X-KEY` line and locating its `URI` value.

use std::ops::Range;

use super::attributes::{self, Value};
use super::encryption::parse_iv;
use super::error::{HlsError, Location, short};

const KEY_TAG: &str = "#EXT-X-KEY:";

/// For an `#EXT-X-KEY` line this SDK can play, the byte range of its `URI` value within `line`
/// when the method is AES-128 (`None` for `METHOD=NONE` and for lines that are not key tags).
///
/// Every key line is checked, including ones m3u8-rs would drop (a tag after the last segment,
/// e.g. in a truncated playlist) or file as unknown, and errors carry the line number.
pub(crate) fn aes128_uri_span(line: &str, at: Location) -> Result<Option<Range<usize>>, HlsError> {
    let trimmed = line.trim_start();
    let Some(rest) = trimmed.strip_prefix(KEY_TAG) else {
        return Ok(None);
    };
    let list_start = line.len() - trimmed.len() + KEY_TAG.len();
    let list = rest.trim_end_matches(['\r', '\n']);
    let malformed = |detail: &str| HlsError::Malformed {
        at: Some(at),
        detail: format!("#EXT-X-KEY: {detail}"),
    };
    let attrs = attributes::read(list).map_err(malformed)?;
    let method = attributes::find(&attrs, "METHOD")
        .ok_or_else(|| malformed("no METHOD attribute"))?
        .value;
    match method {
        Value::Unquoted("NONE") => return Ok(None),
        Value::Unquoted("AES-128") => {}
        Value::Unquoted(other) => {
            return Err(HlsError::UnsupportedKeyMethod {
                method: short(other),
                at,
            });
        }
        Value::Quoted(_) => return Err(malformed("METHOD must not be quoted")),
    }
    match attributes::find(&attrs, "KEYFORMAT").map(|f| f.value) {
        None | Some(Value::Quoted("identity")) => {}
        Some(format) => {
            return Err(HlsError::UnsupportedKeyFormat {
                format: short(format.as_str()),
                at,
            });
        }
    }
    match attributes::find(&attrs, "IV").map(|iv| iv.value) {
        None => {}
        Some(Value::Unquoted(iv)) => {
            parse_iv(iv, at)?;
        }
        Some(Value::Quoted(_)) => {
            return Err(HlsError::BadIv {
                at,
                reason: "must be an unquoted hexadecimal sequence",
            });
        }
    }
    match attributes::find(&attrs, "URI") {
        Some(uri) if matches!(uri.value, Value::Quoted(u) if !u.trim().is_empty()) => {
            Ok(Some(list_start + uri.span.start..list_start + uri.span.end))
        }
        Some(uri) if matches!(uri.value, Value::Unquoted(_)) => {
            Err(malformed("URI must be a quoted string"))
        }
        _ => Err(HlsError::KeyWithoutUri { at }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: Location = Location::Line(4);

    #[test]
    fn locates_the_uri_value() {
        let line = "  #EXT-X-KEY:METHOD=AES-128,URI=\"/video/key/j\",IV=0x1\r\n";
        let span = aes128_uri_span(line, AT).unwrap().unwrap();
        assert_eq!(&line[span], "/video/key/j");
        assert_eq!(aes128_uri_span("#EXT-X-KEY:METHOD=NONE\n", AT), Ok(None));
        assert_eq!(aes128_uri_span("#EXTINF:6,\n", AT), Ok(None));
        assert_eq!(aes128_uri_span("https://h/k.ts\n", AT), Ok(None));
    }

    #[test]
    fn refuses_what_cannot_be_played() {
        let check = |list: &str| aes128_uri_span(&format!("#EXT-X-KEY:{list}\n"), AT);
        assert!(matches!(
            check("METHOD=SAMPLE-AES,URI=\"skd://k\""),
            Err(HlsError::UnsupportedKeyMethod { .. })
        ));
        assert!(matches!(
            check("METHOD=AES-128,URI=\"k\",KEYFORMAT=\"com.apple.streamingkeydelivery\""),
            Err(HlsError::UnsupportedKeyFormat { .. })
        ));
        assert!(matches!(
            check("METHOD=AES-128,URI=\"k\",IV=0xZZ"),
            Err(HlsError::BadIv { .. })
        ));
        assert!(matches!(
            check("METHOD=AES-128,URI=\"k\",IV=\"0x1\""),
            Err(HlsError::BadIv { .. })
        ));
        assert_eq!(
            check("METHOD=AES-128,URI=\"\""),
            Err(HlsError::KeyWithoutUri { at: AT })
        );
        assert!(matches!(
            check("METHOD=AES-128,URI=k"),
            Err(HlsError::Malformed { .. })
        ));
        assert!(matches!(
            check("METHOD=AES-128,URI=\"/video/ke"),
            Err(HlsError::Malformed { .. })
        ));
        assert!(matches!(
            check("URI=\"k\""),
            Err(HlsError::Malformed { .. })
        ));
    }
}
