//! The server clock: wall time plus an offset that `POST /dev/clock` moves.
//!
//! Everything time-dependent (token `iat`/`exp` checks, key expiry, daily counters, timestamps)
//! reads this clock, so a test can cross UTC midnight or outlive a token without waiting. The
//! offset stays within [`MAX_OFFSET_SECONDS`] of the wall clock, so "now" and every sum a route
//! builds on it (a token's `exp`, the next midnight) stay far inside the dates `time` and
//! SQLite can hold; and "now" never precedes the Unix epoch, since JWT times (`iat`, `exp`)
//! are non-negative numbers of seconds.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use time::{Duration, OffsetDateTime, Time};

/// How far the dev clock may be from the wall clock, either way: 100 Julian years in seconds.
/// No test needs more, and it keeps "now" about 7 900 years away from the end of `time`'s range.
pub(crate) const MAX_OFFSET_SECONDS: i64 = 100 * 31_557_600;

/// An advance the clock refused: the offset would leave ±[`MAX_OFFSET_SECONDS`], or "now"
/// would precede the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the server clock stays within {MAX_OFFSET_SECONDS} seconds (100 years) of the wall clock \
     and after 1970-01-01"
)]
pub(crate) struct OffsetOutOfRange;

/// Wall clock plus a movable offset (shared by clones).
#[derive(Debug, Clone, Default)]
pub struct ServerClock {
    offset_seconds: Arc<AtomicI64>,
}

impl ServerClock {
    /// The current server time (UTC).
    #[must_use]
    pub fn now(&self) -> OffsetDateTime {
        let wall = OffsetDateTime::now_utc();
        let offset = Duration::seconds(self.offset_seconds.load(Ordering::SeqCst));
        // Cannot overflow while the offset is bounded; the wall clock is the honest fallback.
        wall.checked_add(offset).unwrap_or(wall)
    }

    /// Current server time in Unix seconds.
    #[must_use]
    pub fn unix(&self) -> i64 {
        self.now().unix_timestamp()
    }

    /// Moves the clock forward (or back, for a negative value) and returns the new time. The
    /// check and the move are one atomic step: an advance that would take the offset beyond
    /// ±[`MAX_OFFSET_SECONDS`], or "now" before the Unix epoch, changes nothing.
    pub(crate) fn advance(&self, seconds: i64) -> Result<OffsetDateTime, OffsetOutOfRange> {
        let wall = OffsetDateTime::now_utc().unix_timestamp();
        self.offset_seconds
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |offset| {
                offset.checked_add(seconds).filter(|next| {
                    next.checked_abs().is_some_and(|a| a <= MAX_OFFSET_SECONDS)
                        && wall.checked_add(*next).is_some_and(|now| now >= 0)
                })
            })
            .map_err(|_| OffsetOutOfRange)?;
        Ok(self.now())
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
        clock.advance(next - clock.unix()).unwrap();
        assert_ne!(clock.utc_day(), day);
    }

    #[test]
    fn c11_the_largest_advances_are_refused_and_leave_the_clock_readable() {
        let clock = ServerClock::default();
        let before = clock.unix();
        for seconds in [
            i64::MAX,
            i64::MIN,
            MAX_OFFSET_SECONDS + 1,
            -MAX_OFFSET_SECONDS - 1,
        ] {
            assert_eq!(clock.advance(seconds), Err(OffsetOutOfRange), "{seconds}");
        }
        assert!((clock.unix() - before).abs() < 60, "nothing moved");
        // Up to the bound, in steps, and not one second beyond it.
        clock.advance(MAX_OFFSET_SECONDS).unwrap();
        assert_eq!(clock.advance(1), Err(OffsetOutOfRange));
        assert!(clock.next_utc_midnight() > clock.unix());
        clock.advance(-MAX_OFFSET_SECONDS).unwrap();
        // 100 years back from today is before 1970: JWT times cannot say that.
        assert_eq!(clock.advance(-MAX_OFFSET_SECONDS), Err(OffsetOutOfRange));
        clock.advance(-(clock.unix() - 100)).unwrap();
        assert!((0..200).contains(&clock.unix()));
        assert_eq!(clock.advance(-200), Err(OffsetOutOfRange));
    }
}
