//! One token request, from the path to the answer: authorization first, then the caches, then
//! the client's rate limit, and only then the API.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{FromRequestParts, Path, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use sdk_core::{
    Error, ErrorCode, IssuedToken, MintedToken, PlaybackToken, RateLimit, Remedy, VideoId,
};
use serde::Serialize;

use super::videos::{Cached, Known};
use super::{Refusal, SharePolicy, TokenEndpoint};

/// `GET {mount}/{videoId}`.
pub(super) async fn token(State(endpoint): State<TokenEndpoint>, request: Request) -> Response {
    let (mut parts, _body) = request.into_parts();
    // A path axum cannot decode is answered like an unknown video, in the same shape.
    let Ok(Path(id)) = Path::<String>::from_request_parts(&mut parts, &()).await else {
        return Refusal::not_found().into_response();
    };
    match endpoint.issue(&parts, id).await {
        Ok(issued) => issued.into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

impl TokenEndpoint {
    async fn issue(&self, request: &Parts, id: String) -> Result<Issued, Refusal> {
        let Ok(id) = VideoId::new(id) else {
            return Err(Refusal::not_found());
        };
        (self.authorize)(request, &id).await?;
        if let Some(refusal) = self.state.gate.refusal() {
            return Err(refusal);
        }
        let known = match self.state.videos.get(&id) {
            Some(Cached::Refused(refusal)) => return Err(refusal),
            Some(Cached::Known(known)) => {
                if self.policy == SharePolicy::Shared
                    && let Some(issued) = known.fresh_token()
                {
                    return Ok(Issued::shared(&known, issued));
                }
                Some(known)
            }
            None => None,
        };
        // Everything below may call the API: it is paid from the client's allowance.
        self.state.limiter.check(request)?;
        let known = match known {
            Some(known) => known,
            None => self.resolve(&id).await?,
        };
        let job_id = known.job_id();
        let issued = match self.policy {
            SharePolicy::PerViewer => self
                .client
                .mint_playback_token(job_id.as_str())
                .await
                .map(|minted| Issued::minted(job_id, minted)),
            _ => known.session.token().await.map(|issued| {
                known.remember(&issued);
                Issued::shared(&known, issued)
            }),
        };
        issued.map_err(|err| self.refused_by_api(&err, &[&id, job_id]))
    }

    /// Asks the API which video `id` names; both of its ids then lead to one entry.
    async fn resolve(&self, id: &VideoId) -> Result<Arc<Known>, Refusal> {
        let video = self
            .client
            .get_video(id.as_str())
            .await
            .map_err(|err| self.refused_by_api(&err, &[id]))?;
        let ids = [id, &video.id, &video.job_id];
        if !video.is_playable() {
            // The mint would refuse it too; no need to ask until the refusal expires.
            let refusal = Refusal::from_code(ErrorCode::VideoNotReady);
            self.state.videos.insert_refused(&ids, &refusal);
            return Err(refusal);
        }
        let session = self
            .client
            .playback_ids(video.job_id.clone(), video.job_id.clone());
        let known = Arc::new(Known::new(session));
        self.state.videos.insert_known(&ids, &known);
        Ok(known)
    }

    /// The refusal for a failed API call, remembered when asking again would get the same
    /// answer: for the whole key (quota, revoked key, scope) or for these ids (unknown, not ready).
    fn refused_by_api(&self, err: &Error, ids: &[&VideoId]) -> Refusal {
        let refusal = if err.code() == ErrorCode::VideoNotFound {
            // The allow-list's answer, word for word: a stranger cannot tell the two apart.
            Refusal::not_found()
        } else {
            Refusal::from_error(err)
        };
        if let Some(refusal) = self.state.gate.close_on(err, &refusal) {
            tracing::warn!(code = %err.code(), error = %err, "the API refused the key; pausing");
            return refusal;
        }
        if matches!(
            err.code().remedy(),
            Some(Remedy::CheckVideoId | Remedy::WaitUntilVideoReady)
        ) {
            // Expected traffic (a stranger's guesses): not worth a warning each.
            tracing::debug!(code = %err.code(), "the API refused the video");
            self.state.videos.insert_refused(ids, &refusal);
        } else {
            tracing::warn!(code = %err.code(), error = %err, "the token endpoint's API call failed");
        }
        refusal
    }
}

/// A token for the browser.
struct Issued {
    token: PlaybackToken,
    /// Whole seconds of life left.
    expires_in: Duration,
    job_id: VideoId,
    rate_limit: Option<RateLimit>,
}

impl Issued {
    fn shared(known: &Known, issued: IssuedToken) -> Self {
        Self {
            expires_in: known.session.time_left(&issued),
            token: issued.token,
            job_id: known.job_id().clone(),
            rate_limit: issued.rate_limit,
        }
    }

    fn minted(job_id: &VideoId, minted: MintedToken) -> Self {
        Self {
            token: minted.token,
            expires_in: minted.expires_in,
            job_id: job_id.clone(),
            rate_limit: minted.rate_limit,
        }
    }
}

/// `{"token", "expiresIn", "jobId", "rateLimit"?}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Answer<'a> {
    token: &'a str,
    expires_in: u64,
    job_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rate_limit: Option<QuotaAnswer>,
}

#[derive(Serialize)]
struct QuotaAnswer {
    limit: u32,
    remaining: u32,
    reset: u64,
}

impl IntoResponse for Issued {
    fn into_response(self) -> Response {
        let answer = Answer {
            token: self.token.expose_secret(),
            expires_in: self.expires_in.as_secs(),
            job_id: self.job_id.as_str(),
            rate_limit: self.rate_limit.map(|r| QuotaAnswer {
                limit: r.limit,
                remaining: r.remaining,
                reset: r.reset_at,
            }),
        };
        let mut response = Json(answer).into_response();
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}
