//! The route patterns of the served API, named once: the router registers them, fault rules
//! are armed against them, and the journal and the request log report them (axum's
//! `MatchedPath` of the request is one of these strings).

/// `GET /v1/video`.
pub(crate) const LIST: &str = "/v1/video";
/// `GET /v1/video/{video_id}`.
pub(crate) const VIDEO: &str = "/v1/video/{video_id}";
/// `POST /v1/video/{video_id}/playback-token`.
pub(crate) const MINT: &str = "/v1/video/{video_id}/playback-token";
/// The multivariant playlist.
pub(crate) const MASTER: &str = "/v1/video/playback/manifest/{token}/{job_id}/master.m3u8";
/// A media playlist.
pub(crate) const MEDIA: &str =
    "/v1/video/playback/manifest/{token}/{job_id}/{rendition}/index.m3u8";
/// The token-gated key route.
pub(crate) const KEY: &str = "/v1/video/playback/key/{token}/{job_id}";
/// The dashboard's cookie key route.
pub(crate) const SESSION_KEY: &str = "/video/key/{job_id}";
/// A public CDN segment.
pub(crate) const SEGMENT: &str = "/cdn/{job_id}/{rendition}/{chunk}";
/// The hosted player page.
pub(crate) const PLAYER: &str = "/player/{video_id}";
/// The hosted player page's assets.
pub(crate) const PLAYER_ASSET: &str = "/player-assets/{*path}";
/// `POST` and `GET /v1/keys`.
pub(crate) const KEYS: &str = "/v1/keys";
/// `DELETE /v1/keys/{id}`.
pub(crate) const KEY_BY_ID: &str = "/v1/keys/{id}";

/// The routes a fault may be armed for by pattern: every route of the served API (not the
/// dev routes, which drive the faults, nor health and documents).
pub(crate) const FAULTABLE: &[&str] = &[
    LIST,
    VIDEO,
    MINT,
    MASTER,
    MEDIA,
    KEY,
    SESSION_KEY,
    SEGMENT,
    PLAYER,
    PLAYER_ASSET,
    KEYS,
    KEY_BY_ID,
];
