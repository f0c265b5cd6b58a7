//! The request journal (`--dev` only): what each request was, in order, without a secret, so a
//! test can assert "exactly one mint" or "the key was fetched once" without spending quota.
//!
//! An entry holds the route *pattern* (never the path: playback paths carry tokens), the
//! method, the status, the catalog code of an error envelope, the 12-character prefix of a
//! well-formed API key (public, per the contract), the video or job id of the path, and the
//! time the handler took. Headers, query strings and bodies are never kept.

use std::collections::VecDeque;
use std::sync::Mutex;

use axum::body::HttpBody as _;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::state::AppState;

/// How many entries the journal keeps; older ones are dropped first. A test sends far fewer,
/// and an entry is about 200 bytes, so a full journal costs about 2 MB.
pub const JOURNAL_CAPACITY: usize = 10_000;

/// The largest error body read for its code: every envelope this server writes is far
/// smaller, and a larger body (or one of unknown length) is simply not inspected.
const MAX_INSPECTED_BODY: u64 = 4 * 1024;

/// The journal's own route: reading the journal is not journaled.
const JOURNAL_ROUTE: &str = "/dev/requests";

/// One request as the journal saw it. Holds no secret: no header, token, full key or path.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct JournalEntry {
    /// Position since the server started (1, 2, …), in the order the answers were ready
    /// (`at` is when each request arrived); never reused, not reset by a clear.
    pub seq: u64,
    /// When the request arrived, by the server clock (RFC 3339, so it follows `/dev/clock`).
    pub at: String,
    /// `GET`, `POST`, … (`<long>` for an extension method over 16 characters)
    pub method: String,
    /// The route pattern, e.g. `/v1/video/{video_id}/playback-token`; `<unmatched>` for a
    /// request no route matched.
    pub route: String,
    /// The HTTP status answered.
    pub status: u16,
    /// `error.code` of an error envelope (either family), e.g. `RATE_LIMIT_EXCEEDED`.
    pub code: Option<String>,
    /// The first 12 characters of a well-formed `x-ansdev-key` (e.g. `ak_live_7c1b`).
    pub key_prefix: Option<String>,
    /// The `video_id` (or, on playback routes, `job_id`) path parameter, when it is a valid id.
    pub video_id: Option<String>,
    /// Time from the request reaching the server to its response head, in milliseconds.
    pub duration_ms: f64,
}

/// A bounded, ordered record of requests (see [`JOURNAL_CAPACITY`]).
#[derive(Debug, Default)]
pub(crate) struct Journal {
    inner: Mutex<Ring>,
}

#[derive(Debug, Default)]
struct Ring {
    entries: VecDeque<JournalEntry>,
    next_seq: u64,
    /// Entries dropped to stay within capacity since the last clear.
    dropped: u64,
}

/// A copy of the journal, as `GET /dev/requests` answers it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JournalSnapshot {
    pub(crate) capacity: usize,
    pub(crate) dropped: u64,
    pub(crate) requests: Vec<JournalEntry>,
}

impl Journal {
    fn push(&self, mut entry: JournalEntry) {
        let Ok(mut ring) = self.inner.lock() else {
            return;
        };
        ring.next_seq += 1;
        entry.seq = ring.next_seq;
        if ring.entries.len() >= JOURNAL_CAPACITY {
            ring.entries.pop_front();
            ring.dropped += 1;
        }
        ring.entries.push_back(entry);
    }

    /// Every entry kept, oldest first.
    pub(crate) fn snapshot(&self) -> JournalSnapshot {
        let (requests, dropped) = self
            .inner
            .lock()
            .map(|ring| (ring.entries.iter().cloned().collect(), ring.dropped))
            .unwrap_or_default();
        JournalSnapshot {
            capacity: JOURNAL_CAPACITY,
            dropped,
            requests,
        }
    }

    /// Forgets every entry (sequence numbers keep counting).
    pub(crate) fn clear(&self) {
        if let Ok(mut ring) = self.inner.lock() {
            ring.entries.clear();
            ring.dropped = 0;
        }
    }
}

/// The longest method name kept: every standard method fits, and an extension method (any
/// token the client likes) cannot make an entry large.
const MAX_METHOD_CHARS: usize = 16;

fn journaled_method(method: &axum::http::Method) -> String {
    let name = method.as_str();
    if name.len() <= MAX_METHOD_CHARS {
        name.to_owned()
    } else {
        "<long>".to_owned()
    }
}

/// The 12-character prefix of a well-formed API key; nothing for anything else, which might
/// be some other secret pasted into the header.
fn key_prefix(headers: &HeaderMap) -> Option<String> {
    let value = headers
        .get(sdk_core::endpoint::API_KEY_HEADER)?
        .to_str()
        .ok()?;
    let key = sdk_core::ApiKey::new(value).ok()?;
    Some(key.prefix().to_owned())
}

/// The video (or job) id of the path, when it is a valid id; never the token parameter.
fn video_id(params: &RawPathParams) -> Option<String> {
    params
        .iter()
        .find(|(name, _)| *name == "video_id")
        .or_else(|| params.iter().find(|(name, _)| *name == "job_id"))
        .and_then(|(_, value)| sdk_core::VideoId::new(value).ok())
        .map(|id| id.as_str().to_owned())
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"))
}

/// The `error.code` of an error envelope, and the response rebuilt around the same bytes. Only
/// an error answer with a small body of known length is read, so a streamed or failing body
/// (a reset-connection fault) passes through untouched.
async fn error_code(response: Response) -> (Option<String>, Response) {
    let small = response
        .body()
        .size_hint()
        .exact()
        .is_some_and(|n| n <= MAX_INSPECTED_BODY);
    if response.status() < StatusCode::BAD_REQUEST || !small || !is_json(response.headers()) {
        return (None, response);
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, usize::try_from(MAX_INSPECTED_BODY).unwrap_or(4096)).await
    else {
        return (None, Response::from_parts(parts, Body::empty()));
    };
    let code = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("error")?.get("code")?.as_str().map(str::to_owned));
    (code, Response::from_parts(parts, Body::from(bytes)))
}

/// Records each request in the journal (mounted only with `--dev`).
pub(crate) async fn record(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "<unmatched>".to_owned(), |p| p.as_str().to_owned());
    if route == JOURNAL_ROUTE {
        return next.run(request).await;
    }
    let at = state
        .clock()
        .now()
        .format(&Rfc3339)
        .unwrap_or_else(|_| OffsetDateTime::UNIX_EPOCH.to_string());
    let method = journaled_method(request.method());
    let key_prefix = key_prefix(request.headers());
    let (mut parts, body) = request.into_parts();
    let video_id = RawPathParams::from_request_parts(&mut parts, &())
        .await
        .ok()
        .and_then(|params| video_id(&params));
    let started = std::time::Instant::now();
    let response = next.run(Request::from_parts(parts, body)).await;
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    let status = response.status().as_u16();
    let (code, response) = error_code(response).await;
    state.inner.journal.push(JournalEntry {
        seq: 0,
        at,
        method,
        route,
        status,
        code,
        key_prefix,
        video_id,
        duration_ms,
    });
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(route: &str) -> JournalEntry {
        JournalEntry {
            seq: 0,
            at: String::new(),
            method: "GET".into(),
            route: route.into(),
            status: 200,
            code: None,
            key_prefix: None,
            video_id: None,
            duration_ms: 0.0,
        }
    }

    #[test]
    fn the_journal_keeps_the_newest_entries_up_to_its_capacity() {
        let journal = Journal::default();
        for _ in 0..JOURNAL_CAPACITY + 5 {
            journal.push(entry("/healthz"));
        }
        let snapshot = journal.snapshot();
        assert_eq!(snapshot.requests.len(), JOURNAL_CAPACITY);
        assert_eq!(snapshot.dropped, 5);
        assert_eq!(snapshot.requests.first().map(|e| e.seq), Some(6));
        journal.clear();
        journal.push(entry("/healthz"));
        let snapshot = journal.snapshot();
        assert_eq!(snapshot.dropped, 0);
        assert_eq!(
            snapshot.requests.iter().map(|e| e.seq).collect::<Vec<_>>(),
            [JOURNAL_CAPACITY as u64 + 6]
        );
    }

    #[test]
    fn a_long_extension_method_is_not_kept() {
        let long = axum::http::Method::from_bytes(&[b'X'; 4096]).unwrap();
        assert_eq!(journaled_method(&long), "<long>");
        assert_eq!(journaled_method(&axum::http::Method::OPTIONS), "OPTIONS");
    }

    #[test]
    fn only_a_well_formed_key_leaves_its_prefix() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-ansdev-key",
            "ak_live_0123456789abcdef0123456789abcdef".parse().unwrap(),
        );
        assert_eq!(key_prefix(&headers).as_deref(), Some("ak_live_0123"));
        headers.insert(
            "x-ansdev-key",
            "Bearer eyJhbGciOiJIUzI1NiJ9.x.y".parse().unwrap(),
        );
        assert_eq!(key_prefix(&headers), None);
    }
}
