//! Retry delays: exponential backoff scaled by injected, reproducible jitter.
//!
//! The generator is splitmix64, eight lines of well-known code: the jitter only needs to spread
//! retries, not be unpredictable, and a dependency on a PRNG crate would buy nothing here.

use std::time::Duration;

/// A seeded splitmix64 stream: the same seed yields the same delays, so tests are reproducible
/// and front ends decide where randomness comes from.
#[derive(Debug, Clone)]
pub(super) struct Jitter(u64);

impl Jitter {
    pub(super) fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A factor in `[0.5, 1.0)`: "equal jitter", which spreads clients apart while keeping at
    /// least half of the nominal delay.
    fn factor(&mut self) -> f64 {
        // The top 53 bits fill an f64 mantissa exactly: a uniform value in [0, 1).
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        0.5 + unit / 2.0
    }

    /// The delay before retry number `attempt` (1 after the first failure):
    /// `min(max, base · 2^(attempt-1))`, scaled by a jitter factor in `[0.5, 1.0)`.
    pub(super) fn delay(&mut self, attempt: u32, base: Duration, max: Duration) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        let nominal = base.saturating_mul(1u32 << doublings).min(max);
        nominal.mul_f64(self.factor())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_and_stay_within_the_jitter_band() {
        let mut jitter = Jitter::new(7);
        let base = Duration::from_millis(500);
        let max = Duration::from_secs(30);
        for (attempt, nominal_ms) in [(1, 500u64), (2, 1000), (3, 2000), (8, 30_000), (99, 30_000)]
        {
            let d = jitter.delay(attempt, base, max);
            let nominal = Duration::from_millis(nominal_ms);
            assert!(d >= nominal / 2 && d < nominal, "attempt {attempt}: {d:?}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_delays() {
        let base = Duration::from_secs(1);
        let max = Duration::from_secs(60);
        let a: Vec<_> = (1..6)
            .map(|n| Jitter::new(42).delay(n, base, max))
            .collect();
        let b: Vec<_> = (1..6)
            .map(|n| Jitter::new(42).delay(n, base, max))
            .collect();
        assert_eq!(a, b);
        let mut j = Jitter::new(42);
        let spread: Vec<_> = (0..4).map(|_| j.delay(1, base, max)).collect();
        assert!(spread.windows(2).any(|w| w[0] != w[1]), "jitter varies");
    }
}
