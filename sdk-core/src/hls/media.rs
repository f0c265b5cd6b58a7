//! Media playlists: segments, their durations and the encryption in force for each.

use super::encryption::{ActiveKey, Encryption};
use super::error::{HlsError, Location};
use super::input;
use super::key_line::aes128_uri_span;

/// A media playlist: the list of segments of one rendition.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MediaPlaylist {
    /// `#EXT-X-TARGETDURATION`, in seconds.
    pub target_duration: u64,
    /// `#EXT-X-MEDIA-SEQUENCE`: the sequence number of the first segment (0 when absent).
    pub media_sequence: u64,
    /// Whether `#EXT-X-ENDLIST` is present (no segment will be added: a VOD playlist).
    pub end_list: bool,
    /// The segments, in playback order.
    pub segments: Vec<Segment>,
}

/// One media segment.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Segment {
    /// The segment URI as written (resolve it with [`resolve_uri`](super::resolve_uri)).
    pub uri: String,
    /// `#EXTINF` duration, in seconds.
    pub duration: f64,
    /// The media sequence number: `media_sequence` plus the segment's index.
    pub sequence: u64,
    /// The encryption in force for this segment.
    pub encryption: Encryption,
}

/// Parses a media playlist.
///
/// Each segment gets the `#EXT-X-KEY` in force for it (the last one before it), with its IV:
/// the explicit `IV=0x…`, or else the segment's media sequence number (RFC 8216 §5.2).
///
/// Refused: a key method other than `AES-128`/`NONE`, a `KEYFORMAT` other than `identity`, an
/// AES-128 key without `URI`, a bad `IV`, a missing `#EXT-X-TARGETDURATION`, a segment without
/// a valid `#EXTINF`, and any line m3u8-rs would skip. Every `#EXT-X-KEY` line is checked, even
/// one after the last segment. A playlist cut inside a segment URI cannot be told from a live
/// playlist; [`MediaPlaylist::end_list`] says whether it is complete.
///
/// ```
/// use sdk_core::hls::{parse_media, Encryption};
///
/// let playlist = parse_media(
///     "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:7\n\
///      #EXT-X-KEY:METHOD=AES-128,URI=\"/video/key/job_1\"\n\
///      #EXTINF:6.0,\nhttps://cdn.example/chunk_0000.ts\n#EXT-X-ENDLIST\n",
/// )?;
/// let segment = &playlist.segments[0];
/// assert_eq!(segment.encryption.key_uri(), Some("/video/key/job_1"));
/// assert_eq!(segment.encryption.iv().map(|iv| iv[15]), Some(7));
/// # Ok::<(), sdk_core::hls::HlsError>(())
/// ```
pub fn parse_media(text: &str) -> Result<MediaPlaylist, HlsError> {
    let text = input::playlist_text(text)?;
    if m3u8_rs::is_master_playlist(text.as_bytes()) {
        return Err(HlsError::UnexpectedMaster);
    }
    for (index, line) in text.split_inclusive('\n').enumerate() {
        aes128_uri_span(line, Location::Line(index + 1))?;
    }
    let parsed = input::complete(text, m3u8_rs::parse_media_playlist(text.as_bytes()))?;
    check_every_extinf_has_a_segment(text, parsed.segments.len())?;
    if parsed.target_duration == 0 {
        return Err(HlsError::Malformed {
            at: None,
            detail: "missing or zero #EXT-X-TARGETDURATION".into(),
        });
    }

    let mut active = ActiveKey::None;
    let mut segments = Vec::with_capacity(parsed.segments.len());
    for (index, segment) in parsed.segments.iter().enumerate() {
        let at = Location::Segment(index);
        check_unreadable_header_tags(segment, at)?;
        active = key_in_force(segment, active, at)?;
        // m3u8-rs reads a tag glued to a value (`…:6#EXTINF:6`) and then takes the next line as
        // the URI even when it is a tag or a comment, which a player skips: refuse that.
        if segment.uri.trim().is_empty() || segment.uri.starts_with('#') {
            return Err(HlsError::Malformed {
                at: Some(at),
                detail: "a tag or comment stands where the segment URI line should be".into(),
            });
        }
        if !(segment.duration.is_finite() && segment.duration > 0.0) {
            return Err(HlsError::Malformed {
                at: Some(at),
                detail: "missing or invalid #EXTINF duration".into(),
            });
        }
        let sequence = u64::try_from(index)
            .ok()
            .and_then(|index| parsed.media_sequence.checked_add(index))
            .ok_or(HlsError::Malformed {
                at: Some(at),
                detail: "media sequence number overflows".into(),
            })?;
        segments.push(Segment {
            uri: segment.uri.clone(),
            duration: decimal_f64(segment.duration),
            sequence,
            encryption: active.for_segment(sequence),
        });
    }
    Ok(MediaPlaylist {
        target_duration: parsed.target_duration,
        media_sequence: parsed.media_sequence,
        end_list: parsed.end_list,
        segments,
    })
}

/// The key in force for `segment`, given the one in force before it.
///
/// m3u8-rs attaches a key tag only to the segment right after it (it does not carry it
/// forward), keeps only the last readable one, and files unreadable ones under unknown tags.
fn key_in_force(
    segment: &m3u8_rs::MediaSegment,
    previous: ActiveKey,
    at: Location,
) -> Result<ActiveKey, HlsError> {
    let mut unreadable = segment
        .unknown_tags
        .iter()
        .filter(|tag| tag.tag == "X-KEY")
        .map(|tag| ActiveKey::from_unparsed(tag.rest.as_deref(), at))
        .collect::<Result<Vec<_>, _>>()?;
    let readable = segment
        .key
        .as_ref()
        .map(|key| ActiveKey::from_parsed(key, at))
        .transpose()?;
    unreadable.extend(readable);
    let Some(first) = unreadable.first() else {
        return Ok(previous);
    };
    // The order between the two kinds of tag is lost, so they must agree.
    if unreadable.iter().any(|key| key != first) {
        return Err(HlsError::Malformed {
            at: Some(at),
            detail: "conflicting #EXT-X-KEY tags before one segment".into(),
        });
    }
    Ok(first.clone())
}

/// Header tags that m3u8-rs could not read end up as unknown tags of the first segment; the
/// media sequence feeds the IVs, so a silently ignored one would decrypt everything wrongly.
fn check_unreadable_header_tags(
    segment: &m3u8_rs::MediaSegment,
    at: Location,
) -> Result<(), HlsError> {
    for tag in &segment.unknown_tags {
        if matches!(
            tag.tag.as_str(),
            "X-TARGETDURATION" | "X-MEDIA-SEQUENCE" | "X-DISCONTINUITY-SEQUENCE"
        ) {
            return Err(HlsError::Malformed {
                at: Some(at),
                detail: format!("#EXT-{} is not a decimal integer", tag.tag),
            });
        }
    }
    Ok(())
}

/// m3u8-rs drops a trailing `#EXTINF` without a URI line (a truncated playlist) and may fold
/// lines into a malformed attribute list; either way fewer segments than `#EXTINF` tags remain.
fn check_every_extinf_has_a_segment(text: &str, segments: usize) -> Result<(), HlsError> {
    let mut extinf_lines = text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.trim_start().starts_with("#EXTINF"));
    match extinf_lines.nth(segments) {
        None => Ok(()),
        Some((index, _)) => Err(HlsError::Malformed {
            at: Some(Location::Line(index + 1)),
            detail: "#EXTINF without a segment URI (truncated playlist?)".into(),
        }),
    }
}

/// m3u8-rs reads durations as `f32`; widen through the shortest decimal form so `6.006` stays
/// `6.006` rather than `6.00600004196167`.
fn decimal_f64(value: f32) -> f64 {
    value.to_string().parse().unwrap_or(f64::from(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hls::IvSource;

    const HEADER: &str = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n";

    #[test]
    fn keys_carry_forward_until_the_next_key_tag() {
        let text = format!(
            "{HEADER}#EXT-X-MEDIA-SEQUENCE:10\n#EXT-X-KEY:METHOD=AES-128,URI=\"a\"\n\
             #EXTINF:6.006,\ns0.ts\n#EXTINF:6,\ns1.ts\n\
             #EXT-X-KEY:METHOD=NONE\n#EXTINF:6,\ns2.ts\n\
             #EXT-X-KEY:METHOD=AES-128,URI=\"b\",IV=0xff\n#EXTINF:6,\ns3.ts\n#EXT-X-ENDLIST\n"
        );
        let playlist = parse_media(&text).unwrap();
        let s = &playlist.segments;
        assert_eq!(s.len(), 4);
        assert_eq!(s[0].duration, 6.006);
        assert_eq!(s[1].encryption.key_uri(), Some("a"));
        assert_eq!(s[1].encryption.iv().unwrap()[15], 11);
        assert_eq!(s[1].sequence, 11);
        assert_eq!(s[2].encryption, Encryption::None);
        let Encryption::Aes128(key) = &s[3].encryption else {
            panic!("encrypted")
        };
        assert_eq!((key.uri.as_str(), key.iv[15]), ("b", 0xff));
        assert_eq!(key.iv_source, IvSource::Explicit);
        assert!(playlist.end_list);
    }

    #[test]
    fn fuzz_hls_a_tag_line_never_becomes_a_segment_uri() {
        // Found by the `hls_playlists` fuzz target: an #EXTINF glued to the end of another tag
        // was read, and the comment line after it became the segment's URI.
        for text in [
            "#EXTM3U\n#EXT-X-TARGETDURATION:6#EXTINF:6\n#E",
            "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.00#E\n#EXT-X-ME\n",
        ] {
            assert!(
                matches!(
                    parse_media(text),
                    Err(HlsError::Malformed { detail, .. }) if detail.contains("segment URI")
                ),
                "{text:?}: {:?}",
                parse_media(text)
            );
        }
    }

    #[test]
    fn a_trailing_extinf_without_uri_is_truncation() {
        let text = format!("{HEADER}#EXTINF:6,\ns0.ts\n#EXTINF:6,\n");
        assert_eq!(
            parse_media(&text),
            Err(HlsError::Malformed {
                at: Some(Location::Line(6)),
                detail: "#EXTINF without a segment URI (truncated playlist?)".into()
            })
        );
    }

    #[test]
    fn an_unreadable_media_sequence_is_not_silently_zero() {
        let text = format!("{HEADER}#EXT-X-MEDIA-SEQUENCE:x\n#EXTINF:6,\ns0.ts\n");
        assert!(matches!(
            parse_media(&text),
            Err(HlsError::Malformed { detail, .. }) if detail.contains("MEDIA-SEQUENCE")
        ));
    }

    #[test]
    fn header_requirements() {
        assert!(matches!(
            parse_media("#EXTM3U\n#EXTINF:6,\ns0.ts\n"),
            Err(HlsError::Malformed { detail, .. }) if detail.contains("TARGETDURATION")
        ));
        assert!(matches!(
            parse_media(&format!("{HEADER}#EXTINF:abc,\ns0.ts\n")),
            Err(HlsError::Malformed { detail, .. }) if detail.contains("EXTINF")
        ));
        assert!(parse_media(HEADER).unwrap().segments.is_empty());
    }

    #[test]
    fn conflicting_key_tags_before_one_segment_are_refused() {
        let text = format!(
            "{HEADER}#EXT-X-KEY:METHOD=NONE\n#EXT-X-KEY:METHOD=AES-128,URI=\"a\"\n#EXTINF:6,\ns0.ts\n"
        );
        assert!(matches!(
            parse_media(&text),
            Err(HlsError::Malformed { detail, .. }) if detail.contains("conflicting")
        ));
    }
}
