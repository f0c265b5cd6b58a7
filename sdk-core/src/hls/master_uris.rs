//! The media playlists a multivariant playlist names: what a player prefetches.
//!
//! A line-level scan rather than [`parse_master`](super::parse_master): the browser player's
//! token-provider build has no playlist parser (m3u8-rs and nom are about half of its wasm, and
//! it has a gzipped size budget), and a prefetch list needs only the URIs. Nothing here decides
//! where a token goes: each URI is still checked by [`PlaybackUrl::parse`](super::PlaybackUrl).

/// The media playlist URIs `master_text` names, as written, in playlist order: the URI line of
/// each `#EXT-X-STREAM-INF` (a URI named twice comes twice). Left out: I-frame playlists (a
/// player does not prefetch them), `#EXT-X-MEDIA` renditions (the API's multivariant playlists
/// have none: one variant per rendition), and what the playlist parser would refuse — a URI
/// line that follows no `#EXT-X-STREAM-INF`. A prefetch list can only be short of something,
/// never wrong: what it misses is loaded on demand.
///
/// Resolve them against the master playlist's URL as the player does (hls.js uses the
/// platform's `URL`; [`resolve_uri`](super::resolve_uri) in Rust).
///
/// ```
/// use sdk_core::hls::media_playlist_uris;
///
/// let master = "#EXTM3U\n\
///     #EXT-X-STREAM-INF:BANDWIDTH=2800000\n720p/index.m3u8\n\
///     #EXT-X-STREAM-INF:BANDWIDTH=1400000\n480p/index.m3u8\n";
/// assert!(media_playlist_uris(master).eq(["720p/index.m3u8", "480p/index.m3u8"]));
/// ```
// An iterator, not a Vec: the browser player copies the URIs straight into a JS array.
pub fn media_playlist_uris(master_text: &str) -> impl Iterator<Item = &str> {
    let mut stream_inf_pending = false;
    master_text.lines().filter_map(move |line| {
        let line = line.trim();
        if line.starts_with("#EXT-X-STREAM-INF:") {
            stream_inf_pending = true;
            None
        } else if line.is_empty() || line.starts_with('#') {
            None
        } else {
            // A URI line belongs to the #EXT-X-STREAM-INF before it, or to nothing.
            std::mem::take(&mut stream_inf_pending).then_some(line)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_uris_in_playlist_order() {
        let master = "#EXTM3U\r\n\
            #EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"en\",URI=\"audio/index.m3u8\"\r\n\
            #EXT-X-STREAM-INF:BANDWIDTH=1,AUDIO=\"a\"\r\n \r\n 720p/index.m3u8 \r\n\
            #EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=1,URI=\"iframes.m3u8\"\r\n\
            #EXT-X-STREAM-INF:BANDWIDTH=2\r\n/elsewhere/480p/index.m3u8?x=1\r\n\
            #EXT-X-STREAM-INF:BANDWIDTH=3\r\n720p/index.m3u8\r\n";
        assert_eq!(
            media_playlist_uris(master).collect::<Vec<_>>(),
            [
                "720p/index.m3u8",
                "/elsewhere/480p/index.m3u8?x=1",
                "720p/index.m3u8"
            ]
        );
    }

    #[test]
    fn a_uri_line_that_follows_no_stream_inf_is_left_out() {
        // After another URI line, an I-frame tag, or an unknown tag.
        let stray = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\na.m3u8\nb.m3u8\n\
            #EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=2,URI=\"i.m3u8\"\nc.m3u8\n\
            #EXT-X-SSTREAM-INF:BANDWIDTH=2\nd.m3u8\n";
        assert!(media_playlist_uris(stray).eq(["a.m3u8"]));
        assert_eq!(media_playlist_uris("").count(), 0);
        assert_eq!(media_playlist_uris("<html>").count(), 0);
    }
}
