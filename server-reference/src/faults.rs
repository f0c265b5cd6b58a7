//! Fault injection for tests (`POST /dev/faults`, `--dev` only): the next `count` requests of a
//! route get a chosen status, a delay, a malformed or empty body, or a reset connection.
//!
//! A rule names its route by a short name (`mint`, `manifest`, …, each a set of route
//! patterns) or by one route pattern as the journal reports it. A request is matched by the
//! pattern axum routed it to (`MatchedPath`), never by re-reading its path.

use std::ops::RangeInclusive;
use std::sync::Mutex;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sdk_core::{CodeFamily, ErrorCode};
use serde::Deserialize;
use serde_json::Number;

use crate::dev_refusal::DevRefusal;
use crate::error::ansdev_body;
use crate::routes::patterns;
use crate::state::AppState;

/// What a faulty response carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum FaultBody {
    /// A well-formed Ansdev error envelope for the status.
    #[default]
    Envelope,
    /// Truncated JSON.
    Malformed,
    /// No body at all.
    Empty,
}

impl FaultBody {
    fn from_wire(raw: &str) -> Option<Self> {
        match raw {
            "envelope" => Some(Self::Envelope),
            "malformed" => Some(Self::Malformed),
            "empty" => Some(Self::Empty),
            _ => None,
        }
    }
}

/// The statuses a fault may answer with. 1xx are interim answers (a bare 101 would switch the
/// connection's protocol) and nothing above 599 is an HTTP status.
const STATUSES: RangeInclusive<u64> = 200..=599;
/// The most requests one rule may hit: far more than any test sends, and never zero (a rule
/// that can never be used up would stay armed forever).
const COUNTS: RangeInclusive<u64> = 1..=10_000;
/// The longest delay: a minute outlasts every client timeout under test; longer only ties up
/// a connection.
const MAX_DELAY_MS: u64 = 60_000;
/// How many rules may be armed at once: a test arms a handful, and the list is scanned on
/// every request.
pub(crate) const MAX_RULES: usize = 64;

/// One `POST /dev/faults` body as sent; [`FaultRule::try_from`] checks every field. Numbers
/// are kept as JSON numbers so an out-of-range one is named, not a parse failure.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct FaultRequest {
    route: String,
    #[serde(default)]
    status: Option<Number>,
    #[serde(default)]
    count: Option<Number>,
    #[serde(default)]
    delay_ms: Option<Number>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    reset_connection: bool,
}

/// An armed fault. Built only from a checked [`FaultRequest`], so every rule has a status
/// from 200 to 599, a count from 1, and a bounded delay.
#[derive(Debug, Clone)]
pub(crate) struct FaultRule {
    target: Target,
    status: StatusCode,
    /// Uses left; a rule is removed when it reaches zero.
    count: u64,
    delay: Duration,
    body: FaultBody,
    reset_connection: bool,
}

/// A number field within `range`, or the named refusal.
fn number_in(
    field: &'static str,
    value: Option<&Number>,
    default: u64,
    range: RangeInclusive<u64>,
) -> Result<u64, DevRefusal> {
    let Some(value) = value else {
        return Ok(default);
    };
    value.as_u64().filter(|n| range.contains(n)).ok_or_else(|| {
        DevRefusal::new(
            field,
            format!(
                "{field} must be an integer from {} to {}",
                range.start(),
                range.end()
            ),
        )
    })
}

impl TryFrom<FaultRequest> for FaultRule {
    type Error = DevRefusal;

    fn try_from(request: FaultRequest) -> Result<Self, DevRefusal> {
        let target = Target::parse(&request.route).ok_or_else(|| {
            DevRefusal::new(
                "route",
                format!(
                    "route must be one of {} or a route pattern of the API, e.g. {}",
                    ROUTES.join(", "),
                    patterns::MINT
                ),
            )
        })?;
        let status = number_in("status", request.status.as_ref(), 503, STATUSES)?;
        let status = u16::try_from(status)
            .ok()
            .and_then(|s| StatusCode::from_u16(s).ok())
            .ok_or_else(|| {
                DevRefusal::new("status", "status must be an integer from 200 to 599")
            })?;
        let count = number_in("count", request.count.as_ref(), 1, COUNTS)?;
        let delay_ms = number_in("delayMs", request.delay_ms.as_ref(), 0, 0..=MAX_DELAY_MS)?;
        let body = match request.body.as_deref() {
            None => FaultBody::Envelope,
            Some(raw) => FaultBody::from_wire(raw).ok_or_else(|| {
                DevRefusal::new("body", "body must be one of envelope, malformed, empty")
            })?,
        };
        Ok(Self {
            target,
            status,
            count,
            delay: Duration::from_millis(delay_ms),
            body,
            reset_connection: request.reset_connection,
        })
    }
}

/// The short route names and the routes (method, pattern) each covers.
const ALIASES: &[(&str, &[(&str, &str)])] = &[
    ("mint", &[("POST", patterns::MINT)]),
    (
        "key",
        &[("GET", patterns::KEY), ("GET", patterns::SESSION_KEY)],
    ),
    (
        "manifest",
        &[("GET", patterns::MASTER), ("GET", patterns::MEDIA)],
    ),
    ("segment", &[("GET", patterns::SEGMENT)]),
    ("list", &[("GET", patterns::LIST)]),
    ("get", &[("GET", patterns::VIDEO)]),
];

/// The short names a rule may use: the aliases, and `any` for every route they cover.
pub(crate) const ROUTES: &[&str] = &["mint", "key", "manifest", "segment", "list", "get", "any"];

/// Which requests a rule hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// The routes of one short name.
    Alias(&'static [(&'static str, &'static str)]),
    /// Every route of every short name.
    Any,
    /// One route pattern, any method.
    Pattern(&'static str),
}

impl Target {
    fn parse(route: &str) -> Option<Self> {
        if route == "any" {
            return Some(Self::Any);
        }
        if let Some((_, routes)) = ALIASES.iter().find(|(name, _)| *name == route) {
            return Some(Self::Alias(routes));
        }
        patterns::FAULTABLE
            .iter()
            .find(|p| **p == route)
            .map(|p| Self::Pattern(p))
    }

    /// Whether a request of `method` that axum routed to `pattern` is hit.
    fn hits(self, method: &str, pattern: &str) -> bool {
        let covers =
            |routes: &[(&str, &str)]| routes.iter().any(|(m, p)| *m == method && *p == pattern);
        match self {
            Self::Alias(routes) => covers(routes),
            Self::Any => ALIASES.iter().any(|(_, routes)| covers(routes)),
            Self::Pattern(p) => p == pattern,
        }
    }
}

/// Armed faults, consumed in order; at most [`MAX_RULES`] at a time.
#[derive(Debug, Default)]
pub(crate) struct FaultSet {
    rules: Mutex<Vec<FaultRule>>,
}

impl FaultSet {
    /// Arms a rule, unless [`MAX_RULES`] are already armed.
    pub(crate) fn arm(&self, rule: FaultRule) -> Result<(), DevRefusal> {
        let mut rules = self
            .rules
            .lock()
            .map_err(|_| DevRefusal::new("faults", "the fault list is unavailable"))?;
        if rules.len() >= MAX_RULES {
            return Err(DevRefusal::new(
                "faults",
                format!("{MAX_RULES} faults are armed already: let some be used up first"),
            ));
        }
        rules.push(rule);
        Ok(())
    }

    /// Takes one use of the first rule hitting a `method` request routed to `pattern`.
    fn take(&self, method: &str, pattern: &str) -> Option<FaultRule> {
        let mut rules = self.rules.lock().ok()?;
        let index = rules.iter().position(|r| r.target.hits(method, pattern))?;
        let rule = rules.get_mut(index)?;
        rule.count = rule.count.saturating_sub(1);
        let taken = rule.clone();
        if rule.count == 0 {
            rules.remove(index);
        }
        Some(taken)
    }
}

/// Applies an armed fault, or passes the request on.
pub(crate) async fn middleware(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    // Unrouted requests (404, 405 fallbacks) carry no pattern and are never hit.
    let fault = request
        .extensions()
        .get::<MatchedPath>()
        .and_then(|pattern| {
            state
                .inner
                .faults
                .take(request.method().as_str(), pattern.as_str())
        });
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    if !fault.delay.is_zero() {
        tokio::time::sleep(fault.delay).await;
    }
    let status = fault.status;
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
    fn short_names_and_patterns_cover_their_routes() {
        let hits = |route: &str, method: &str, pattern: &str| {
            Target::parse(route).unwrap().hits(method, pattern)
        };
        assert!(hits("mint", "POST", patterns::MINT));
        assert!(!hits("mint", "GET", patterns::VIDEO));
        assert!(hits("get", "GET", patterns::VIDEO));
        assert!(hits("list", "GET", patterns::LIST));
        assert!(hits("segment", "GET", patterns::SEGMENT));
        assert!(hits("key", "GET", patterns::SESSION_KEY));
        assert!(hits("manifest", "GET", patterns::MEDIA));
        assert!(hits("any", "GET", patterns::MASTER));
        assert!(!hits("any", "POST", "/dev/clock"));
        assert!(hits(patterns::MASTER, "GET", patterns::MASTER));
        assert!(!hits(patterns::MASTER, "GET", patterns::MEDIA));
        assert!(Target::parse("/dev/clock").is_none());
        assert!(Target::parse("/v1/video/vid_1").is_none());
    }

    fn rule(body: serde_json::Value) -> Result<FaultRule, DevRefusal> {
        FaultRule::try_from(serde_json::from_value::<FaultRequest>(body).unwrap())
    }

    #[test]
    fn counts_are_consumed() {
        let set = FaultSet::default();
        set.arm(rule(serde_json::json!({"route": "mint", "count": 2})).unwrap())
            .unwrap();
        assert!(set.take("GET", patterns::VIDEO).is_none());
        assert!(set.take("POST", patterns::MINT).is_some());
        assert!(set.take("POST", patterns::MINT).is_some());
        assert!(set.take("POST", patterns::MINT).is_none());
    }

    #[test]
    fn c11_out_of_range_fields_are_named() {
        use serde_json::json;
        for (body, field) in [
            (json!({"route": "mint", "status": 101}), "status"),
            (json!({"route": "mint", "status": 199}), "status"),
            (json!({"route": "mint", "status": 600}), "status"),
            (json!({"route": "mint", "status": 70_000}), "status"),
            (json!({"route": "mint", "status": -1}), "status"),
            (json!({"route": "mint", "status": 503.5}), "status"),
            (json!({"route": "mint", "count": 0}), "count"),
            (json!({"route": "mint", "count": 10_001}), "count"),
            (json!({"route": "mint", "delayMs": 60_001}), "delayMs"),
            (json!({"route": "mint", "delayMs": u64::MAX}), "delayMs"),
            (json!({"route": "mint", "body": "html"}), "body"),
            (json!({"route": "everything"}), "route"),
        ] {
            assert_eq!(rule(body.clone()).unwrap_err().field(), field, "{body}");
        }
        let ok = rule(json!({"route": "any", "status": 599, "count": 10_000, "delayMs": 60_000}))
            .unwrap();
        assert_eq!(ok.status, StatusCode::from_u16(599).unwrap());
        assert!(rule(json!({"route": "any", "status": 200})).is_ok());
    }

    #[test]
    fn c11_the_rule_list_is_bounded() {
        let set = FaultSet::default();
        for _ in 0..MAX_RULES {
            set.arm(rule(serde_json::json!({"route": "segment"})).unwrap())
                .unwrap();
        }
        let refused = set
            .arm(rule(serde_json::json!({"route": "segment"})).unwrap())
            .unwrap_err();
        assert_eq!(refused.field(), "faults");
        assert!(set.take("GET", patterns::SEGMENT).is_some());
        assert!(
            set.arm(rule(serde_json::json!({"route": "segment"})).unwrap())
                .is_ok()
        );
    }
}
