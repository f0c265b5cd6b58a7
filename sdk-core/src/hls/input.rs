//! Checks shared by both playlist kinds before and after m3u8-rs has run.

use super::error::{HlsError, Location};

/// The playlist text without a UTF-8 byte-order mark, once its first line is `#EXTM3U`.
pub(crate) fn playlist_text(text: &str) -> Result<&str, HlsError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or_default();
    if first_line.trim_end() == "#EXTM3U" {
        Ok(text)
    } else {
        Err(HlsError::NotAPlaylist)
    }
}

/// The value m3u8-rs parsed, once it has read the whole text.
///
/// m3u8-rs stops quietly at the first line none of its parsers accept (e.g. a stray `\r`) and
/// returns what it had, so a damaged playlist would look like a shorter valid one; the unread
/// rest is reported here instead, by line, without repeating it.
pub(crate) fn complete<T, E>(text: &str, parsed: Result<(&[u8], T), E>) -> Result<T, HlsError> {
    match parsed {
        Ok((rest, value)) if rest.iter().all(u8::is_ascii_whitespace) => Ok(value),
        Ok((rest, _)) => Err(HlsError::Malformed {
            at: Some(Location::Line(line_at(
                text,
                text.len().saturating_sub(rest.len()),
            ))),
            detail: "line could not be read".into(),
        }),
        // Only reachable when the #EXTM3U header is missing, which `playlist_text` has ruled out.
        Err(_) => Err(HlsError::Malformed {
            at: None,
            detail: "m3u8-rs could not read the playlist".into(),
        }),
    }
}

/// The 1-based line holding byte `offset` of `text`.
pub(crate) fn line_at(text: &str, offset: usize) -> usize {
    let before = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
    before.iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_must_be_extm3u() {
        assert!(playlist_text("#EXTM3U\n#EXT-X-VERSION:3\n").is_ok());
        assert!(playlist_text("\u{feff}#EXTM3U\r\n").is_ok());
        assert!(playlist_text("#EXTM3U").is_ok());
        for bad in [
            "",
            "\n#EXTM3U",
            "<!DOCTYPE html>",
            "#EXTM3UX\n",
            "#EXT-X-VERSION:3",
        ] {
            assert_eq!(playlist_text(bad), Err(HlsError::NotAPlaylist), "{bad:?}");
        }
    }

    #[test]
    fn unread_rest_is_reported_by_line() {
        let text = "#EXTM3U\nA\n\rB\n";
        let rest = &text.as_bytes()[10..];
        let err = complete::<(), ()>(text, Ok((rest, ()))).unwrap_err();
        assert_eq!(
            err,
            HlsError::Malformed {
                at: Some(Location::Line(3)),
                detail: "line could not be read".into()
            }
        );
        assert_eq!(complete::<u8, ()>(text, Ok((b"\n  ", 1))), Ok(1));
    }
}
