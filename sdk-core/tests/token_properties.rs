//! Random operation scripts against the playback-token manager: whatever happens, one mint per
//! video at most, no token handed out inside its margin, and everything settles afterwards
//! (the model and its invariants: `support/token_model.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use proptest::prelude::*;
use support::token_model::{Checker, Op, Outcome, TTLS, VIDEOS};

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        4 => (0..TTLS.len()).prop_map(|i| Outcome::Token { ttl: TTLS[i] }),
        2 => Just(Outcome::Retryable),
        1 => proptest::option::of(1u64..200).prop_map(|retry_after| Outcome::Quota { retry_after }),
        1 => Just(Outcome::Fatal),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..VIDEOS.len()).prop_map(Op::Request),
        3 => (0u64..120_000).prop_map(Op::Advance),
        3 => Just(Op::Transmit),
        4 => (any::<usize>(), proptest::bool::weighted(0.2), outcome())
            .prop_map(|(pick, stale, outcome)| Op::Respond { pick, stale, outcome }),
        1 => (0..VIDEOS.len(), any::<usize>(), 0usize..4)
            .prop_map(|(video, pick, code)| Op::Reject { video, pick, code }),
        2 => Just(Op::Timeout),
        1 => (0..VIDEOS.len(), any::<bool>()).prop_map(|(v, a)| Op::SetActive(v, a)),
        1 => (0..VIDEOS.len(), 0..TTLS.len()).prop_map(|(v, t)| Op::Insert(v, TTLS[t])),
        1 => (0..VIDEOS.len()).prop_map(Op::Forget),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_script_keeps_the_invariants_and_settles(
        keep_warm in any::<bool>(),
        seed in any::<u64>(),
        ops in proptest::collection::vec(op(), 1..80),
    ) {
        let mut checker = Checker::new(keep_warm, seed);
        for op in &ops {
            checker.apply(op);
        }
        checker.settle();
    }
}
