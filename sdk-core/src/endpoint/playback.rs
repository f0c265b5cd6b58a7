//! The token-gated playback routes: playlists and key delivery, plus public segments.

use bytes::Bytes;
use http::{Method, Request, Response};
use zeroize::Zeroizing;

use super::{Auth, Endpoint, Route, build, segment, wiped};
use crate::base_url::BaseUrl;
use crate::envelope::decode_error_response;
use crate::error::{BuildError, DecodeError, DecodeErrorKind, Error};
use crate::model::VideoId;
use crate::secret::{AesKey, PlaybackToken, UserToken};

const PLAYLIST: &str = "application/vnd.apple.mpegurl";
const OCTETS: &str = "application/octet-stream";

// A token is never percent-encoded: `PlaybackToken::new` admits only unreserved characters, so
// it goes into a path as it is, with no intermediate (unwiped) encoded copy. Video ids are
// restricted the same way; renditions are encoded.

/// The pieces of the master playlist's path after the base URL.
fn master_parts<'a>(token: &'a PlaybackToken, job_id: &'a VideoId) -> [&'a str; 5] {
    [
        "/v1/video/playback/manifest/",
        token.expose_secret(),
        "/",
        job_id.as_str(),
        "/master.m3u8",
    ]
}

fn media_parts<'a>(
    token: &'a PlaybackToken,
    job_id: &'a VideoId,
    rendition: &'a str,
) -> [&'a str; 7] {
    [
        "/v1/video/playback/manifest/",
        token.expose_secret(),
        "/",
        job_id.as_str(),
        "/",
        rendition,
        "/index.m3u8",
    ]
}

fn key_parts<'a>(token: &'a PlaybackToken, job_id: &'a VideoId) -> [&'a str; 4] {
    [
        "/v1/video/playback/key/",
        token.expose_secret(),
        "/",
        job_id.as_str(),
    ]
}

/// `base` followed by `parts`, as a `String` the caller owns (and should wipe: it holds the
/// token).
fn url_string(base: &BaseUrl, parts: &[&str]) -> String {
    let mut all = Vec::with_capacity(parts.len() + 1);
    all.push(base.as_str());
    all.extend_from_slice(parts);
    wiped::string(&all)
}

/// `base` followed by `parts`, as a URI whose buffer is wiped when the request is dropped.
fn url_uri(base: &BaseUrl, parts: &[&str]) -> Result<http::Uri, BuildError> {
    let mut all = Vec::with_capacity(parts.len() + 1);
    all.push(base.as_str());
    all.extend_from_slice(parts);
    wiped::uri(&all)
}

/// URL of a video's multivariant (master) playlist for a token. The string holds the token:
/// wipe it when done (e.g. keep it in a `zeroize::Zeroizing`).
#[must_use]
pub fn master_playlist_url(base: &BaseUrl, token: &PlaybackToken, job_id: &VideoId) -> String {
    url_string(base, &master_parts(token, job_id))
}

/// URL of one rendition's media playlist for a token. The string holds the token: wipe it when
/// done.
#[must_use]
pub fn media_playlist_url(
    base: &BaseUrl,
    token: &PlaybackToken,
    job_id: &VideoId,
    rendition: &str,
) -> String {
    let rendition = segment(rendition).to_string();
    url_string(base, &media_parts(token, job_id, &rendition))
}

/// URL of the JWT-authenticated key-delivery route for a token. The string holds the token:
/// wipe it when done.
#[must_use]
pub fn key_url(base: &BaseUrl, token: &PlaybackToken, job_id: &VideoId) -> String {
    url_string(base, &key_parts(token, job_id))
}

fn text_body(response: &Response<Bytes>) -> Result<String, Error> {
    if !response.status().is_success() {
        return Err(decode_error_response(response));
    }
    String::from_utf8(response.body().to_vec()).map_err(|_| {
        DecodeError::new(
            Some(response.status()),
            DecodeErrorKind::Body("playlist is not UTF-8".into()),
        )
        .into()
    })
}

fn key_body(response: &Response<Bytes>) -> Result<AesKey, Error> {
    if !response.status().is_success() {
        return Err(decode_error_response(response));
    }
    let bytes: [u8; 16] = response.body().as_ref().try_into().map_err(|_| {
        DecodeError::new(
            Some(response.status()),
            DecodeErrorKind::Body(format!(
                "an AES-128 key is 16 bytes, got {}",
                response.body().len()
            )),
        )
    })?;
    Ok(AesKey::new(bytes))
}

/// `GET …/manifest/{token}/{jobId}/master.m3u8` — the multivariant playlist as text.
#[derive(Debug, Clone)]
pub struct FetchMasterPlaylist<'a> {
    token: &'a PlaybackToken,
    job_id: &'a VideoId,
}

impl<'a> FetchMasterPlaylist<'a> {
    /// The master playlist of `job_id`, authorised by `token`.
    #[must_use]
    pub fn new(token: &'a PlaybackToken, job_id: &'a VideoId) -> Self {
        Self { token, job_id }
    }
}

impl Endpoint for FetchMasterPlaylist<'_> {
    type Output = String;
    fn route(&self) -> Route {
        Route::MasterPlaylist
    }
    fn to_request(&self, base: &BaseUrl) -> Result<Request<Bytes>, BuildError> {
        let url = url_uri(base, &master_parts(self.token, self.job_id))?;
        build(Method::GET, url, Auth::None, PLAYLIST, None)
    }
    fn parse_response(&self, response: &Response<Bytes>) -> Result<String, Error> {
        text_body(response)
    }
}

/// `GET …/manifest/{token}/{jobId}/{rendition}/index.m3u8` — one media playlist as text.
#[derive(Debug, Clone)]
pub struct FetchMediaPlaylist<'a> {
    token: &'a PlaybackToken,
    job_id: &'a VideoId,
    rendition: &'a str,
}

impl<'a> FetchMediaPlaylist<'a> {
    /// The media playlist of one rendition (e.g. `"720p"`).
    #[must_use]
    pub fn new(token: &'a PlaybackToken, job_id: &'a VideoId, rendition: &'a str) -> Self {
        Self {
            token,
            job_id,
            rendition,
        }
    }
}

impl Endpoint for FetchMediaPlaylist<'_> {
    type Output = String;
    fn route(&self) -> Route {
        Route::MediaPlaylist
    }
    fn to_request(&self, base: &BaseUrl) -> Result<Request<Bytes>, BuildError> {
        if self.rendition.is_empty() || self.rendition.len() > 32 {
            return Err(BuildError::InvalidParameter {
                name: "rendition",
                reason: "must be 1 to 32 characters".into(),
            });
        }
        let rendition = segment(self.rendition).to_string();
        let url = url_uri(base, &media_parts(self.token, self.job_id, &rendition))?;
        build(Method::GET, url, Auth::None, PLAYLIST, None)
    }
    fn parse_response(&self, response: &Response<Bytes>) -> Result<String, Error> {
        text_body(response)
    }
}

/// `GET /v1/video/playback/key/{token}/{jobId}` — the raw 16-byte AES key.
#[derive(Debug, Clone)]
pub struct FetchKey<'a> {
    token: &'a PlaybackToken,
    job_id: &'a VideoId,
}

impl<'a> FetchKey<'a> {
    /// The content key of `job_id`, authorised by `token`.
    #[must_use]
    pub fn new(token: &'a PlaybackToken, job_id: &'a VideoId) -> Self {
        Self { token, job_id }
    }
}

impl Endpoint for FetchKey<'_> {
    type Output = AesKey;
    fn route(&self) -> Route {
        Route::Key
    }
    fn to_request(&self, base: &BaseUrl) -> Result<Request<Bytes>, BuildError> {
        let url = url_uri(base, &key_parts(self.token, self.job_id))?;
        build(Method::GET, url, Auth::None, OCTETS, None)
    }
    fn parse_response(&self, response: &Response<Bytes>) -> Result<AesKey, Error> {
        key_body(response)
    }
}

/// `GET /video/key/{jobId}` — the dashboard's cookie-authenticated key route.
#[derive(Debug, Clone)]
pub struct FetchSessionKey<'a> {
    session: &'a UserToken,
    job_id: &'a VideoId,
}

impl<'a> FetchSessionKey<'a> {
    /// The content key of `job_id` for the signed-in owner.
    #[must_use]
    pub fn new(session: &'a UserToken, job_id: &'a VideoId) -> Self {
        Self { session, job_id }
    }
}

impl Endpoint for FetchSessionKey<'_> {
    type Output = AesKey;
    fn route(&self) -> Route {
        Route::SessionKey
    }
    fn to_request(&self, base: &BaseUrl) -> Result<Request<Bytes>, BuildError> {
        let url = base.join(&format!("/video/key/{}", segment(self.job_id.as_str())));
        build(
            Method::GET,
            url,
            Auth::SessionCookie(self.session),
            OCTETS,
            None,
        )
    }
    fn parse_response(&self, response: &Response<Bytes>) -> Result<AesKey, Error> {
        key_body(response)
    }
}

/// `GET` of a segment URL taken from a media playlist (public, no token — unless the playlist
/// listed it relative to its own tokenized URL, which is why the URL is wiped on drop and never
/// printed).
#[derive(Clone)]
pub struct FetchSegment {
    url: Zeroizing<String>,
}

impl FetchSegment {
    /// A segment at an absolute URL (as listed in the media playlist).
    #[must_use]
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: Zeroizing::new(url.into()),
        }
    }
}

impl std::fmt::Debug for FetchSegment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FetchSegment").finish_non_exhaustive()
    }
}

impl Endpoint for FetchSegment {
    type Output = Bytes;
    fn route(&self) -> Route {
        Route::Segment
    }
    fn to_request(&self, _base: &BaseUrl) -> Result<Request<Bytes>, BuildError> {
        if !(self.url.starts_with("http://") || self.url.starts_with("https://")) {
            return Err(BuildError::InvalidParameter {
                name: "segment url",
                reason: "must be an absolute http(s) URL".into(),
            });
        }
        let url = wiped::uri(&[self.url.as_str()])?;
        build(Method::GET, url, Auth::None, "video/mp2t", None)
    }
    fn parse_response(&self, response: &Response<Bytes>) -> Result<Bytes, Error> {
        if !response.status().is_success() {
            return Err(decode_error_response(response));
        }
        Ok(response.body().clone())
    }
}
