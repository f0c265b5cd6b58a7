//! `AnsdevClient`: API-key mode, for places where the key may live (internal tools, kiosks,
//! server-side rendering in a worker). The key stays in wasm memory: never written to storage,
//! cookies, URLs or logs, and zeroized when the client is freed.

use std::rc::Rc;

use sdk_core::endpoint::{Endpoint, GetVideo, ListVideos, MintPlaybackToken, VideoQuery};
use sdk_core::{ApiKey, BaseUrl, BuildError, Error, VideoId, VideoStatus};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::events::rate_limit_to_js;
use crate::js_error::{reject, set};
use crate::options::{self, ClientOptions, VideoQueryOptions};
use crate::player::{AnsdevPlayer, check_event};
use crate::tokens::{KeyCell, MintSource, Tokens};
use crate::transport::{self, Limits};

/// A client of the Ansdev API holding an API key in wasm memory.
///
/// Prefer `new AnsdevPlayer({ tokenProvider })` in pages that viewers load: a key in a page can
/// be read by anyone who opens it.
#[wasm_bindgen]
#[derive(Debug)]
pub struct AnsdevClient {
    inner: Rc<ClientInner>,
}

#[derive(Debug)]
struct ClientInner {
    base: BaseUrl,
    key: Rc<KeyCell>,
    tokens: Rc<Tokens>,
    limits: Limits,
    retries: transport::Retries,
}

impl Drop for AnsdevClient {
    /// `free()` zeroizes the key at once, even while players or calls of this client live on
    /// (they fail with `BUILD_ERROR` from then on).
    fn drop(&mut self) {
        self.inner.key.borrow_mut().take();
    }
}

#[wasm_bindgen]
impl AnsdevClient {
    /// A client for `options.apiKey` (scope `video:read`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: ClientOptions) -> Result<AnsdevClient, JsValue> {
        let options: JsValue = options.into();
        let key = ApiKey::new(options::required_string(&options, "apiKey")?)
            .map_err(|e| reject(&e.into()))?;
        let base = options::base_url(&options)?;
        let config = options::token_config(&options)?;
        let limits = Limits {
            timeout: options::timeout(&options)?,
            max_body: options::max_response_bytes(&options)?,
        };
        let retries = options::retries(&options)?;
        let key = Rc::new(KeyCell::new(Some(key)));
        let source = MintSource::Api {
            base: base.clone(),
            key: key.clone(),
            max_body: limits.max_body,
        };
        Ok(Self {
            inner: Rc::new(ClientInner {
                base,
                key,
                tokens: Tokens::new(config, source),
                limits,
                retries,
            }),
        })
    }

    /// One page of the key owner's videos: `{ items, total, limit, offset }`.
    #[wasm_bindgen(js_name = listVideos, unchecked_return_type = "Promise<VideoPage>")]
    pub fn list_videos(&self, query: Option<VideoQueryOptions>) -> js_sys::Promise {
        let inner = self.inner.clone();
        let query = query.map_or(JsValue::UNDEFINED, JsValue::from);
        future_to_promise(async move {
            let query = video_query(&query)?;
            let key = inner.key().map_err(|e| reject(&e))?;
            let endpoint = ListVideos::new(&key, query);
            let page = inner.send(&endpoint).await.map_err(|e| reject(&e))?;
            to_js(&page)
        })
    }

    /// One video by public id (`vid_…`) or job id.
    #[wasm_bindgen(js_name = getVideo, unchecked_return_type = "Promise<Video>")]
    pub fn get_video(&self, id: String) -> js_sys::Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let video = inner.get_video(id).await.map_err(|e| reject(&e))?;
            to_js(&video)
        })
    }

    /// Mints a playback token now (one unit of the daily quota), e.g. for a token provider
    /// running in a worker: `{ token, expiresIn, playerUrl, rateLimit }`. Players mint for
    /// themselves; they need no call to this.
    #[wasm_bindgen(
        js_name = mintPlaybackToken,
        unchecked_return_type = "Promise<MintedPlaybackToken>"
    )]
    pub fn mint_playback_token(
        &self,
        #[wasm_bindgen(js_name = videoId)] video_id: String,
    ) -> js_sys::Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let video = options::video_id(video_id)?;
            let key = inner.key().map_err(|e| reject(&e))?;
            // One attempt: a retried mint could spend the quota twice.
            let endpoint = MintPlaybackToken::new(&key, video);
            let request = endpoint
                .to_request(&inner.base)
                .map_err(|e| reject(&e.into()))?;
            let response = transport::send(request, inner.limits)
                .await
                .map_err(|e| reject(&e))?;
            let minted = endpoint.parse_response(&response).map_err(|e| reject(&e))?;
            let result: JsValue = js_sys::Object::new().into();
            set(
                &result,
                "token",
                &JsValue::from_str(minted.token.expose_secret()),
            );
            set(
                &result,
                "expiresIn",
                &JsValue::from_f64(minted.expires_in.as_secs_f64()),
            );
            let player_url = minted
                .player_url
                .as_deref()
                .map_or(JsValue::NULL, |url| JsValue::from_str(url));
            set(&result, "playerUrl", &player_url);
            let rate_limit = minted
                .rate_limit
                .as_ref()
                .map_or(JsValue::NULL, rate_limit_to_js);
            set(&result, "rateLimit", &rate_limit);
            Ok(result)
        })
    }

    /// A player for one of the key owner's videos (looked up for its job id). Players of one
    /// client share its token manager and its quota pause.
    #[wasm_bindgen(unchecked_return_type = "Promise<AnsdevPlayer>")]
    pub fn player(&self, #[wasm_bindgen(js_name = videoId)] video_id: String) -> js_sys::Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let video = inner.get_video(video_id).await.map_err(|e| reject(&e))?;
            let player = AnsdevPlayer::from_parts(
                inner.tokens.clone(),
                video.id,
                video.job_id,
                inner.base.clone(),
            );
            Ok(player.into())
        })
    }

    /// How many mints this client's players started.
    #[wasm_bindgen(getter, js_name = mintCount)]
    pub fn mint_count(&self) -> u32 {
        self.inner.tokens.mints()
    }

    /// Calls `listener` on `tokenRefreshed`, `quotaLow` or `error` events of every player.
    /// Typed by hand (`AnsdevClient` in the TypeScript section), as the player's.
    #[wasm_bindgen(skip_typescript)]
    pub fn on(
        &self,
        #[wasm_bindgen(unchecked_param_type = "keyof AnsdevEvents")] event: String,
        #[wasm_bindgen(unchecked_param_type = "(event: any) => void")] listener: js_sys::Function,
    ) -> Result<(), JsValue> {
        check_event(&event)?;
        self.inner.tokens.listeners.add(event, listener, None);
        Ok(())
    }

    /// Removes a listener added with `on`.
    #[wasm_bindgen(skip_typescript)]
    pub fn off(
        &self,
        #[wasm_bindgen(unchecked_param_type = "keyof AnsdevEvents")] event: String,
        #[wasm_bindgen(unchecked_param_type = "(event: any) => void")] listener: js_sys::Function,
    ) {
        self.inner.tokens.listeners.remove(&event, &listener, None);
    }
}

impl ClientInner {
    /// A copy of the key for one call (zeroized when the call ends), or `BUILD_ERROR` once the
    /// client was freed.
    fn key(&self) -> Result<ApiKey, Error> {
        self.key
            .borrow()
            .clone()
            .ok_or(Error::Build(BuildError::MissingApiKey))
    }

    async fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, Error> {
        transport::send_with_retry(
            || endpoint.to_request(&self.base).map_err(Error::from),
            |response| endpoint.parse_response(response),
            endpoint.route(),
            self.limits,
            &self.retries,
        )
        .await
    }

    async fn get_video(&self, id: String) -> Result<sdk_core::Video, Error> {
        let id = VideoId::new(id)?;
        let key = self.key()?;
        self.send(&GetVideo::new(&key, id)).await
    }
}

#[wasm_bindgen(typescript_custom_section)]
const CLIENT_TS: &'static str = r#"
/** Options of `new AnsdevClient(…)` (API-key mode: only where the key may be). */
export interface ClientOptions extends TokenOptions {
  /** An API key with scope `video:read`. Held in wasm memory only, zeroized by `free()`. */
  apiKey: string;
  /** Per-attempt timeout for the video routes, in milliseconds (default 10 000). */
  timeoutMs?: number;
  /**
   * An overall deadline per call of the video routes, across all its attempts and waits, in
   * milliseconds (default: none; `retry.maxAttempts` bounds a call). A retry that could not start
   * before it is not made, and the call fails with the last attempt's error.
   */
  deadlineMs?: number;
  /** How the video routes (`getVideo`, `listVideos`, `player`) retry; the same rules as the native SDK. */
  retry?: RetryOptions;
  /**
   * The largest response body read from the API, in bytes (default 16 MiB). A larger answer
   * fails with `BODY_TOO_LARGE` (`kind: "BodyTooLarge"`) and is not retried.
   */
  maxResponseBytes?: number;
}

/**
 * The retry policy of the video routes. Transport failures, timeouts, 5xx and unreadable answers
 * are retried with jittered exponential backoff; other 4xx never. A used-up quota
 * (`RATE_LIMIT_EXCEEDED`) is waited for only when its reset is within `maxQuotaWaitMs`.
 * `mintPlaybackToken` makes one attempt whatever the policy (a retried mint could spend the
 * quota twice).
 */
export interface RetryOptions {
  /** Total attempts, the first included (1 = never retry). Default 4. */
  maxAttempts?: number;
  /** Delay before the first retry, doubling with each further one (before jitter). Default 250. */
  baseDelayMs?: number;
  /** Upper bound of any backoff delay. Default 8 000. */
  maxDelayMs?: number;
  /** Longest quota-reset wait worth sleeping through. Default 30 000. */
  maxQuotaWaitMs?: number;
}

/** Query of `listVideos`. */
export interface VideoQuery {
  limit?: number;
  offset?: number;
  status?: string;
}

export interface AnsdevClient {
  /** Calls `listener` on this event of every player of the client; returns a function that removes it. */
  on<K extends keyof AnsdevEvents>(event: K, listener: (event: AnsdevEvents[K]) => void): () => void;
  /** Removes a listener added with `on`. */
  off<K extends keyof AnsdevEvents>(event: K, listener: (event: AnsdevEvents[K]) => void): void;
}

/** A video, as `getVideo` and `listVideos` return it. */
export interface Video {
  id: string;
  jobId: string;
  title: string;
  status: string;
  encrypted: boolean;
  quality: string;
  renditions: string[];
  durationSeconds: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface VideoPage {
  items: Video[];
  total: number;
  limit: number;
  offset: number;
}

export interface MintedPlaybackToken {
  token: string;
  expiresIn: number;
  /** The hosted player page for this token; it contains the token. */
  playerUrl: string | null;
  rateLimit: RateLimitInfo | null;
}
"#;

fn video_query(query: &JsValue) -> Result<VideoQuery, JsValue> {
    let mut built = VideoQuery::new();
    if let Some(limit) = options::optional_number(query, "limit")? {
        built = built.limit(limit as u32).map_err(|e| reject(&e.into()))?;
    }
    if let Some(offset) = options::optional_number(query, "offset")? {
        built = built.offset(offset as u64);
    }
    if let Some(status) = options::optional_string(query, "status")? {
        built = built.status(VideoStatus::from_wire(&status));
    }
    Ok(built)
}

/// Plain JS objects (not `Map`s) with camelCase fields, as the API sends them.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(|_| {
        reject(&Error::Build(BuildError::InvalidParameter {
            name: "result",
            reason: "could not be converted to a JavaScript value".into(),
        }))
    })
}
