//! The identity provider's signing keys (the JWKS at `--jwks-url`), cached.
//!
//! - A fetched set is used for `--jwks-cache-seconds`; after that the next request refreshes it
//!   in the background and is still answered with the old keys (a slow or down provider does
//!   not turn valid requests into errors), for at most [`MAX_STALE`] more.
//! - One fetch at a time: every request that needs the keys while a fetch runs awaits that same
//!   fetch (its outcome, failures included, is shared).
//! - A `kid` the set does not hold causes a refetch at most once per
//!   `--jwks-refetch-cooldown-seconds` (a provider rotating its keys is picked up; a flood of
//!   made-up `kid`s is not an amplifier). Callers check a token's shape before asking.
//! - A fetch follows no redirect, gives up after `--jwks-timeout-seconds` and reads at most
//!   [`MAX_JWKS_BYTES`]; a failed fetch is not retried for [`FAILED_FETCH_BACKOFF`].
//!
//! Written here rather than with a caching crate: the policy (serve stale on failure, a `kid`
//! cooldown, a shared failing outcome) is the point, and it fits in one small state machine.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};
use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{Jwk, KeyAlgorithm, PublicKeyUse};
use serde::Deserialize;

/// A JWKS larger than this is refused: a handful of RSA keys is ~2 KiB, so 64 KiB leaves room
/// for any real provider while bounding what a hostile one can make the server hold.
pub(crate) const MAX_JWKS_BYTES: usize = 64 * 1024;
/// Keys past their TTL keep verifying tokens while refreshes fail, for at most this long: an
/// hour of provider outage keeps users signed in, and a key the provider removed cannot live
/// on indefinitely behind a blocked refresh.
pub(crate) const MAX_STALE: Duration = Duration::from_secs(3600);
/// After a failed fetch, requests with no usable keys fail at once for this long instead of
/// each starting a fetch: a down provider costs one fetch a second at most.
pub(crate) const FAILED_FETCH_BACKOFF: Duration = Duration::from_secs(1);

/// Why no key was found for a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JwksError {
    /// The provider's current set has no key with this `kid` (the token is refused).
    UnknownKid,
    /// No usable set: the provider could not be fetched or read.
    Unavailable,
}

/// How the cache is tuned (from the `--jwks-*` flags).
#[derive(Debug, Clone)]
pub(crate) struct JwksSettings {
    pub(crate) url: String,
    pub(crate) ttl: Duration,
    pub(crate) refetch_cooldown: Duration,
    pub(crate) timeout: Duration,
}

/// The cached JWKS. Cheap to clone; clones share the cache.
#[derive(Clone)]
pub(crate) struct JwksCache {
    inner: Arc<CacheInner>,
}

impl std::fmt::Debug for JwksCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwksCache")
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

struct CacheInner {
    settings: JwksSettings,
    http: reqwest::Client,
    state: Mutex<CacheState>,
}

/// The outcome of one fetch, shared by everyone who waited for it.
type Outcome = Result<Arc<KeySet>, JwksError>;

#[derive(Default)]
struct CacheState {
    /// The last set fetched successfully, and when.
    keys: Option<(Arc<KeySet>, Instant)>,
    /// When the last fetch started (the `kid` cooldown counts from here).
    last_attempt: Option<Instant>,
    /// When the last fetch failed, if it did.
    last_failure: Option<Instant>,
    in_flight: Option<Shared<BoxFuture<'static, Outcome>>>,
}

/// The usable keys of one fetched set, by `kid`.
#[derive(Default)]
pub(crate) struct KeySet {
    keys: HashMap<String, DecodingKey>,
}

impl JwksCache {
    /// A cache for `settings.url`; builds the HTTP client (no redirects, the fetch timeout).
    pub(crate) fn new(settings: JwksSettings) -> Result<Self, reqwest::Error> {
        let mut http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(settings.timeout);
        // A system proxy must not intercept a JWKS on this machine (the default is our own).
        if is_loopback_url(&settings.url) {
            http = http.no_proxy();
        }
        Ok(Self {
            inner: Arc::new(CacheInner {
                settings,
                http: http.build()?,
                state: Mutex::new(CacheState::default()),
            }),
        })
    }

    /// The verification key for `kid`, fetching the set only as the module docs describe.
    pub(crate) async fn key(&self, kid: &str) -> Result<DecodingKey, JwksError> {
        let pending = {
            let mut state = self.lock()?;
            let now = Instant::now();
            let settings = &self.inner.settings;
            let usable = state
                .keys
                .as_ref()
                .filter(|(_, at)| now.duration_since(*at) < settings.ttl + MAX_STALE)
                .map(|(set, at)| (Arc::clone(set), *at));
            match usable {
                Some((set, fetched_at)) => {
                    if now.duration_since(fetched_at) >= settings.ttl
                        && !recently(state.last_attempt, now, FAILED_FETCH_BACKOFF)
                    {
                        // Refresh in the background; this request uses the keys it has.
                        drop(self.start_fetch(&mut state, now));
                    }
                    if let Some(key) = set.keys.get(kid) {
                        return Ok(key.clone());
                    }
                    match &state.in_flight {
                        Some(fetch) => fetch.clone(),
                        None if recently(state.last_attempt, now, settings.refetch_cooldown) => {
                            return Err(JwksError::UnknownKid);
                        }
                        None => self.start_fetch(&mut state, now),
                    }
                }
                None => match &state.in_flight {
                    Some(fetch) => fetch.clone(),
                    None if recently(state.last_failure, now, FAILED_FETCH_BACKOFF) => {
                        return Err(JwksError::Unavailable);
                    }
                    None => self.start_fetch(&mut state, now),
                },
            }
        };
        let set = pending.await?;
        set.keys.get(kid).cloned().ok_or(JwksError::UnknownKid)
    }

    fn lock(&self) -> Result<MutexGuard<'_, CacheState>, JwksError> {
        // A poisoned lock means a panic mid-update: report the keys as unavailable (500).
        self.inner.state.lock().map_err(|_| JwksError::Unavailable)
    }

    /// Starts the one fetch (in its own task, so a cancelled request does not cancel it for
    /// the others), or returns the one already running.
    fn start_fetch(
        &self,
        state: &mut CacheState,
        now: Instant,
    ) -> Shared<BoxFuture<'static, Outcome>> {
        if let Some(fetch) = &state.in_flight {
            return fetch.clone();
        }
        state.last_attempt = Some(now);
        let cache = self.clone();
        let task = tokio::spawn(async move {
            let outcome = cache.fetch().await;
            cache.finish(&outcome);
            outcome
        });
        let shared = async move { task.await.unwrap_or(Err(JwksError::Unavailable)) }
            .boxed()
            .shared();
        state.in_flight = Some(shared.clone());
        shared
    }

    fn finish(&self, outcome: &Outcome) {
        let Ok(mut state) = self.lock() else { return };
        state.in_flight = None;
        let now = Instant::now();
        match outcome {
            Ok(set) => {
                state.keys = Some((Arc::clone(set), now));
                state.last_failure = None;
            }
            Err(_) => state.last_failure = Some(now),
        }
    }

    async fn fetch(&self) -> Outcome {
        let body = self.fetch_body().await.map_err(|reason| {
            tracing::warn!(reason, "JWKS fetch failed");
            JwksError::Unavailable
        })?;
        let set = KeySet::parse(&body).ok_or_else(|| {
            tracing::warn!("JWKS fetch failed: not a JWKS document");
            JwksError::Unavailable
        })?;
        tracing::info!(keys = set.keys.len(), "JWKS fetched");
        Ok(Arc::new(set))
    }

    /// The response body, at most [`MAX_JWKS_BYTES`]; the error names what went wrong.
    async fn fetch_body(&self) -> Result<Vec<u8>, &'static str> {
        let mut response = self
            .inner
            .http
            .get(&self.inner.settings.url)
            .send()
            .await
            .map_err(|err| {
                if err.is_timeout() {
                    "timed out"
                } else {
                    "unreachable"
                }
            })?;
        if response.status().is_redirection() {
            return Err("redirects are not followed");
        }
        if !response.status().is_success() {
            return Err("error status");
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_JWKS_BYTES as u64)
        {
            return Err("larger than the size cap");
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|err| {
            if err.is_timeout() {
                "timed out"
            } else {
                "body unreadable"
            }
        })? {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                return Err("larger than the size cap");
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

impl KeySet {
    /// The RS256 signing keys of a JWKS document that have a `kid`; other entries (encryption
    /// keys, other algorithms, kinds this library does not read) are skipped, not fatal.
    fn parse(body: &[u8]) -> Option<Self> {
        #[derive(Deserialize)]
        struct Document {
            keys: Vec<serde_json::Value>,
        }
        let document: Document = serde_json::from_slice(body).ok()?;
        let keys = document
            .keys
            .into_iter()
            .filter_map(|value| serde_json::from_value::<Jwk>(value).ok())
            .filter(|jwk| {
                matches!(jwk.common.key_algorithm, None | Some(KeyAlgorithm::RS256))
                    && matches!(
                        jwk.common.public_key_use,
                        None | Some(PublicKeyUse::Signature)
                    )
            })
            .filter_map(|jwk| {
                let kid = jwk.common.key_id.clone()?;
                Some((kid, DecodingKey::from_jwk(&jwk).ok()?))
            })
            .collect();
        Some(Self { keys })
    }
}

fn recently(at: Option<Instant>, now: Instant, within: Duration) -> bool {
    at.is_some_and(|at| now.duration_since(at) < within)
}

fn is_loopback_url(url: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(url) else {
        return false;
    };
    match url.host_str() {
        Some("localhost") => true,
        Some(host) => host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_urls() {
        assert!(is_loopback_url(
            "http://127.0.0.1:8787/.well-known/jwks.json"
        ));
        assert!(is_loopback_url("http://[::1]:1/x"));
        assert!(is_loopback_url("http://localhost/x"));
        assert!(!is_loopback_url(
            "https://cognito-idp.example.com/jwks.json"
        ));
    }

    #[test]
    fn only_rs256_signing_keys_with_a_kid_are_kept() {
        let dev = crate::idp::jwks(true);
        let rsa = &dev["keys"][0];
        let mut no_kid = rsa.clone();
        no_kid.as_object_mut().unwrap().remove("kid");
        let mut enc = rsa.clone();
        enc["use"] = "enc".into();
        enc["kid"] = "enc".into();
        let mut hs = rsa.clone();
        hs["alg"] = "RS512".into();
        hs["kid"] = "rs512".into();
        let doc = serde_json::json!({"keys": [rsa, no_kid, enc, hs, {"kty": "weird", "kid": "w"}]});
        let set = KeySet::parse(doc.to_string().as_bytes()).unwrap();
        assert_eq!(set.keys.keys().collect::<Vec<_>>(), ["dev-idp-1"]);
        assert!(KeySet::parse(b"{\"keys\": 5}").is_none());
        assert!(KeySet::parse(b"<html>").is_none());
    }
}
