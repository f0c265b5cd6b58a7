//! The stable key URI the browser player sees, and its mapping to the tokenized key route.
//!
//! hls.js caches keys by URI. The key route carries the playback token in its path, so a
//! tokenized key URI would change on every token refresh and hls.js would fetch the key again
//! with each new media playlist (and, with a stale playlist, with an expired token). Playlists
//! therefore name the key by a URI that depends on the video only, and the key loader maps it
//! to the tokenized URL at the moment it loads.

use crate::base_url::BaseUrl;
use crate::endpoint::key_url;
use crate::model::VideoId;
use crate::secret::PlaybackToken;

use super::error::HlsError;

/// The scheme of stable key URIs.
pub const STABLE_KEY_SCHEME: &str = "ansdev-key";

const PREFIX: &str = "ansdev-key://";

/// The stable key URI of a video: `ansdev-key://{jobId}`.
///
/// Why a scheme of its own rather than an `https` URL: hls.js resolves a key URI against the
/// playlist URL (url-toolkit `buildAbsoluteURL`), and a reference with a scheme is already
/// absolute, so it comes back unchanged (its path is empty, so normalisation has nothing to
/// do). The job id sits in the authority, which accepts every character a [`VideoId`] may hold
/// (unreserved only). And a URI no HTTP loader can fetch makes a missing mapping fail loudly
/// at once instead of sending a key request without a token.
///
/// ```
/// use sdk_core::{hls, VideoId};
/// let job = VideoId::new("job_42")?;
/// assert_eq!(hls::stable_key_uri(&job), "ansdev-key://job_42");
/// assert_eq!(hls::parse_stable_key_uri("ansdev-key://job_42"), Some(job));
/// # Ok::<(), sdk_core::BuildError>(())
/// ```
#[must_use]
pub fn stable_key_uri(job_id: &VideoId) -> String {
    format!("{PREFIX}{}", job_id.as_str())
}

/// The job id of a stable key URI, or `None` when `uri` is not one.
#[must_use]
pub fn parse_stable_key_uri(uri: &str) -> Option<VideoId> {
    let rest = uri
        .get(..PREFIX.len())
        .filter(|scheme| scheme.eq_ignore_ascii_case(PREFIX))
        .and_then(|_| uri.get(PREFIX.len()..))?;
    VideoId::new(rest).ok()
}

/// The tokenized key-delivery URL (`…/v1/video/playback/key/{token}/{jobId}`) for a stable key
/// URI, built with the current token at load time.
pub fn key_delivery_url(
    base: &BaseUrl,
    token: &PlaybackToken,
    stable_uri: &str,
) -> Result<String, HlsError> {
    let job_id = parse_stable_key_uri(stable_uri).ok_or(HlsError::NotAStableKeyUri)?;
    Ok(key_url(base, token, &job_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_lookalikes() {
        let job = VideoId::new("3f1c-9a.b_~x").unwrap();
        assert_eq!(
            parse_stable_key_uri(&stable_key_uri(&job)),
            Some(job.clone())
        );
        assert_eq!(parse_stable_key_uri("ANSDEV-KEY://3f1c-9a.b_~x"), Some(job));
        for bad in [
            "",
            "ansdev-key://",
            "ansdev-key://a/b",
            "ansdev-key://a?x",
            "ansdev-key:/a",
            "https://ansdev-key://a",
            "/video/key/a",
            "ansdev-kéy://a",
        ] {
            assert_eq!(parse_stable_key_uri(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn maps_to_the_tokenized_key_route() {
        let base = BaseUrl::new("http://127.0.0.1:8787").unwrap();
        let token = PlaybackToken::new("tok.en-1").unwrap();
        assert_eq!(
            key_delivery_url(&base, &token, "ansdev-key://job_1").unwrap(),
            "http://127.0.0.1:8787/v1/video/playback/key/tok.en-1/job_1"
        );
        assert_eq!(
            key_delivery_url(&base, &token, "/video/key/job_1"),
            Err(HlsError::NotAStableKeyUri)
        );
    }
}
