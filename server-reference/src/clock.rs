//! The server clock: wall time plus an offset that `POST /dev/clock` moves forward.
//!
//! Everything time-dependent (token `iat`/`exp` checks, key expiry, daily counters, timestamps)
//! reads this clock, so a test can cross UTC midnight or outlive a token without waiting.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use time::{Duration, OffsetDateTime, Time};

/// Wall clock plus a movable offset (shared by clones).
#[derive(Debug, Clone, Default)]
pub struct ServerClock {
    offset_seconds: Arc<AtomicI64>,
}

impl ServerClock {
    /// The current server time (UTC).
    #[must_use]
    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + Duration::seconds(self.offset_seconds.load(Ordering::SeqCst))
    }

    /// Current server time in Unix seconds.
    #[must_use]
    pub fn unix(&self) -> i64 {
        self.now().unix_timestamp()
    }

    /// Moves the clock forward (or back, for a negative value).
    pub fn advance(&self, seconds: i64) {
        self.offset_seconds.fetch_add(seconds, Ordering::SeqCst);
    }

    /// The UTC date counters are keyed by, e.g. `2025-01-31`.
    #[must_use]
    pub fn utc_day(&self) -> String {
        let d = self.now().date();
        format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    }

    /// Unix seconds of the next 00:00:00 UTC.
    #[must_use]
    pub fn next_utc_midnight(&self) -> i64 {
        let now = self.now();
        let tomorrow = now.date().next_day().unwrap_or(now.date());
        tomorrow
            .with_time(Time::MIDNIGHT)
            .assume_utc()
            .unix_timestamp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midnight_is_after_now_and_within_a_day() {
        let clock = ServerClock::default();
        let next = clock.next_utc_midnight();
        assert!(next > clock.unix());
        assert!(next - clock.unix() <= 86_400);
        let day = clock.utc_day();
        clock.advance(next - clock.unix());
        assert_ne!(clock.utc_day(), day);
    }
}
