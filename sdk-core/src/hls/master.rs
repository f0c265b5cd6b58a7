//! Multivariant (master) playlists: the renditions of a video.

use std::fmt;

use super::error::{HlsError, Location};
use super::input;

/// A multivariant (master) playlist: one variant per rendition.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MasterPlaylist {
    /// The variants (`#EXT-X-STREAM-INF`), in playlist order. I-frame-only variants are left
    /// out: they are not playable renditions.
    pub variants: Vec<Variant>,
}

/// One variant stream: a rendition's media playlist and what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Variant {
    /// The media playlist URI as written, e.g. `720p/index.m3u8`.
    pub uri: String,
    /// `BANDWIDTH`, in bits per second.
    pub bandwidth: u64,
    /// `RESOLUTION`, when given.
    pub resolution: Option<Resolution>,
    /// `CODECS`, when given, e.g. `avc1.42e01e,mp4a.40.2`.
    pub codecs: Option<String>,
    /// The rendition name: the directory holding the media playlist — for the contract's
    /// relative `{rendition}/index.m3u8` its first path segment (`720p/index.m3u8` → `720p`).
    /// `None` when the URI names no directory.
    pub rendition: Option<String>,
}

/// A video resolution in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Resolution {
    /// Width in pixels.
    pub width: u64,
    /// Height in pixels.
    pub height: u64,
}

impl fmt::Display for Resolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

/// Parses a multivariant (master) playlist.
///
/// ```
/// use sdk_core::hls::parse_master;
///
/// let master = parse_master(
///     "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=2800000,RESOLUTION=1280x720\n720p/index.m3u8\n",
/// )?;
/// assert_eq!(master.variants[0].rendition.as_deref(), Some("720p"));
/// assert_eq!(master.variants[0].resolution.map(|r| r.height), Some(720));
/// # Ok::<(), sdk_core::hls::HlsError>(())
/// ```
pub fn parse_master(text: &str) -> Result<MasterPlaylist, HlsError> {
    let text = input::playlist_text(text)?;
    if !m3u8_rs::is_master_playlist(text.as_bytes()) {
        return Err(if looks_like_media(text) {
            HlsError::UnexpectedMedia
        } else {
            no_variants()
        });
    }
    let parsed = input::complete(text, m3u8_rs::parse_master_playlist(text.as_bytes()))?;
    // m3u8-rs files an #EXT-X-STREAM-INF it cannot build (no BANDWIDTH, a bad RESOLUTION) as
    // an unknown tag and then gives the next URI line to the previous variant: refuse that.
    if parsed.unknown_tags.iter().any(|t| t.tag == "X-STREAM-INF") {
        return Err(HlsError::Malformed {
            at: None,
            detail: "an #EXT-X-STREAM-INF could not be read (BANDWIDTH missing or an attribute \
                     malformed)"
                .into(),
        });
    }
    let mut variants = Vec::new();
    for (index, variant) in parsed.variants.iter().filter(|v| !v.is_i_frame).enumerate() {
        if variant.uri.trim().is_empty() {
            return Err(HlsError::Malformed {
                at: None,
                detail: format!("variant #{index} has no URI line"),
            });
        }
        variants.push(Variant {
            uri: variant.uri.clone(),
            bandwidth: variant.bandwidth,
            resolution: variant.resolution.map(|r| Resolution {
                width: r.width,
                height: r.height,
            }),
            codecs: variant.codecs.clone(),
            rendition: rendition_of(&variant.uri),
        });
    }
    if variants.is_empty() {
        return Err(no_variants());
    }
    let uri_lines = stream_uri_lines(text)?;
    if !variants.iter().map(|v| v.uri.trim()).eq(uri_lines) {
        return Err(HlsError::Malformed {
            at: None,
            detail: "the variants do not match the playlist's URI lines".into(),
        });
    }
    Ok(MasterPlaylist { variants })
}

fn no_variants() -> HlsError {
    HlsError::Malformed {
        at: None,
        detail: "no #EXT-X-STREAM-INF variant".into(),
    }
}

/// The URI lines of a multivariant playlist, in order, each checked to have an
/// `#EXT-X-STREAM-INF` since the URI line before it.
///
/// m3u8-rs gives every URI line to the variant it read last, so a stray one (after an
/// `#EXT-X-I-FRAME-STREAM-INF` or an unknown tag) would silently replace a real variant's URI.
fn stream_uri_lines(text: &str) -> Result<Vec<&str>, HlsError> {
    let mut stream_inf_pending = false;
    let mut uris = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.starts_with("#EXT-X-STREAM-INF:") {
            stream_inf_pending = true;
        } else if !line.is_empty() && !line.starts_with('#') {
            if !stream_inf_pending {
                return Err(HlsError::Malformed {
                    at: Some(Location::Line(index + 1)),
                    detail: "a URI line that follows no #EXT-X-STREAM-INF".into(),
                });
            }
            stream_inf_pending = false;
            uris.push(line);
        }
    }
    Ok(uris)
}

/// Whether the text reads as a media playlist (to tell "wrong kind" from "empty").
fn looks_like_media(text: &str) -> bool {
    matches!(
        m3u8_rs::parse_media_playlist(text.as_bytes()),
        Ok((_, media)) if media.target_duration > 0 || !media.segments.is_empty()
    )
}

/// The directory segment right before the file name, without query or fragment.
fn rendition_of(uri: &str) -> Option<String> {
    let path = uri.split(['?', '#']).next().unwrap_or_default();
    let mut segments = path.rsplit('/');
    let _file = segments.next();
    segments
        .next()
        .filter(|dir| !dir.is_empty() && *dir != "." && *dir != ".." && !dir.contains(':'))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renditions_come_from_the_playlist_directory() {
        assert_eq!(rendition_of("720p/index.m3u8").as_deref(), Some("720p"));
        assert_eq!(
            rendition_of("/a/480p/index.m3u8?x=1").as_deref(),
            Some("480p")
        );
        assert_eq!(
            rendition_of("https://h/v1/video/playback/manifest/t/j/720p/index.m3u8").as_deref(),
            Some("720p")
        );
        assert_eq!(rendition_of("index.m3u8"), None);
        assert_eq!(rendition_of("./index.m3u8"), None);
        assert_eq!(rendition_of("https:index.m3u8"), None);
    }

    #[test]
    fn fuzz_hls_a_stray_uri_line_never_replaces_a_variant_uri() {
        // Found by the `hls_playlists` fuzz target: a URI line after an unknown tag replaced the
        // URI of the variant before it; after an I-frame stream tag it does the same.
        for text in [
            "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n720p/index.m3u8\n\
             #EXT-X-SSTREAM-INF:BANDWIDTH=2\nhttps://evil.example/x.m3u8\n",
            "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n720p/index.m3u8\n\
             #EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=2,URI=\"i.m3u8\"\nhttps://evil.example/x.m3u8\n",
        ] {
            assert_eq!(
                parse_master(text),
                Err(HlsError::Malformed {
                    at: Some(Location::Line(5)),
                    detail: "a URI line that follows no #EXT-X-STREAM-INF".into()
                }),
                "{text:?}"
            );
        }
        let fine = "#EXTM3U\n#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=2,URI=\"i.m3u8\"\n\
                    #EXT-X-STREAM-INF:BANDWIDTH=1\n# a comment\n\n720p/index.m3u8\n";
        assert_eq!(
            parse_master(fine).unwrap().variants[0].uri,
            "720p/index.m3u8"
        );
    }

    #[test]
    fn a_variant_without_bandwidth_is_refused() {
        let text = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na/i.m3u8\n\
                    #EXT-X-STREAM-INF:RESOLUTION=1x1\nb/i.m3u8\n";
        assert!(matches!(
            parse_master(text),
            Err(HlsError::Malformed { detail, .. }) if detail.contains("STREAM-INF")
        ));
    }

    #[test]
    fn empty_and_media_inputs() {
        assert!(matches!(
            parse_master("#EXTM3U\n"),
            Err(HlsError::Malformed { .. })
        ));
        assert_eq!(
            parse_master("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\ns.ts\n"),
            Err(HlsError::UnexpectedMedia)
        );
        let iframes_only = "#EXTM3U\n#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI=\"i.m3u8\"\n";
        assert!(matches!(
            parse_master(iframes_only),
            Err(HlsError::Malformed { .. })
        ));
    }
}
