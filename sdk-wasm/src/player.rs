//! `AnsdevPlayer`: one video's playback tokens, and what the hls.js loaders ask of them.

use std::rc::Rc;

use sdk_core::endpoint::master_playlist_url;
use sdk_core::hls::{
    PlaybackUrl, cache_key, key_delivery_url, media_playlist_uris, parse_stable_key_uri,
    rewrite_key_lines,
};
use sdk_core::{BaseUrl, Error, ErrorCode, Generation, IssuedToken, Refusal, Rejection, VideoId};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use crate::events::EVENT_NAMES;
use crate::js_error::{get, invalid_argument, reject, set};
use crate::options::{self, PlayerOptions};
use crate::tokens::{MintSource, Tokens};

/// Plays one Ansdev video: hands out playback tokens (minted lazily, one mint at a time
/// however many requests need one) and prepares the URLs and playlists hls.js loads.
///
/// Create it with a token provider (recommended), or from an `AnsdevClient` in API-key mode.
#[wasm_bindgen]
#[derive(Debug)]
pub struct AnsdevPlayer {
    inner: Rc<PlayerInner>,
}

#[derive(Debug)]
pub(crate) struct PlayerInner {
    pub(crate) tokens: Rc<Tokens>,
    pub(crate) video: VideoId,
    /// The job id from the options, or else the one the token provider's first answer named.
    pub(crate) job_id: std::cell::RefCell<Option<VideoId>>,
    pub(crate) base: BaseUrl,
}

impl AnsdevPlayer {
    pub(crate) fn from_parts(
        tokens: Rc<Tokens>,
        video: VideoId,
        job_id: Option<VideoId>,
        base: BaseUrl,
    ) -> Self {
        Self {
            inner: Rc::new(PlayerInner {
                tokens,
                video,
                job_id: std::cell::RefCell::new(job_id),
                base,
            }),
        }
    }
}

#[wasm_bindgen]
impl AnsdevPlayer {
    /// A player whose tokens come from `options.tokenProvider` (your backend mints them).
    #[wasm_bindgen(constructor)]
    pub fn new(options: PlayerOptions) -> Result<AnsdevPlayer, JsValue> {
        let options: JsValue = options.into();
        let job_id = options::optional_string(&options, "jobId")?
            .map(options::video_id)
            .transpose()?;
        let video = match (options::optional_string(&options, "videoId")?, &job_id) {
            (Some(id), _) => options::video_id(id)?,
            (None, Some(job)) => job.clone(),
            (None, None) => return Err(invalid_argument("videoId", "or jobId is required")),
        };
        let provider: js_sys::Function = get(&options, "tokenProvider")
            .dyn_into()
            .map_err(|_| invalid_argument("tokenProvider", "is required and must be a function"))?;
        let base = options::base_url(&options)?;
        let config = options::token_config(&options)?;
        let tokens = Tokens::new(config, MintSource::Provider(provider));
        Ok(Self::from_parts(tokens, video, job_id, base))
    }

    /// The id tokens are minted for.
    #[wasm_bindgen(getter, js_name = videoId)]
    pub fn video_id(&self) -> String {
        self.inner.video.as_str().to_owned()
    }

    /// The job id the playback routes are keyed by: the `jobId` option, or the one the token
    /// provider's first answer named (`undefined` until then).
    #[wasm_bindgen(getter, js_name = jobId, unchecked_return_type = "string | undefined")]
    pub fn job_id(&self) -> JsValue {
        // A `JsValue`, not `Option<String>`: the latter adds its own glue to the package.
        self.inner
            .job()
            .map_or(JsValue::UNDEFINED, |job| JsValue::from_str(job.as_str()))
    }

    /// The stable key URI playlists are rewritten to (`ansdev-key://{jobId}`), which an engine
    /// caches the key by; `undefined` until the job id is known. sdk-core spells it: the
    /// integrations compare against this, never build it.
    #[wasm_bindgen(getter, js_name = stableKeyUri, unchecked_return_type = "string | undefined")]
    pub fn stable_key_uri(&self) -> JsValue {
        self.inner.job().map_or(JsValue::UNDEFINED, |job| {
            JsValue::from_str(&sdk_core::hls::stable_key_uri(&job))
        })
    }

    /// The scheme of stable key URIs (`ansdev-key`), for engines that register a loader per
    /// scheme before any player knows its job id (the Shaka integration).
    #[wasm_bindgen(js_name = stableKeyScheme)]
    pub fn stable_key_scheme() -> String {
        sdk_core::hls::STABLE_KEY_SCHEME.to_owned()
    }

    /// How many mints this player's token manager started (shared by a client's players).
    #[wasm_bindgen(getter, js_name = mintCount)]
    pub fn mint_count(&self) -> u32 {
        self.inner.tokens.mints()
    }

    /// A playback token with at least the refresh margin left. Concurrent calls share one mint.
    #[wasm_bindgen(unchecked_return_type = "Promise<string>")]
    pub fn token(&self) -> js_sys::Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let issued = inner.token().await.map_err(|e| inner.reject(&e))?;
            Ok(JsValue::from_str(issued.token.expose_secret()))
        })
    }

    /// The master playlist URL with a fresh token: give it to `hls.loadSource`.
    #[wasm_bindgen(js_name = masterPlaylistUrl, unchecked_return_type = "Promise<string>")]
    pub fn master_playlist_url(&self) -> js_sys::Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let issued = inner.token().await.map_err(|e| inner.reject(&e))?;
            let job = inner.job().ok_or_else(|| reject(&no_job_id()))?;
            let url = master_playlist_url(&inner.base, &issued.token, &job);
            Ok(JsValue::from_str(&url))
        })
    }

    /// Whether `url` is one this player authorizes: this video's playlists or key route on the
    /// configured API's origin and under its path prefix, or its stable key URI
    /// `ansdev-key://{jobId}`. A URL of the same shape anywhere else needs no token: it is
    /// loaded as written.
    #[wasm_bindgen(js_name = needsToken)]
    pub fn needs_token(&self, url: &str) -> bool {
        self.inner.target(url).is_some()
    }

    /// `url` with the current token, at the moment of loading: a playlist URL gets the token
    /// swapped in, the stable key URI becomes `/v1/video/playback/key/{token}/{jobId}`.
    /// Resolves to `undefined` for URLs that need no token (segments, other videos, and
    /// playback-shaped URLs on any origin or path other than the configured API's).
    #[wasm_bindgen(
        js_name = authorizeUrl,
        unchecked_return_type = "Promise<AuthorizedUrl | undefined>"
    )]
    pub fn authorize_url(&self, url: String) -> js_sys::Promise {
        let inner = self.inner.clone();
        future_to_promise(async move {
            let Some(target) = inner.target(&url) else {
                return Ok(JsValue::UNDEFINED);
            };
            let issued = inner.token().await.map_err(|e| inner.reject(&e))?;
            let authorized = match target {
                Target::StableKey => key_delivery_url(&inner.base, &issued.token, &url)
                    .map_err(|e| reject(&e.into()))?,
                Target::Playback(playback) => playback.with_token(&issued.token),
            };
            let result: JsValue = js_sys::Object::new().into();
            set(&result, "url", &JsValue::from_str(&authorized));
            set(
                &result,
                "generation",
                &JsValue::from_f64(issued.generation.get() as f64),
            );
            Ok(result)
        })
    }

    /// A media playlist with every AES-128 key URI replaced by the stable `ansdev-key://{jobId}`
    /// (hls.js caches keys by URI); a multivariant playlist is returned unchanged.
    /// Throws an `AnsdevError` (`DECODE_ERROR`) for text that is not a playlist or a key line
    /// the SDK cannot play (e.g. `SAMPLE-AES`, AES-128 without a URI).
    #[wasm_bindgen(js_name = rewritePlaylist)]
    pub fn rewrite_playlist(&self, text: &str) -> Result<String, JsValue> {
        // hls.js parses the playlist itself: the line-level rewrite spares the wasm a playlist
        // parser (about half its size) and still checks every key line.
        let job = self.inner.job().ok_or_else(|| reject(&no_job_id()))?;
        rewrite_key_lines(text, &job).map_err(|e| reject(&e.into()))
    }

    /// A request made with the token of `generation` was answered `status` with `body`.
    /// Returns `true` when it should be retried with the current token, `false` when the
    /// answer is to be surfaced as it came. The token manager decides (the loader keeps no
    /// list of its own); when it gives up, an `error` event tells the application why.
    #[wasm_bindgen(js_name = handleRefusal)]
    pub fn handle_refusal(
        &self,
        generation: f64,
        status: u16,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string | null | undefined")]
        body: JsValue,
    ) -> bool {
        let inner = &self.inner;
        let refusal = Refusal::new(status, body_code(&body));
        let generation = Generation::from_raw(generation.max(0.0) as u64);
        // A `GaveUp` verdict reaches the listeners as the core's event, from the pump.
        matches!(
            inner
                .tokens
                .report_rejection(&inner.video, generation, refusal),
            Rejection::Remint | Rejection::Stale
        )
    }

    /// Keeps the token refreshed ahead of time while `active` (with the `keepWarm` option; without
    /// it, nothing happens). The hls.js integration marks the player inactive once its prefetch
    /// holds every playlist and the key of a VOD: no load needs a token any more.
    #[wasm_bindgen(js_name = setActive)]
    pub fn set_active(&self, active: bool) {
        self.inner.tokens.set_active(&self.inner.video, active);
    }

    /// `url` without its token (a loader's cache key); `undefined` if not this player's.
    #[wasm_bindgen(js_name = cacheKey, unchecked_return_type = "string | undefined")]
    pub fn cache_key(&self, url: &str) -> JsValue {
        // A `JsValue`, not `Option<String>`: the latter adds its own glue to the package.
        self.inner
            .target(url)
            .and_then(|_| cache_key(&self.inner.base, url))
            .map_or(JsValue::UNDEFINED, |key| JsValue::from_str(&key))
    }

    /// The variant URIs of a multivariant playlist, as written.
    #[wasm_bindgen(js_name = mediaPlaylistUris, unchecked_return_type = "string[]")]
    pub fn media_playlist_uris(master_text: &str) -> js_sys::Array {
        // Static (a pure function of the text) and a JS array built here: a method or a
        // `Vec<String>` adds glue, and this entry has a gzipped size budget.
        media_playlist_uris(master_text)
            .map(JsValue::from_str)
            .collect()
    }

    /// Calls `listener` on `tokenRefreshed`, `quotaLow` or `error` events of this video.
    /// Typed by hand (`AnsdevPlayer` in the TypeScript section): a generated `any` overload
    /// would win over the typed one.
    #[wasm_bindgen(skip_typescript)]
    pub fn on(
        &self,
        #[wasm_bindgen(unchecked_param_type = "keyof AnsdevEvents")] event: String,
        #[wasm_bindgen(unchecked_param_type = "(event: any) => void")] listener: js_sys::Function,
    ) -> Result<(), JsValue> {
        check_event(&event)?;
        self.inner
            .tokens
            .listeners
            .add(event, listener, Some(self.inner.video.clone()));
        Ok(())
    }

    /// Removes a listener added with `on`.
    #[wasm_bindgen(skip_typescript)]
    pub fn off(
        &self,
        #[wasm_bindgen(unchecked_param_type = "keyof AnsdevEvents")] event: String,
        #[wasm_bindgen(unchecked_param_type = "(event: any) => void")] listener: js_sys::Function,
    ) {
        self.inner
            .tokens
            .listeners
            .remove(&event, &listener, Some(&self.inner.video));
    }
}

pub(crate) fn check_event(event: &str) -> Result<(), JsValue> {
    if EVENT_NAMES.contains(&event) {
        Ok(())
    } else {
        Err(invalid_argument(
            "event",
            "must be tokenRefreshed, quotaLow or error",
        ))
    }
}

/// What a URL the player authorizes points at.
enum Target {
    StableKey,
    Playback(PlaybackUrl),
}

impl PlayerInner {
    async fn token(&self) -> Result<IssuedToken, Error> {
        let issued = self.tokens.clone().token(self.video.clone()).await?;
        if self.job_id.borrow().is_none() {
            *self.job_id.borrow_mut() = self.tokens.provided_job_id();
        }
        Ok(issued)
    }

    /// The job id, once known.
    fn job(&self) -> Option<VideoId> {
        self.job_id.borrow().clone()
    }

    /// A token failure as a JS error, with the token provider's failure as its `cause`.
    fn reject(&self, error: &Error) -> JsValue {
        self.tokens.reject(&self.video, error)
    }

    fn target(&self, url: &str) -> Option<Target> {
        let ours = self.job()?;
        if let Some(job) = parse_stable_key_uri(url) {
            return (job == ours).then_some(Target::StableKey);
        }
        // Only URLs on the configured API's origin, under its prefix: the core refuses the
        // rest, so a playlist naming another host never gets this player's token.
        PlaybackUrl::parse(&self.base, url)
            .filter(|playback| *playback.job_id() == ours)
            .map(Target::Playback)
    }
}

/// The code of a refused playback request's body, `error.code` (both envelopes have it), read
/// with the host's `JSON.parse` so the player needs no JSON decoder of its own. `None` when the
/// body is missing or not an envelope: the token manager decides what that means.
fn body_code(body: &JsValue) -> Option<ErrorCode> {
    let text = if let Some(text) = body.as_string() {
        Some(text)
    } else if body.is_object() {
        String::from_utf8(js_sys::Uint8Array::new(body).to_vec()).ok()
    } else {
        None
    };
    text.and_then(|text| js_sys::JSON::parse(&text).ok())
        .and_then(|json| get(&get(&json, "error"), "code").as_string())
        .map(|code| ErrorCode::from_wire(&code))
}

/// Neither the `jobId` option nor the token provider's answer named the job id.
fn no_job_id() -> Error {
    Error::Build(sdk_core::BuildError::InvalidParameter {
        name: "tokenProvider",
        reason: "answered without `jobId`, and no `jobId` option was given".into(),
    })
}
