//! A token endpoint for axum apps: the browser player's token provider calls it, so the API key
//! stays on the server.
//!
//! ```no_run
//! use sdk_native::token_endpoint::{SharePolicy, TokenEndpoint};
//! # async fn run(client: sdk_native::Client) -> std::io::Result<()> {
//! let app = axum::Router::new().nest(
//!     "/playback-token",
//!     TokenEndpoint::new(client)
//!         .policy(SharePolicy::Shared)
//!         // Decide here who may watch what (session cookie, entitlement, …).
//!         .allow(|video| video.as_str().starts_with("vid_"))
//!         .router(),
//! );
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app).await
//! # }
//! ```
//!
//! `GET {mount}/{videoId}` answers `{"token": "…", "expiresIn": 287}` where `expiresIn` is the
//! token's remaining life in seconds, which is what the browser SDK's token provider returns.
//! Errors answer `{"error": {"code", "message", "retryable"}}` with the API's status (or 502 for
//! transport failures), and `Retry-After` when the daily quota is used up.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use sdk_core::{Error, VideoId};
use serde_json::json;

use crate::{Client, PlaybackSession};

/// Whether viewers of the same video share tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SharePolicy {
    /// Viewers of one video share the current token while it has more than the refresh margin
    /// left: one mint serves every viewer in that window (the quota-friendly default).
    #[default]
    Shared,
    /// Every request mints a token of its own (a leaked token then names one viewer).
    PerViewer,
}

type Allow = Arc<dyn Fn(&VideoId) -> bool + Send + Sync>;

/// The endpoint's configuration; [`router`](Self::router) turns it into an axum `Router`.
#[derive(Clone)]
pub struct TokenEndpoint {
    client: Client,
    policy: SharePolicy,
    allow: Allow,
    sessions: Arc<Mutex<HashMap<VideoId, PlaybackSession>>>,
}

impl fmt::Debug for TokenEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenEndpoint")
            .field("client", &self.client)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl TokenEndpoint {
    /// Mints with `client`'s API key. Every video is allowed until [`allow`](Self::allow) says
    /// otherwise.
    #[must_use]
    pub fn new(client: Client) -> Self {
        Self {
            client,
            policy: SharePolicy::default(),
            allow: Arc::new(|_| true),
            sessions: Arc::default(),
        }
    }

    /// Sets the sharing policy.
    #[must_use]
    pub fn policy(mut self, policy: SharePolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Only videos for which `allow` returns true get tokens; others answer 404.
    #[must_use]
    pub fn allow(mut self, allow: impl Fn(&VideoId) -> bool + Send + Sync + 'static) -> Self {
        self.allow = Arc::new(allow);
        self
    }

    /// The routes: `GET /{videoId}`.
    pub fn router(self) -> Router {
        Router::new()
            .route("/{video_id}", get(token))
            .with_state(self)
    }

    async fn issue(&self, video: VideoId) -> Result<(String, u64), Error> {
        match self.policy {
            SharePolicy::PerViewer => {
                let minted = self.client.mint_playback_token(video.as_str()).await?;
                Ok((
                    minted.token.expose_secret().to_owned(),
                    minted.expires_in.as_secs(),
                ))
            }
            _ => {
                let session = {
                    let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
                    sessions
                        .entry(video.clone())
                        .or_insert_with(|| self.client.playback_ids(video.clone(), video))
                        .clone()
                };
                let issued = session.token().await?;
                let left = session.time_left(&issued).as_secs();
                Ok((issued.token.expose_secret().to_owned(), left))
            }
        }
    }
}

async fn token(State(endpoint): State<TokenEndpoint>, Path(video_id): Path<String>) -> Response {
    let video = match VideoId::new(video_id) {
        Ok(video) if (endpoint.allow)(&video) => video,
        _ => {
            return error_response(
                StatusCode::NOT_FOUND,
                "VIDEO_NOT_FOUND",
                "Video not found.",
                false,
            );
        }
    };
    match endpoint.issue(video).await {
        Ok((token, expires_in)) => {
            let mut response =
                Json(json!({"token": token, "expiresIn": expires_in})).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(err) => {
            let status = err
                .status()
                .and_then(|s| StatusCode::from_u16(s.as_u16()).ok())
                .unwrap_or(StatusCode::BAD_GATEWAY);
            let mut response = error_response(
                status,
                err.code().as_str(),
                &err.to_string(),
                err.is_retryable(),
            );
            if let Error::QuotaExhausted(quota) = &err
                && let Some(wait) = quota.retry_after
                && let Ok(value) = HeaderValue::from_str(&wait.as_secs().to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
    }
}

fn error_response(status: StatusCode, code: &str, message: &str, retryable: bool) -> Response {
    let body = json!({"error": {"code": code, "message": message, "retryable": retryable}});
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
