//! The key a player caches a playback answer under: its URL without the token.
//!
//! A prefetched playlist or key is fetched with the token current at the time; hls.js asks for
//! it later with whatever token its playlists named. Both name the same resource, so the cache
//! key is the URL with its token segment replaced by a fixed placeholder — decided by
//! [`PlaybackUrl::parse`], the same parser that decides where a token goes.

use crate::base_url::BaseUrl;
use crate::secret::PlaybackToken;

use super::key_uri::parse_stable_key_uri;
use super::playback_url::PlaybackUrl;

/// What stands for the token in a cache key: one URL-safe character no real token is.
const PLACEHOLDER: &str = "-";

/// The cache key of `url`, a playback URL of the API at `base` or a stable key URI: the URL
/// with its token replaced by `-` (so two tokens for one resource give one key), or the stable
/// key URI itself. `None` for any other URL, which a player neither authorizes nor caches.
///
/// ```
/// use sdk_core::BaseUrl;
/// use sdk_core::hls::cache_key;
///
/// let base = BaseUrl::new("https://api.ansdev.cloud")?;
/// let a = "https://api.ansdev.cloud/v1/video/playback/manifest/tok1/job_1/720p/index.m3u8";
/// let b = "https://api.ansdev.cloud/v1/video/playback/manifest/tok2/job_1/720p/index.m3u8";
/// assert_eq!(cache_key(&base, a), cache_key(&base, b));
/// assert_eq!(
///     cache_key(&base, a).as_deref(),
///     Some("https://api.ansdev.cloud/v1/video/playback/manifest/-/job_1/720p/index.m3u8"),
/// );
/// assert_eq!(cache_key(&base, "ansdev-key://job_1").as_deref(), Some("ansdev-key://job_1"));
/// assert_eq!(cache_key(&base, "https://cdn.example/seg0.ts"), None);
/// # Ok::<(), sdk_core::BuildError>(())
/// ```
#[must_use]
pub fn cache_key(base: &BaseUrl, url: &str) -> Option<String> {
    if parse_stable_key_uri(url).is_some() {
        return Some(url.to_owned());
    }
    let playback = PlaybackUrl::parse(base, url)?;
    let placeholder = PlaybackToken::new(PLACEHOLDER).ok()?;
    Some(playback.with_token(&placeholder))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> BaseUrl {
        BaseUrl::new("https://api.example/prefix").unwrap()
    }

    #[test]
    fn the_token_is_all_a_cache_key_leaves_out() {
        let url = |token: &str, tail: &str| {
            format!("https://api.example/prefix/v1/video/playback/{token}{tail}")
        };
        for (a, b) in [
            (
                url("manifest/t1", "/j1/master.m3u8"),
                url("manifest/t2", "/j1/master.m3u8"),
            ),
            (url("key/t1", "/j1"), url("key/t2", "/j1")),
            (
                url("manifest/t1", "/j1/720p/index.m3u8?x=1"),
                url("manifest/t2", "/j1/720p/index.m3u8?x=1"),
            ),
        ] {
            let key = cache_key(&base(), &a).unwrap();
            assert_eq!(Some(&key), cache_key(&base(), &b).as_ref());
            assert!(!key.contains("t1"), "{key}");
        }
        // Different resources, different keys.
        assert_ne!(
            cache_key(&base(), &url("manifest/t", "/j1/720p/index.m3u8")),
            cache_key(&base(), &url("manifest/t", "/j1/480p/index.m3u8")),
        );
        assert_ne!(
            cache_key(&base(), &url("manifest/t", "/j1/720p/index.m3u8?a")),
            cache_key(&base(), &url("manifest/t", "/j1/720p/index.m3u8?b")),
        );
    }

    #[test]
    fn urls_the_player_would_not_authorize_have_no_cache_key() {
        for url in [
            "https://evil.example/prefix/v1/video/playback/manifest/t/j1/master.m3u8",
            "https://api.example/v1/video/playback/manifest/t/j1/master.m3u8",
            "https://api.example/prefix/v1/video/playback/manifest/t/j1/seg0.ts",
            "720p/index.m3u8",
            "",
        ] {
            assert_eq!(cache_key(&base(), url), None, "{url}");
        }
    }
}
