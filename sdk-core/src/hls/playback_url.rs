//! Recognising token-gated playback URLs of the configured API, and putting the current token
//! into them.
//!
//! The player's loaders see the URLs hls.js resolved from the playlists, each carrying the
//! token that was current when its playlist was fetched; before every request they swap in the
//! token that is current now.
//!
//! **A token goes only where it belongs.** [`PlaybackUrl::parse`] takes the [`BaseUrl`] and
//! recognises a URL only when its origin (scheme, host, port) is the base's and its path is
//! the base's path prefix followed by a playback route. A URL of the playback routes' shape on
//! any other origin — say, named by a hostile playlist — is not a `PlaybackUrl`: the front ends
//! load it untouched, as they load segments, so it carries no token of ours (only what its
//! author wrote into it). Refusing it with an error instead would break nothing the API
//! serves, but loading it as written is what a player does with every other foreign URL, and
//! it cannot leak anything. Key URIs are not affected: every `#EXT-X-KEY` is rewritten to the
//! stable key URI, which maps to the base's key route whatever origin the playlist named.
//!
//! The comparison refuses rather than interprets whatever a browser would read differently
//! from a plain split (userinfo, backslashes, control characters, `..` or percent-encoded
//! spellings of the prefix; see `under_base.rs`), so a URL it accepts is sent to the base.

use std::fmt;

use crate::base_url::BaseUrl;
use crate::endpoint::segment;
use crate::model::VideoId;
use crate::secret::PlaybackToken;

use super::under_base::path_under_base;

/// Which playback route a URL points at.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlaybackUrlKind {
    /// `{base}/v1/video/playback/manifest/{token}/{jobId}/master.m3u8`
    Master,
    /// `{base}/v1/video/playback/manifest/{token}/{jobId}/{rendition}/index.m3u8`
    Media {
        /// The rendition path segment as written, e.g. `720p`.
        rendition: String,
    },
    /// `{base}/v1/video/playback/key/{token}/{jobId}`
    Key,
}

/// A token-gated playback URL of the configured API: a master or media playlist, or the key
/// route, on the base's origin under its path prefix, with or without a query string.
///
/// `Debug` redacts the token.
///
/// ```
/// use sdk_core::hls::{PlaybackUrl, PlaybackUrlKind};
/// use sdk_core::{BaseUrl, PlaybackToken};
///
/// let base = BaseUrl::new("https://api.ansdev.cloud")?;
/// let url = PlaybackUrl::parse(
///     &base,
///     "https://api.ansdev.cloud/v1/video/playback/manifest/old/job_1/720p/index.m3u8?x=1",
/// ).unwrap();
/// assert_eq!(url.kind(), &PlaybackUrlKind::Media { rendition: "720p".into() });
/// let fresh = PlaybackToken::new("new")?;
/// assert_eq!(
///     url.with_token(&fresh),
///     "https://api.ansdev.cloud/v1/video/playback/manifest/new/job_1/720p/index.m3u8?x=1",
/// );
/// // The same shape on another origin is not ours: no token goes there.
/// let elsewhere = "https://evil.example/v1/video/playback/manifest/old/job_1/master.m3u8";
/// assert_eq!(PlaybackUrl::parse(&base, elsewhere), None);
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
    /// Recognises a playback URL of the API at `base`; `None` for anything else — other
    /// origins, other path prefixes, relative references, other routes (never panics).
    #[must_use]
    pub fn parse(base: &BaseUrl, url: &str) -> Option<PlaybackUrl> {
        let rest = path_under_base(base, url)?;
        let path_end = rest.find(['?', '#']).unwrap_or(rest.len());
        let route = rest.get(..path_end)?.strip_prefix("/v1/video/playback/")?;
        let mut segments = route.split('/');
        // Evaluated left to right: at most six segments are read.
        let shape = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        );
        let (kind, token, job) = match shape {
            (Some("manifest"), Some(token), Some(job), Some("master.m3u8"), None, _) => {
                (PlaybackUrlKind::Master, token, job)
            }
            (
                Some("manifest"),
                Some(token),
                Some(job),
                Some(rendition),
                Some("index.m3u8"),
                None,
            ) if VideoId::new(rendition).is_ok() => {
                // A rendition is held to the id alphabet (unreserved, never `.` or `..`).
                let kind = PlaybackUrlKind::Media {
                    rendition: rendition.to_owned(),
                };
                (kind, token, job)
            }
            (Some("key"), Some(token), Some(job), None, _, _) => (PlaybackUrlKind::Key, token, job),
            _ => return None,
        };
        if token.is_empty() {
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

    const API: &str = "http://127.0.0.1:8787";
    const BASE: &str = "http://127.0.0.1:8787/v1/video/playback";

    fn parse(url: &str) -> Option<PlaybackUrl> {
        PlaybackUrl::parse(&BaseUrl::new(API).unwrap(), url)
    }

    #[test]
    fn recognises_the_three_routes() {
        let master = parse(&format!("{BASE}/manifest/t/job/master.m3u8")).unwrap();
        assert_eq!(master.kind(), &PlaybackUrlKind::Master);
        assert_eq!(master.job_id().as_str(), "job");
        let media = parse(&format!("{BASE}/manifest/t/job/audio_en/index.m3u8")).unwrap();
        assert_eq!(
            media.kind(),
            &PlaybackUrlKind::Media {
                rendition: "audio_en".into()
            }
        );
        let key = parse(&format!("{BASE}/key/t/job?x=1#f")).unwrap();
        assert_eq!(key.kind(), &PlaybackUrlKind::Key);
        assert_eq!(
            key.with_token(&PlaybackToken::new("u").unwrap()),
            format!("{BASE}/key/u/job?x=1#f")
        );
    }

    #[test]
    fn refuses_other_shapes() {
        for url in [
            "",
            "/",
            "master.m3u8",
            "/v1/video/playback/key/t/job",
            &format!("{BASE}/manifest//job/master.m3u8"),
            &format!("{BASE}/manifest/t/job/master.m3u8/x"),
            &format!("{BASE}/key/t/job/master.m3u8"),
            &format!("{BASE}/manifest/t/job"),
            &format!("{BASE}/key/t/"),
            &format!("{BASE}/key/t/a%2Fb"),
            &format!("{BASE}/key/../job"),
            &format!("{BASE}/key/%2E%2e/job"),
            &format!("{BASE}/manifest/t/job//index.m3u8"),
            &format!("{BASE}/manifest/t/job/../index.m3u8"),
            &format!("{BASE}/manifest/t/job/a%2F..%2Fb/index.m3u8"),
            &format!("{BASE}/manifest/t/../master.m3u8"),
            &format!("{API}/v2/video/playback/key/t/job"),
            &format!("{API}/cdn/job/720p/chunk_0000.ts"),
            &format!("{API}/video/key/job"),
        ] {
            assert_eq!(parse(url), None, "{url:?}");
        }
    }

    #[test]
    fn debug_redacts_the_token() {
        let url = parse(&format!("{BASE}/key/secret-token/job")).unwrap();
        let debug = format!("{url:?}");
        assert!(!debug.contains("secret-token"), "{debug}");
        assert!(debug.contains("/key/[redacted]/job"), "{debug}");
    }
}
