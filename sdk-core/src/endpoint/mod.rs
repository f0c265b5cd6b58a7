//! Typed endpoints: each builds an `http::Request` and parses an `http::Response`, as pure
//! functions. Front ends send the request however they like and hand the response back.

mod keys;
mod playback;
mod videos;
mod wiped;

use bytes::Bytes;
use http::header;
use http::{Method, Request, Response, Uri};

use crate::api_key::ApiKey;
use crate::base_url::BaseUrl;
use crate::error::{BuildError, Error};
use crate::secret::UserToken;

pub use keys::{CreateApiKey, ListApiKeys, RevokeApiKey};
pub use playback::{
    FetchKey, FetchMasterPlaylist, FetchMediaPlaylist, FetchSegment, FetchSessionKey, key_url,
    master_playlist_url, media_playlist_url,
};
pub use videos::{GetVideo, ListVideos, MintPlaybackToken, VideoQuery};

/// The API-key header.
pub const API_KEY_HEADER: &str = "x-ansdev-key";

/// Which route an endpoint talks to (for retry rules, tracing, and fault injection tags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Route {
    /// `GET /v1/video`
    ListVideos,
    /// `GET /v1/video/{videoId}`
    GetVideo,
    /// `POST /v1/video/{videoId}/playback-token`
    Mint,
    /// `GET /v1/video/playback/manifest/{token}/{jobId}/master.m3u8`
    MasterPlaylist,
    /// `GET /v1/video/playback/manifest/{token}/{jobId}/{rendition}/index.m3u8`
    MediaPlaylist,
    /// `GET /v1/video/playback/key/{token}/{jobId}`
    Key,
    /// `GET /video/key/{jobId}` (cookie)
    SessionKey,
    /// `GET /cdn/{jobId}/{rendition}/chunk_NNNN.ts`
    Segment,
    /// `POST /v1/keys`
    CreateApiKey,
    /// `GET /v1/keys`
    ListApiKeys,
    /// `DELETE /v1/keys/{id}`
    RevokeApiKey,
}

impl Route {
    /// Whether sending the request twice is harmless, so any transient failure may be retried.
    /// Creating a key is not: it is retried only when the request surely never left.
    #[must_use]
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Route::CreateApiKey)
    }

    /// Whether a successful answer of this route holds a secret (a minted token, a new API key,
    /// an AES key): a front end wipes such a body once it has been decoded.
    #[must_use]
    pub fn response_holds_secret(self) -> bool {
        matches!(
            self,
            Route::Mint | Route::CreateApiKey | Route::Key | Route::SessionKey
        )
    }

    /// A short stable name (`"mint"`, `"key"`, …), as used in traces.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Route::ListVideos => "list",
            Route::GetVideo => "get",
            Route::Mint => "mint",
            Route::MasterPlaylist | Route::MediaPlaylist => "manifest",
            Route::Key | Route::SessionKey => "key",
            Route::Segment => "segment",
            Route::CreateApiKey => "keys.create",
            Route::ListApiKeys => "keys.list",
            Route::RevokeApiKey => "keys.revoke",
        }
    }
}

/// One API call: how to build its request and how to read its response.
pub trait Endpoint {
    /// What a successful response decodes to.
    type Output;

    /// The route this endpoint calls.
    fn route(&self) -> Route;

    /// Builds the request. Fails before anything is sent when a value is invalid.
    fn to_request(&self, base: &BaseUrl) -> Result<Request<Bytes>, BuildError>;

    /// Decodes the response (any status) into the output or the typed error.
    fn parse_response(&self, response: &Response<Bytes>) -> Result<Self::Output, Error>;
}

/// How a request authenticates.
pub(crate) enum Auth<'a> {
    None,
    ApiKey(&'a ApiKey),
    Bearer(&'a UserToken),
    SessionCookie(&'a UserToken),
}

/// Builds a request with the auth header marked sensitive, and `Content-Length: 0` on bodyless
/// POSTs (the API's front end answers 411 without it). The auth header's bytes are wiped when the
/// request is dropped (see [`wiped`]).
pub(crate) fn build<U>(
    method: Method,
    url: U,
    auth: Auth<'_>,
    accept: &'static str,
    json_body: Option<Vec<u8>>,
) -> Result<Request<Bytes>, BuildError>
where
    Uri: TryFrom<U>,
    <Uri as TryFrom<U>>::Error: Into<http::Error>,
{
    let mut builder = Request::builder()
        .method(method.clone())
        .uri(url)
        .header(header::ACCEPT, accept);
    match auth {
        Auth::None => {}
        Auth::ApiKey(key) => {
            let value = wiped::header_value(&[key.expose_secret().as_bytes()])?;
            builder = builder.header(API_KEY_HEADER, value);
        }
        Auth::Bearer(token) => {
            let value = wiped::header_value(&[b"Bearer ", token.expose_secret().as_bytes()])?;
            builder = builder.header(header::AUTHORIZATION, value);
        }
        Auth::SessionCookie(token) => {
            let value =
                wiped::header_value(&[b"ansdev_session=", token.expose_secret().as_bytes()])?;
            builder = builder.header(header::COOKIE, value);
        }
    }
    let body = match json_body {
        Some(json) => {
            builder = builder
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CONTENT_LENGTH, json.len());
            Bytes::from(json)
        }
        None => {
            if method == Method::POST || method == Method::PUT || method == Method::PATCH {
                builder = builder.header(header::CONTENT_LENGTH, 0);
            }
            Bytes::new()
        }
    };
    builder.body(body).map_err(|_| BuildError::InvalidBaseUrl {
        reason: "the resulting URL is not a valid URI",
    })
}

/// Percent-encodes a path segment: every byte but RFC 3986's unreserved characters
/// (`A-Z a-z 0-9 - _ . ~`) becomes `%XX`. Ids are validated to unreserved characters already;
/// this is defence in depth for values such as rendition names. Written here rather than with
/// the `percent-encoding` crate, whose 768-byte lookup table costs the browser package about
/// 400 bytes gzipped.
pub(crate) fn segment(s: &str) -> Segment<'_> {
    Segment(s)
}

/// A path segment that prints percent-encoded (see [`segment`]).
pub(crate) struct Segment<'a>(&'a str);

impl std::fmt::Display for Segment<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write;
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        for byte in self.0.bytes() {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
                f.write_char(char::from(byte))?;
            } else {
                f.write_char('%')?;
                f.write_char(char::from(HEX[usize::from(byte >> 4)]))?;
                f.write_char(char::from(HEX[usize::from(byte & 0x0f)]))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod segment_tests {
    use super::segment;

    #[test]
    fn unreserved_characters_stay_and_every_other_byte_is_percent_encoded() {
        assert_eq!(segment("Az09-_.~").to_string(), "Az09-_.~");
        assert_eq!(segment("a b/c?d#e%").to_string(), "a%20b%2Fc%3Fd%23e%25");
        assert_eq!(segment("é").to_string(), "%C3%A9");
        assert_eq!(segment("\u{0}\u{7f}").to_string(), "%00%7F");
    }
}
