//! Fault injection for tests (`POST /dev/faults`, `--dev` only): the next `count` requests of a
//! route get a chosen status, a delay, a malformed or empty body, or a reset connection.

use std::sync::Mutex;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sdk_core::{CodeFamily, ErrorCode};
use serde::Deserialize;

use crate::error::ansdev_body;
use crate::state::AppState;

/// What a faulty response carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FaultBody {
    /// A well-formed Ansdev error envelope for the status.
    #[default]
    Envelope,
    /// Truncated JSON.
    Malformed,
    /// No body at all.
    Empty,
}

/// One `POST /dev/faults` request.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct FaultRule {
    /// `mint|key|manifest|segment|list|get|any`.
    pub(crate) route: String,
    #[serde(default = "default_status")]
    pub(crate) status: u16,
    #[serde(default = "default_count")]
    pub(crate) count: u32,
    #[serde(default)]
    pub(crate) delay_ms: u64,
    #[serde(default)]
    pub(crate) body: FaultBody,
    #[serde(default)]
    pub(crate) reset_connection: bool,
}

fn default_status() -> u16 {
    503
}

fn default_count() -> u32 {
    1
}

pub(crate) const ROUTES: &[&str] = &["mint", "key", "manifest", "segment", "list", "get", "any"];

/// Armed faults, consumed in order.
#[derive(Debug, Default)]
pub(crate) struct FaultSet {
    rules: Mutex<Vec<FaultRule>>,
}

impl FaultSet {
    pub(crate) fn arm(&self, rule: FaultRule) {
        if let Ok(mut rules) = self.rules.lock() {
            rules.push(rule);
        }
    }

    /// Takes one use of the first rule matching `route`.
    fn take(&self, route: &str) -> Option<FaultRule> {
        let mut rules = self.rules.lock().ok()?;
        let index = rules
            .iter()
            .position(|r| r.count > 0 && (r.route == route || r.route == "any"))?;
        let rule = rules.get_mut(index)?;
        rule.count -= 1;
        let taken = rule.clone();
        if rule.count == 0 {
            rules.remove(index);
        }
        Some(taken)
    }
}

/// The fault-injection route name of a request (`None` for dev, health and other routes).
fn route_of(method: &Method, path: &str) -> Option<&'static str> {
    if path.starts_with("/v1/video/playback/manifest/") {
        Some("manifest")
    } else if path.starts_with("/v1/video/playback/key/") || path.starts_with("/video/key/") {
        Some("key")
    } else if path.starts_with("/cdn/") {
        Some("segment")
    } else if path == "/v1/video" {
        Some("list")
    } else if let Some(rest) = path.strip_prefix("/v1/video/") {
        match (method, rest.ends_with("/playback-token")) {
            (&Method::POST, true) => Some("mint"),
            (&Method::GET, false) => Some("get"),
            _ => None,
        }
    } else {
        None
    }
}

/// Applies an armed fault, or passes the request on.
pub(crate) async fn middleware(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let fault = route_of(request.method(), request.uri().path())
        .and_then(|route| state.inner.faults.take(route));
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    if fault.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
    }
    let status = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    if fault.reset_connection {
        // A body that fails makes hyper abort the connection mid-response.
        let failing = futures_util::stream::once(async {
            Err::<bytes::Bytes, std::io::Error>(std::io::Error::from(
                std::io::ErrorKind::ConnectionReset,
            ))
        });
        return (status, Body::from_stream(failing)).into_response();
    }
    if status.is_success() && fault.body == FaultBody::Envelope {
        // A delay-only fault: the real answer, late.
        return next.run(request).await;
    }
    // A server error is INTERNAL_ERROR; otherwise the first Ansdev code of that status.
    let code = if status.is_server_error() {
        ErrorCode::InternalError
    } else {
        ErrorCode::ALL
            .iter()
            .find(|c| {
                c.status() == Some(status)
                    && c.info()
                        .is_some_and(|i| i.family != CodeFamily::Intelligence)
            })
            .cloned()
            .unwrap_or(ErrorCode::InternalError)
    };
    let body = match fault.body {
        FaultBody::Envelope => ansdev_body(&code, None, status),
        FaultBody::Malformed => "{\"success\": false, \"error\": {\"code\": ".to_owned(),
        FaultBody::Empty => String::new(),
    };
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_classified() {
        assert_eq!(
            route_of(&Method::POST, "/v1/video/v/playback-token"),
            Some("mint")
        );
        assert_eq!(route_of(&Method::GET, "/v1/video/v"), Some("get"));
        assert_eq!(route_of(&Method::GET, "/v1/video"), Some("list"));
        assert_eq!(
            route_of(&Method::GET, "/cdn/j/720p/chunk_0000.ts"),
            Some("segment")
        );
        assert_eq!(route_of(&Method::GET, "/video/key/j"), Some("key"));
        assert_eq!(route_of(&Method::POST, "/dev/clock"), None);
    }

    #[test]
    fn counts_are_consumed() {
        let set = FaultSet::default();
        set.arm(FaultRule {
            route: "mint".into(),
            status: 503,
            count: 2,
            delay_ms: 0,
            body: FaultBody::Envelope,
            reset_connection: false,
        });
        assert!(set.take("get").is_none());
        assert!(set.take("mint").is_some());
        assert!(set.take("mint").is_some());
        assert!(set.take("mint").is_none());
    }
}
