//! The `X-RateLimit-*` headers of the mint route.

use std::time::Duration;

use http::HeaderMap;
use time::OffsetDateTime;

/// `X-RateLimit-Limit`: the key's daily playback-token limit.
pub const HEADER_LIMIT: &str = "x-ratelimit-limit";
/// `X-RateLimit-Remaining`: mints left today.
pub const HEADER_REMAINING: &str = "x-ratelimit-remaining";
/// `X-RateLimit-Reset`: Unix seconds of the next reset (00:00:00 UTC).
pub const HEADER_RESET: &str = "x-ratelimit-reset";

/// The longest wait the SDK derives from a server's header: the daily quota resets at the next
/// 00:00 UTC, so never more than 24 hours away. A later reset (a broken or hostile server) is
/// capped to this, so it can never pause minting or a retry for longer than a day.
pub const MAX_RESET_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// The daily playback-token quota as the mint route reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RateLimit {
    /// The key's daily limit.
    pub limit: u32,
    /// Mints left until the reset.
    pub remaining: u32,
    /// Unix seconds of the reset.
    pub reset_at: u64,
    /// Unix seconds of the response's `Date` header, when it had one: the server's "now", used to
    /// compute the wait until the reset without trusting the client's wall clock.
    pub server_time: Option<u64>,
}

impl RateLimit {
    /// A rate-limit state (mostly for tests and servers).
    #[must_use]
    pub fn new(limit: u32, remaining: u32, reset_at: u64) -> Self {
        Self {
            limit,
            remaining,
            reset_at,
            server_time: None,
        }
    }

    /// Reads the three headers: `None` unless all three are present and well-formed. The
    /// rate-limit state is advice that rides along an answer (never a reason to refuse one), so
    /// a route without a quota and a server sending nonsense alike leave it unknown.
    #[must_use]
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        let limit = u32::try_from(number(headers, HEADER_LIMIT)?).ok()?;
        // Remaining never exceeds the limit and never goes below zero.
        let remaining = u32::try_from(number(headers, HEADER_REMAINING)?)
            .ok()?
            .min(limit);
        let reset_at = number(headers, HEADER_RESET)?;
        Some(Self {
            limit,
            remaining,
            reset_at,
            server_time: server_date(headers),
        })
    }

    /// The reset time as a UTC date-time.
    #[must_use]
    pub fn reset_at_utc(&self) -> Option<OffsetDateTime> {
        i64::try_from(self.reset_at)
            .ok()
            .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
    }

    /// How long until the quota resets, as the server says it. Uses the response's `Date` when
    /// known; otherwise the caller's wall clock `now_unix` (seconds). Zero when the reset is
    /// already past. Not capped: [`QuotaExhausted`](crate::QuotaExhausted) caps what it waits
    /// at [`MAX_RESET_WAIT`].
    #[must_use]
    pub fn time_until_reset(&self, now_unix: Option<u64>) -> Option<Duration> {
        let now = self.server_time.or(now_unix)?;
        Some(Duration::from_secs(self.reset_at.saturating_sub(now)))
    }

    /// Whether the remaining quota is at or below `fraction` of the limit (e.g. `0.1`).
    #[must_use]
    pub fn is_low(&self, fraction: f64) -> bool {
        f64::from(self.remaining) <= f64::from(self.limit) * fraction
    }
}

/// A header's value as a non-negative integer, `None` when absent or anything else.
fn number(headers: &HeaderMap, name: &'static str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// Parses an HTTP `Date` header (IMF-fixdate, e.g. `Tue, 24 Nov 2026 03:15:59 GMT`).
fn server_date(headers: &HeaderMap) -> Option<u64> {
    let raw = headers.get(http::header::DATE)?.to_str().ok()?;
    let parsed = httpdate::parse_http_date(raw).ok()?;
    parsed
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs())
}

/// `unix` seconds as an RFC 3339 UTC time (`2026-11-25T00:00:00Z`), or the bare number when it
/// is out of range. Formatted by hand from the date's parts: `time`'s formatting machinery would
/// add kilobytes to the browser wasm for this one message.
pub(crate) fn rfc3339_utc(unix: u64) -> String {
    match i64::try_from(unix)
        .ok()
        .and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())
    {
        Some(t) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        ),
        None => format!("Unix time {unix}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn reads_the_three_headers_and_the_server_date() {
        let map = headers(&[
            ("X-RateLimit-Limit", "1000"),
            ("X-RateLimit-Remaining", "998"),
            ("X-RateLimit-Reset", "1795564800"),
            ("Date", "Tue, 24 Nov 2026 23:58:00 GMT"),
        ]);
        let rl = RateLimit::from_headers(&map).unwrap();
        assert_eq!(
            (rl.limit, rl.remaining, rl.reset_at),
            (1000, 998, 1_795_564_800)
        );
        assert_eq!(rl.time_until_reset(Some(0)), Some(Duration::from_secs(120)));
        assert_eq!(
            rl.reset_at_utc().unwrap().to_string(),
            "2026-11-25 0:00:00.0 +00:00:00"
        );
    }

    #[test]
    fn absent_partial_or_broken_headers_are_none() {
        assert_eq!(RateLimit::from_headers(&HeaderMap::new()), None);
        for broken in [
            [
                ("X-RateLimit-Limit", "1000"),
                ("X-RateLimit-Remaining", "-1"),
                ("X-RateLimit-Reset", "1"),
            ],
            [
                ("X-RateLimit-Limit", "1000"),
                ("X-RateLimit-Remaining", "1"),
                ("X-RateLimit-Reset", "soon"),
            ],
            [
                ("X-RateLimit-Limit", "99999999999"),
                ("X-RateLimit-Remaining", "1"),
                ("X-RateLimit-Reset", "1"),
            ],
        ] {
            assert_eq!(
                RateLimit::from_headers(&headers(&broken)),
                None,
                "{broken:?}"
            );
        }
        assert_eq!(
            RateLimit::from_headers(&headers(&[("X-RateLimit-Limit", "10")])),
            None
        );
        // A remaining count above the limit is read as the limit.
        let over = RateLimit::from_headers(&headers(&[
            ("X-RateLimit-Limit", "10"),
            ("X-RateLimit-Remaining", "50"),
            ("X-RateLimit-Reset", "1"),
        ]));
        assert_eq!(over.map(|r| r.remaining), Some(10));
    }

    #[test]
    fn without_a_date_the_callers_clock_is_used() {
        let rl = RateLimit::new(10, 0, 1000);
        assert_eq!(rl.time_until_reset(None), None);
        assert_eq!(
            rl.time_until_reset(Some(990)),
            Some(Duration::from_secs(10))
        );
        assert_eq!(rl.time_until_reset(Some(2000)), Some(Duration::ZERO));
        assert!(rl.is_low(0.1));
    }

    #[test]
    fn reset_times_read_as_rfc3339() {
        assert_eq!(rfc3339_utc(1_795_564_800), "2026-11-25T00:00:00Z");
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(u64::MAX), format!("Unix time {}", u64::MAX));
    }
}
