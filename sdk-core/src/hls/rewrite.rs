//! Rewriting a media playlist's AES-128 key URIs to the stable key URI.

use crate::model::VideoId;

use super::encryption::Encryption;
use super::error::{HlsError, Location};
use super::input::playlist_text;
use super::key_line::aes128_uri_span;
use super::key_uri::stable_key_uri;
use super::media::{MediaPlaylist, parse_media};

/// Rewrites the `URI` of every `#EXT-X-KEY` with `METHOD=AES-128` to
/// [`stable_key_uri(job_id)`](super::stable_key_uri), keeping `IV`, `KEYFORMAT` and every other
/// byte of the playlist; `METHOD=NONE` tags are left alone. A playlist whose AES-128 key lines
/// name more than one key URI (key rotation) is refused with [`HlsError::KeyRotation`]: one
/// stable URI stands for one key, and mapping a second key to it would decrypt the later
/// segments with the first key.
///
/// The playlist is parsed first (so a playlist this SDK cannot play is refused before it
/// reaches the player), and the output is parsed again and checked to hold the same segments,
/// durations and IVs, with only the key URIs changed. [`rewrite_key_lines`] is the rewrite
/// without these two parses.
///
/// ```
/// use sdk_core::{hls, VideoId};
///
/// let job = VideoId::new("job_1")?;
/// let text = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n\
///             #EXT-X-KEY:METHOD=AES-128,URI=\"/video/key/job_1\",IV=0x1\n\
///             #EXTINF:6.000000,\nhttps://cdn.example/chunk_0000.ts\n";
/// let rewritten = hls::rewrite_key_uris(text, &job)?;
/// assert_eq!(rewritten, text.replace("/video/key/job_1", "ansdev-key://job_1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn rewrite_key_uris(media_text: &str, job_id: &VideoId) -> Result<String, HlsError> {
    let before = parse_media(media_text)?;
    let out = rewrite_key_lines(media_text, job_id)?;
    let stable = stable_key_uri(job_id);
    let after = parse_media(&out)?;
    if !same_apart_from_key_uris(&before, &after, &stable) {
        return Err(HlsError::Malformed {
            at: None,
            detail: "rewriting the key URIs would change the segments".into(),
        });
    }
    Ok(out)
}

/// The line-level half of [`rewrite_key_uris`]: every `#EXT-X-KEY` line is checked (method,
/// key format, IV, a `URI` for AES-128) and its `URI` replaced by the stable key URI, but the
/// playlist as a whole is not parsed.
///
/// For front ends that hand the playlist to a player that parses it anyway — hls.js in the
/// browser package, where the m3u8-rs parser would be about half of the wasm. Text without an
/// `#EXT-X-KEY` line (a multivariant playlist) comes back unchanged.
///
/// ```
/// use sdk_core::{hls, VideoId};
///
/// let job = VideoId::new("job_1")?;
/// let text = "#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI=\"/video/key/job_1\"\n#EXTINF:6,\ns.ts\n";
/// assert_eq!(
///     hls::rewrite_key_lines(text, &job)?,
///     text.replace("/video/key/job_1", "ansdev-key://job_1"),
/// );
/// assert!(hls::rewrite_key_lines("<html>", &job).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn rewrite_key_lines(media_text: &str, job_id: &VideoId) -> Result<String, HlsError> {
    // A line-level rewrite, not m3u8-rs `write_to`: `write_to` re-serialises everything (it
    // drops comments and header tags it does not model, reorders tags, reprints #EXTINF
    // durations through f32 and normalises line endings), whereas replacing only the bytes of
    // the URI value keeps the rest byte-identical.
    playlist_text(media_text)?;
    let stable = stable_key_uri(job_id);
    let mut out = String::with_capacity(media_text.len() + 64);
    // Every AES-128 line must name the first one's key: one stable URI stands for one key.
    let mut first_uri: Option<&str> = None;
    for (index, line) in media_text.split_inclusive('\n').enumerate() {
        let at = Location::Line(index + 1);
        match aes128_uri_span(line, at)? {
            Some(span) => {
                let uri = line.get(span.clone()).unwrap_or_default();
                match first_uri {
                    None => first_uri = Some(uri),
                    Some(first) if first != uri => return Err(HlsError::KeyRotation { at }),
                    Some(_) => {}
                }
                out.push_str(line.get(..span.start).unwrap_or_default());
                out.push_str(&stable);
                out.push_str(line.get(span.end..).unwrap_or_default());
            }
            None => out.push_str(line),
        }
    }
    Ok(out)
}

fn same_apart_from_key_uris(before: &MediaPlaylist, after: &MediaPlaylist, stable: &str) -> bool {
    before.target_duration == after.target_duration
        && before.media_sequence == after.media_sequence
        && before.end_list == after.end_list
        && before.segments.len() == after.segments.len()
        && before.segments.iter().zip(&after.segments).all(|(b, a)| {
            b.uri == a.uri
                && b.duration == a.duration
                && b.sequence == a.sequence
                && match (&b.encryption, &a.encryption) {
                    (Encryption::None, Encryption::None) => true,
                    (Encryption::Aes128(b), Encryption::Aes128(a)) => {
                        a.uri == stable && a.iv == b.iv && a.iv_source == b.iv_source
                    }
                    _ => false,
                }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> VideoId {
        VideoId::new("job_1").unwrap()
    }

    #[test]
    fn keeps_crlf_comments_and_attribute_order() {
        let text = "#EXTM3U\r\n# generated\r\n#EXT-X-TARGETDURATION:6\r\n\
                    #EXT-X-KEY:IV=0x2,URI=\"k\",METHOD=AES-128,KEYFORMAT=\"identity\"\r\n\
                    #EXTINF:6.000000,\r\ns0.ts\r\n#EXT-X-KEY:METHOD=NONE\r\n#EXTINF:6,\r\ns1.ts\r\n";
        let out = rewrite_key_uris(text, &job()).unwrap();
        assert_eq!(out, text.replace("URI=\"k\"", "URI=\"ansdev-key://job_1\""));
    }

    #[test]
    fn a_trailing_key_tag_is_checked_too() {
        let text =
            "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\ns0.ts\n#EXT-X-KEY:METHOD=AES-128\n";
        assert_eq!(
            rewrite_key_uris(text, &job()),
            Err(HlsError::KeyWithoutUri {
                at: Location::Line(5)
            })
        );
        let text =
            "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\ns0.ts\n#EXT-X-KEY:METHOD=SAMPLE-AES\n";
        assert!(matches!(
            rewrite_key_uris(text, &job()),
            Err(HlsError::UnsupportedKeyMethod { method, .. }) if method == "SAMPLE-AES"
        ));
    }

    #[test]
    fn the_line_level_rewrite_checks_key_lines_and_agrees_with_the_checked_one() {
        let text = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-KEY:METHOD=AES-128,URI=\"/k\",IV=0x1\n\
                    #EXTINF:6,\ns0.ts\n#EXT-X-KEY:METHOD=NONE\n#EXTINF:6,\ns1.ts\n";
        assert_eq!(
            rewrite_key_lines(text, &job()).unwrap(),
            rewrite_key_uris(text, &job()).unwrap()
        );
        let master = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n720p/index.m3u8\n";
        assert_eq!(rewrite_key_lines(master, &job()).unwrap(), master);
        assert_eq!(rewrite_key_lines("", &job()), Err(HlsError::NotAPlaylist));
        assert_eq!(
            rewrite_key_lines("#EXTM3U\n#EXT-X-KEY:METHOD=AES-128\n", &job()),
            Err(HlsError::KeyWithoutUri {
                at: Location::Line(2)
            })
        );
        assert!(matches!(
            rewrite_key_lines("#EXTM3U\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"k\"\n", &job()),
            Err(HlsError::UnsupportedKeyMethod { .. })
        ));
    }

    #[test]
    fn rewriting_twice_changes_nothing_more() {
        let text = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-KEY:METHOD=AES-128,URI=\"/k\"\n\
                    #EXTINF:6,\ns0.ts\n";
        let once = rewrite_key_uris(text, &job()).unwrap();
        assert_eq!(rewrite_key_uris(&once, &job()).unwrap(), once);
    }
}
