//! The token-gated playback routes: playlists and key delivery, plus public segments.

use bytes::Bytes;
use http::{Method, Request, Response};

use super::{Auth, Endpoint, Route, build, segment};
use crate::base_url::BaseUrl;
use crate::envelope::decode_error_response;
use crate::error::{BuildError, DecodeError, DecodeErrorKind, Error};
use crate::model::VideoId;
use crate::secret::{AesKey, PlaybackToken, UserToken};

const PLAYLIST: &str = "application/vnd.apple.mpegurl";
const OCTETS: &str = "application/octet-stream";

/// URL of a video's multivariant (master) playlist for a token.
#[must_use]
pub fn master_playlist_url(base: &BaseUrl, token: &PlaybackToken, job_id: &VideoId) -> String {
    base.join(&format!(
        "/v1/video/playback/manifest/{}/{}/master.m3u8",
        segment(token.expose_secret()),
        segment(job_id.as_str())
    ))
}

/// URL of one rendition's media playlist for a token.
#[must_use]
pub fn media_playlist_url(
    base: &BaseUrl,
    token: &PlaybackToken,
    job_id: &VideoId,
    rendition: &str,
) -> String {
    base.join(&format!(
        "/v1/video/playback/manifest/{}/{}/{}/index.m3u8",
        segment(token.expose_secret()),
        segment(job_id.as_str()),
        segment(rendition)
    ))
}

/// URL of the JWT-authenticated key-delivery route for a token.
#[must_use]
pub fn key_url(base: &BaseUrl, token: &PlaybackToken, job_id: &VideoId) -> String {
    base.join(&format!(
        "/v1/video/playback/key/{}/{}",
        segment(token.expose_secret()),
        segment(job_id.as_str())
    ))
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
        let url = master_playlist_url(base, self.token, self.job_id);
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
        let url = media_playlist_url(base, self.token, self.job_id, self.rendition);
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
        build(
            Method::GET,
            key_url(base, self.token, self.job_id),
            Auth::None,
            OCTETS,
            None,
        )
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

/// `GET` of a segment URL taken from a media playlist (public, no token).
#[derive(Debug, Clone)]
pub struct FetchSegment {
    url: String,
}

impl FetchSegment {
    /// A segment at an absolute URL (as listed in the media playlist).
    #[must_use]
    pub fn new(url: impl Into<String>) -> Self {
        Self { url: url.into() }
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
        build(
            Method::GET,
            self.url.clone(),
            Auth::None,
            "video/mp2t",
            None,
        )
    }
    fn parse_response(&self, response: &Response<Bytes>) -> Result<Bytes, Error> {
        if !response.status().is_success() {
            return Err(decode_error_response(response));
        }
        Ok(response.body().clone())
    }
}
