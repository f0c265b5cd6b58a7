//! `GET /v1/video`, `GET /v1/video/{videoId}`, `POST /v1/video/{videoId}/playback-token`.

use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::wiped::WipedString;
use super::{Auth, Endpoint, Route, build, segment};
use crate::api_key::ApiKey;
use crate::base_url::BaseUrl;
use crate::envelope::{Envelope, decode_json};
use crate::error::{BuildError, DecodeError, DecodeErrorKind, Error};
use crate::model::{MintedToken, Video, VideoId, VideoPage, VideoStatus};
use crate::rate_limit::RateLimit;
use crate::secret::PlaybackToken;

const JSON: &str = "application/json";

/// The query of `GET /v1/video`: page size, offset and an optional status filter.
///
/// ```
/// use sdk_core::{VideoStatus, endpoint::VideoQuery};
/// let query = VideoQuery::new().limit(50)?.offset(100).status(VideoStatus::Completed);
/// assert_eq!(query.to_query_string(), "limit=50&offset=100&status=COMPLETED");
/// assert!(VideoQuery::new().limit(0).is_err());
/// # Ok::<(), sdk_core::BuildError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VideoQuery {
    limit: Option<u32>,
    offset: Option<u64>,
    status: Option<VideoStatus>,
}

impl VideoQuery {
    /// Largest page the API serves.
    pub const MAX_LIMIT: u32 = 100;

    /// The first page with the API's default size (20), any status.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Page size, 1–100.
    pub fn limit(mut self, limit: u32) -> Result<Self, BuildError> {
        if !(1..=Self::MAX_LIMIT).contains(&limit) {
            return Err(BuildError::InvalidParameter {
                name: "limit",
                reason: format!("must be between 1 and 100, got {limit}"),
            });
        }
        self.limit = Some(limit);
        Ok(self)
    }

    /// Number of videos to skip.
    #[must_use]
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    /// Only videos with this status.
    #[must_use]
    pub fn status(mut self, status: VideoStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// The offset this query starts at.
    #[must_use]
    pub fn start(&self) -> u64 {
        self.offset.unwrap_or(0)
    }

    /// The query string (without `?`), empty for the defaults.
    #[must_use]
    pub fn to_query_string(&self) -> String {
        let mut query = Vec::new();
        if let Some(limit) = self.limit {
            query.push(format!("limit={limit}"));
        }
        if let Some(offset) = self.offset {
            query.push(format!("offset={offset}"));
        }
        if let Some(status) = &self.status {
            query.push(format!("status={}", segment(status.as_str())));
        }
        query.join("&")
    }
}

/// `GET /v1/video` — one page of the calling key's user's videos, newest first.
///
/// ```
/// use sdk_core::{ApiKey, BaseUrl, endpoint::{Endpoint, ListVideos, VideoQuery}};
/// let key: ApiKey = "ak_test_0123456789abcdef0123456789abcdef".parse()?;
/// let req = ListVideos::new(&key, VideoQuery::new().limit(50)?).to_request(&BaseUrl::production())?;
/// assert_eq!(req.uri(), "https://api.ansdev.cloud/v1/video?limit=50");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct ListVideos<'a> {
    key: &'a ApiKey,
    query: VideoQuery,
}

impl<'a> ListVideos<'a> {
    /// One page for `query`.
    #[must_use]
    pub fn new(key: &'a ApiKey, query: VideoQuery) -> Self {
        Self { key, query }
    }

    /// The query.
    #[must_use]
    pub fn query(&self) -> &VideoQuery {
        &self.query
    }
}

impl Endpoint for ListVideos<'_> {
    type Output = VideoPage;

    fn route(&self) -> Route {
        Route::ListVideos
    }

    fn to_request(&self, base: &BaseUrl) -> Result<Request<Bytes>, BuildError> {
        let mut url = base.join("/v1/video");
        let query = self.query.to_query_string();
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        build(Method::GET, url, Auth::ApiKey(self.key), JSON, None)
    }

    fn parse_response(&self, response: &Response<Bytes>) -> Result<VideoPage, Error> {
        decode_json(response, Envelope::Ansdev)
    }
}

/// `GET /v1/video/{videoId}` — one video (by public id or job UUID).
#[derive(Debug, Clone)]
pub struct GetVideo<'a> {
    key: &'a ApiKey,
    id: VideoId,
}

impl<'a> GetVideo<'a> {
    /// Gets one video.
    #[must_use]
    pub fn new(key: &'a ApiKey, id: VideoId) -> Self {
        Self { key, id }
    }
}

impl Endpoint for GetVideo<'_> {
    type Output = Video;

    fn route(&self) -> Route {
        Route::GetVideo
    }

    fn to_request(&self, base: &BaseUrl) -> Result<Request<Bytes>, BuildError> {
        let url = base.join(&format!("/v1/video/{}", segment(self.id.as_str())));
        build(Method::GET, url, Auth::ApiKey(self.key), JSON, None)
    }

    fn parse_response(&self, response: &Response<Bytes>) -> Result<Video, Error> {
        decode_json(response, Envelope::Ansdev)
    }
}

/// `POST /v1/video/{videoId}/playback-token` — mint a 5-minute playback token. The only
/// rate-limited route: the result carries the quota state.
///
/// ```
/// use sdk_core::{ApiKey, BaseUrl, VideoId, endpoint::{Endpoint, MintPlaybackToken}};
/// let key: ApiKey = "ak_live_0123456789abcdef0123456789abcdef".parse()?;
/// let req = MintPlaybackToken::new(&key, VideoId::new("vid_1")?).to_request(&BaseUrl::production())?;
/// assert_eq!(req.method(), "POST");
/// assert_eq!(req.headers()["content-length"], "0");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct MintPlaybackToken<'a> {
    key: &'a ApiKey,
    id: VideoId,
}

impl<'a> MintPlaybackToken<'a> {
    /// Mints a token for one video.
    #[must_use]
    pub fn new(key: &'a ApiKey, id: VideoId) -> Self {
        Self { key, id }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MintBody {
    // Wiped if decoding fails after them, or the token is refused.
    token: WipedString,
    expires_in: u64,
    #[serde(default)]
    player_url: Option<WipedString>,
}

impl Endpoint for MintPlaybackToken<'_> {
    type Output = MintedToken;

    fn route(&self) -> Route {
        Route::Mint
    }

    fn to_request(&self, base: &BaseUrl) -> Result<Request<Bytes>, BuildError> {
        let url = base.join(&format!(
            "/v1/video/{}/playback-token",
            segment(self.id.as_str())
        ));
        build(Method::POST, url, Auth::ApiKey(self.key), JSON, None)
    }

    fn parse_response(&self, response: &Response<Bytes>) -> Result<MintedToken, Error> {
        let mut body: MintBody = decode_json(response, Envelope::Ansdev)?;
        let status = Some(response.status());
        let token = PlaybackToken::new(body.token.take()).map_err(|_| {
            DecodeError::new(
                status,
                DecodeErrorKind::Field {
                    field: "data.token".into(),
                    reason: "not a URL-safe token".into(),
                },
            )
        })?;
        if body.expires_in == 0 {
            return Err(DecodeError::new(
                status,
                DecodeErrorKind::Field {
                    field: "data.expiresIn".into(),
                    reason: "must be positive".into(),
                },
            )
            .into());
        }
        Ok(MintedToken {
            token,
            expires_in: Duration::from_secs(body.expires_in),
            player_url: body
                .player_url
                .as_mut()
                .map(|url| Zeroizing::new(url.take())),
            // A malformed header must not throw away a token that already spent quota.
            rate_limit: RateLimit::from_headers(response.headers()),
        })
    }
}
