//! Recognising token-gated playback URLs and putting the current token into them.
//!
//! The player's loaders see the URLs hls.js resolved from the playlists, each carrying the
//! token that was current when its playlist was fetched; before every request they swap in the
//! token that is current now.

use std::fmt;

use crate::endpoint::segment;
use crate::model::VideoId;
use crate::secret::PlaybackToken;

/// Which playback route a URL points at.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlaybackUrlKind {
    /// `…/v1/video/playback/manifest/{token}/{jobId}/master.m3u8`
    Master,
    /// `…/v1/video/playback/manifest/{token}/{jobId}/{rendition}/index.m3u8`
    Media {
        /// The rendition path segment as written, e.g. `720p`.
        rendition: String,
    },
    /// `…/v1/video/playback/key/{token}/{jobId}`
    Key,
}

/// A token-gated playback URL: a master or media playlist, or the key route, under any origin
/// and path prefix, with or without a query string.
///
/// `Debug` redacts the token.
///
/// ```
/// use sdk_core::hls::{PlaybackUrl, PlaybackUrlKind};
/// use sdk_core::PlaybackToken;
///
/// let url = PlaybackUrl::parse(
///     "https://api.ansdev.cloud/v1/video/playback/manifest/old/job_1/720p/index.m3u8?x=1",
/// ).unwrap();
/// assert_eq!(url.kind(), &PlaybackUrlKind::Media { rendition: "720p".into() });
/// let fresh = PlaybackToken::new("new")?;
/// assert_eq!(
///     url.with_token(&fresh),
///     "https://api.ansdev.cloud/v1/video/playback/manifest/new/job_1/720p/index.m3u8?x=1",
/// );
/// # Ok::<(), sdk_core::BuildError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PlaybackUrl {
    url: String,
    /// Byte range of the token path segment in `url`.
    token: std::ops::Range<usize>,
    kind: PlaybackUrlKind,
    job_id: VideoId,
}

impl PlaybackUrl {
    /// Recognises a playback URL; `None` for anything else (never panics).
    #[must_use]
    pub fn parse(url: &str) -> Option<PlaybackUrl> {
        let path_end = url.find(['?', '#']).unwrap_or(url.len());
        let path = url.get(..path_end)?;
        // Read from the right: the token and the job id cannot hold a `/`, so the route's
        // shape is fixed from the end, whatever prefix the base URL has.
        let mut segments = path.rsplit('/');
        let last = segments.next()?;
        let (kind, job, token, route) = match last {
            "master.m3u8" => {
                let job = segments.next()?;
                let token = segments.next()?;
                (PlaybackUrlKind::Master, job, token, segments.next()?)
            }
            "index.m3u8" => {
                let rendition = segments.next()?;
                let job = segments.next()?;
                let token = segments.next()?;
                if rendition.is_empty() {
                    return None;
                }
                let kind = PlaybackUrlKind::Media {
                    rendition: rendition.to_owned(),
                };
                (kind, job, token, segments.next()?)
            }
            job => {
                let token = segments.next()?;
                (PlaybackUrlKind::Key, job, token, segments.next()?)
            }
        };
        let expected_route = match kind {
            PlaybackUrlKind::Key => "key",
            _ => "manifest",
        };
        let prefix_ok = route == expected_route
            && segments.next() == Some("playback")
            && segments.next() == Some("video")
            && segments.next() == Some("v1");
        if !prefix_ok || token.is_empty() {
            return None;
        }
        let job_id = VideoId::new(job).ok()?;
        // `token` is a sub-slice of `url`, so its offset is a plain pointer difference.
        let start = (token.as_ptr() as usize).checked_sub(url.as_ptr() as usize)?;
        Some(PlaybackUrl {
            url: url.to_owned(),
            token: start..start + token.len(),
            kind,
            job_id,
        })
    }

    /// Which route the URL points at.
    #[must_use]
    pub fn kind(&self) -> &PlaybackUrlKind {
        &self.kind
    }

    /// The video's job id from the URL.
    #[must_use]
    pub fn job_id(&self) -> &VideoId {
        &self.job_id
    }

    /// The same URL — origin, prefix, query and all — with `token` as its token segment.
    #[must_use]
    pub fn with_token(&self, token: &PlaybackToken) -> String {
        let before = self.url.get(..self.token.start).unwrap_or_default();
        let after = self.url.get(self.token.end..).unwrap_or_default();
        format!("{before}{}{after}", segment(token.expose_secret()))
    }
}

impl fmt::Debug for PlaybackUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let before = self.url.get(..self.token.start).unwrap_or_default();
        let after = self.url.get(self.token.end..).unwrap_or_default();
        f.debug_struct("PlaybackUrl")
            .field("url", &format_args!("{before}[redacted]{after}"))
            .field("kind", &self.kind)
            .field("job_id", &self.job_id)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "http://127.0.0.1:8787/v1/video/playback";

    #[test]
    fn recognises_the_three_routes() {
        let master = PlaybackUrl::parse(&format!("{BASE}/manifest/t/job/master.m3u8")).unwrap();
        assert_eq!(master.kind(), &PlaybackUrlKind::Master);
        assert_eq!(master.job_id().as_str(), "job");
        let key = PlaybackUrl::parse(&format!("{BASE}/key/t/job?x=1#f")).unwrap();
        assert_eq!(key.kind(), &PlaybackUrlKind::Key);
        assert_eq!(
            key.with_token(&PlaybackToken::new("u").unwrap()),
            format!("{BASE}/key/u/job?x=1#f")
        );
        let relative = PlaybackUrl::parse("/v1/video/playback/key/t/job").unwrap();
        assert_eq!(relative.kind(), &PlaybackUrlKind::Key);
    }

    #[test]
    fn refuses_other_shapes() {
        for url in [
            "",
            "/",
            "master.m3u8",
            &format!("{BASE}/manifest//job/master.m3u8"),
            &format!("{BASE}/manifest/t/job/master.m3u8/x"),
            &format!("{BASE}/key/t/job/master.m3u8"),
            &format!("{BASE}/manifest/t/job"),
            &format!("{BASE}/key/t/"),
            &format!("{BASE}/key/t/a%2Fb"),
            &format!("{BASE}/manifest/t/job//index.m3u8"),
            "http://h/v2/video/playback/key/t/job",
            "http://h/cdn/job/720p/chunk_0000.ts",
            "http://h/video/key/job",
        ] {
            assert_eq!(PlaybackUrl::parse(url), None, "{url:?}");
        }
    }

    #[test]
    fn debug_redacts_the_token() {
        let url = PlaybackUrl::parse(&format!("{BASE}/key/secret-token/job")).unwrap();
        let debug = format!("{url:?}");
        assert!(!debug.contains("secret-token"), "{debug}");
        assert!(debug.contains("/key/[redacted]/job"), "{debug}");
    }
}
