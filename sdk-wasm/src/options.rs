//! Reading the options objects the JavaScript constructors take, and their TypeScript types.

use std::time::Duration;

#[cfg(feature = "client")]
use sdk_core::retry::RetryPolicy;
use sdk_core::{BaseUrl, TokenConfig, VideoId};
use wasm_bindgen::prelude::*;

use crate::js_error::{get, invalid_argument, reject};

#[wasm_bindgen(typescript_custom_section)]
const OPTIONS_TS: &'static str = r#"
/** What a token provider resolves to: a playback token and its lifetime in seconds. */
export interface ProvidedToken {
  token: string;
  expiresIn: number;
}

/** Knobs of the token manager shared by both modes. */
export interface TokenOptions {
  /** Base URL of the Ansdev API (default `https://api.ansdev.cloud`). */
  baseUrl?: string;
  /** A token is used only while this much of its life is left (default 30, capped at a third of its lifetime). */
  refreshMarginSeconds?: number;
  /** A mint that takes longer is abandoned and retried (default 10 000). */
  requestTimeoutMs?: number;
  /** Refresh the token as it leaves its fresh window while playback is active, so requests rarely wait for a mint (default false: lazy). */
  keepWarm?: boolean;
}

/** Options of `new AnsdevPlayer(…)` (token-provider mode, recommended). */
export interface PlayerOptions extends TokenOptions {
  /** The video's job id: the playback routes are keyed by it. */
  jobId: string;
  /** The id your token provider receives (default: the job id). */
  videoId?: string;
  /**
   * Calls your backend, which mints a token with its API key, e.g. `POST /v1/video/{videoId}/playback-token`.
   * On failure throw (or reject with) a `ProviderError`: its `code`, `status` and `retryAfterMs`
   * steer the SDK's retries, and the thrown value becomes the SDK error's `cause`.
   */
  tokenProvider: (videoId: string) => Promise<ProvidedToken>;
}

/** A playback URL carrying the current token, and the generation to report if it is refused. */
export interface AuthorizedUrl {
  url: string;
  generation: number;
}

// The error class is hand-written (`instanceof` must work for errors of either entry).
import type { AnsdevError } from "../js/errors.js";

export interface RateLimitInfo {
  limit: number;
  remaining: number;
  /** Unix seconds of the next reset (00:00 UTC). */
  resetAt: number;
}

export interface TokenRefreshedEvent {
  videoId: string;
  generation: number;
  expiresIn: number;
  rateLimit: RateLimitInfo | null;
}

export interface QuotaLowEvent extends RateLimitInfo {
  videoId: string;
}

export interface PlaybackErrorEvent extends AnsdevError {
  videoId: string;
  /** Failed mint attempts in a row, or null for a refused playback request. */
  attempt: number | null;
  /** When the SDK tries again by itself, or null when it will not. */
  retryInMs: number | null;
}

export interface AnsdevEvents {
  tokenRefreshed: TokenRefreshedEvent;
  quotaLow: QuotaLowEvent;
  error: PlaybackErrorEvent;
}

export interface AnsdevPlayer {
  /** Calls `listener` on this event of the player's video; returns a function that removes it. */
  on<K extends keyof AnsdevEvents>(event: K, listener: (event: AnsdevEvents[K]) => void): () => void;
  /** Removes a listener added with `on`. */
  off<K extends keyof AnsdevEvents>(event: K, listener: (event: AnsdevEvents[K]) => void): void;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// `PlayerOptions` in TypeScript.
    #[wasm_bindgen(typescript_type = "PlayerOptions")]
    pub type PlayerOptions;

    /// `ClientOptions` in TypeScript.
    #[cfg(feature = "client")]
    #[wasm_bindgen(typescript_type = "ClientOptions")]
    pub type ClientOptions;

    /// `VideoQuery` in TypeScript.
    #[cfg(feature = "client")]
    #[wasm_bindgen(typescript_type = "VideoQuery")]
    pub type VideoQueryOptions;
}

/// A required string option.
pub(crate) fn required_string(options: &JsValue, name: &'static str) -> Result<String, JsValue> {
    get(options, name)
        .as_string()
        .ok_or_else(|| invalid_argument(name, "is required and must be a string"))
}

/// An optional string option.
pub(crate) fn optional_string(
    options: &JsValue,
    name: &'static str,
) -> Result<Option<String>, JsValue> {
    let value = get(options, name);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .as_string()
        .map(Some)
        .ok_or_else(|| invalid_argument(name, "must be a string"))
}

/// An optional non-negative number option.
pub(crate) fn optional_number(
    options: &JsValue,
    name: &'static str,
) -> Result<Option<f64>, JsValue> {
    nested_number(options, name, name)
}

/// An optional non-negative number `key` of an options object, named `name` (its path from the
/// constructor's options, e.g. `retry.maxAttempts`) in the error.
fn nested_number(options: &JsValue, key: &str, name: &'static str) -> Result<Option<f64>, JsValue> {
    let value = get(options, key);
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .as_f64()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map(Some)
        .ok_or_else(|| invalid_argument(name, "must be a non-negative number"))
}

/// A video id option.
pub(crate) fn video_id(value: String) -> Result<VideoId, JsValue> {
    VideoId::new(value).map_err(|e| reject(&e.into()))
}

/// The base URL (default: production).
pub(crate) fn base_url(options: &JsValue) -> Result<BaseUrl, JsValue> {
    match optional_string(options, "baseUrl")? {
        Some(url) => BaseUrl::new(url).map_err(|e| reject(&e.into())),
        None => Ok(BaseUrl::production()),
    }
}

/// The token manager's configuration from `refreshMarginSeconds`, `requestTimeoutMs`, `keepWarm`.
pub(crate) fn token_config(options: &JsValue) -> Result<TokenConfig, JsValue> {
    let mut config = TokenConfig::default();
    if let Some(margin) = optional_number(options, "refreshMarginSeconds")? {
        config = config.with_refresh_margin(seconds(margin));
    }
    if let Some(timeout) = optional_number(options, "requestTimeoutMs")? {
        config = config.with_request_timeout(seconds(timeout / 1000.0));
    }
    if let Some(keep_warm) = get(options, "keepWarm").as_bool() {
        config = config.with_keep_warm(keep_warm);
    }
    Ok(config)
}

/// A per-request timeout in milliseconds (default 10 s).
#[cfg(feature = "client")]
pub(crate) fn timeout(options: &JsValue) -> Result<Duration, JsValue> {
    Ok(optional_number(options, "timeoutMs")?
        .map_or(Duration::from_secs(10), |ms| seconds(ms / 1000.0)))
}

/// The cap on a response body in bytes (`maxResponseBytes`, default 16 MiB), at least 1.
#[cfg(feature = "client")]
pub(crate) fn max_response_bytes(options: &JsValue) -> Result<usize, JsValue> {
    match optional_number(options, "maxResponseBytes")? {
        None => Ok(crate::transport::DEFAULT_MAX_RESPONSE_BYTES),
        // `as` saturates: a cap beyond the address space is no cap at all.
        Some(bytes) if bytes >= 1.0 => Ok(bytes as usize),
        Some(_) => Err(invalid_argument("maxResponseBytes", "must be at least 1")),
    }
}

/// How the video routes retry: `retry` (`{ maxAttempts, baseDelayMs, maxDelayMs,
/// maxQuotaWaitMs }`, each defaulting to the core's [`RetryPolicy`]) and `deadlineMs`.
#[cfg(feature = "client")]
pub(crate) fn retries(options: &JsValue) -> Result<crate::transport::Retries, JsValue> {
    let mut policy = RetryPolicy::default();
    let retry = get(options, "retry");
    if !(retry.is_undefined() || retry.is_null()) {
        if !retry.is_object() {
            return Err(invalid_argument("retry", "must be an object"));
        }
        if let Some(attempts) = nested_number(&retry, "maxAttempts", "retry.maxAttempts")? {
            if attempts < 1.0 || attempts.fract() != 0.0 {
                return Err(invalid_argument(
                    "retry.maxAttempts",
                    "must be a whole number, at least 1",
                ));
            }
            // `as` saturates: more attempts than a u32 holds is no bound anyway.
            policy = policy.with_max_attempts(attempts as u32);
        }
        let base = nested_number(&retry, "baseDelayMs", "retry.baseDelayMs")?
            .map(|ms| seconds(ms / 1000.0));
        let max =
            nested_number(&retry, "maxDelayMs", "retry.maxDelayMs")?.map(|ms| seconds(ms / 1000.0));
        if base.is_some() || max.is_some() {
            let base = base.unwrap_or(policy.base_delay);
            let max = max.unwrap_or(policy.max_delay);
            policy = policy.with_delays(base, max);
        }
        if let Some(wait) = nested_number(&retry, "maxQuotaWaitMs", "retry.maxQuotaWaitMs")? {
            policy = policy.with_max_quota_wait(seconds(wait / 1000.0));
        }
    }
    let deadline = optional_number(options, "deadlineMs")?.map(|ms| seconds(ms / 1000.0));
    Ok(crate::transport::Retries { policy, deadline })
}

/// Seconds as a duration; out-of-range values (checked finite and non-negative before) saturate
/// at a day, far beyond any useful timeout or margin.
fn seconds(value: f64) -> Duration {
    Duration::try_from_secs_f64(value.min(86_400.0)).unwrap_or(Duration::from_secs(86_400))
}
