//! The playback-token manager driven by arbitrary scripts under coverage guidance: the same model
//! and invariants as sdk-core's `token_properties` proptest (`sdk-core/tests/support/
//! token_model.rs`, included by path so the two cannot drift). Here only the script comes from
//! the fuzzer's bytes, mapped onto the model's operations.
#![no_main]

#[path = "../../sdk-core/tests/support/token_model.rs"]
mod token_model;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use token_model::{Checker, Op, Outcome, TTLS, VIDEOS};

#[derive(Debug, Clone, Arbitrary)]
enum RawOutcome {
    Token { ttl: u8 },
    Retryable,
    Quota { retry_after: Option<u8> },
    Fatal,
}

#[derive(Debug, Clone, Arbitrary)]
enum RawOp {
    Request(u8),
    /// Milliseconds and a scale: up to about two minutes per step.
    Advance(u16, u8),
    Transmit,
    Respond {
        pick: u8,
        stale: bool,
        outcome: RawOutcome,
    },
    Reject {
        video: u8,
        pick: u8,
        code: u8,
    },
    Timeout,
    SetActive(u8, bool),
    Insert(u8, u8),
    Forget(u8),
}

#[derive(Debug, Arbitrary)]
struct Script {
    keep_warm: bool,
    seed: u64,
    ops: Vec<RawOp>,
}

fn video(v: u8) -> usize {
    usize::from(v) % VIDEOS.len()
}

fn ttl(t: u8) -> u64 {
    TTLS[usize::from(t) % TTLS.len()]
}

fn outcome(raw: &RawOutcome) -> Outcome {
    match raw {
        RawOutcome::Token { ttl: t } => Outcome::Token { ttl: ttl(*t) },
        RawOutcome::Retryable => Outcome::Retryable,
        RawOutcome::Quota { retry_after } => Outcome::Quota {
            retry_after: retry_after.map(|s| 1 + u64::from(s)),
        },
        RawOutcome::Fatal => Outcome::Fatal,
    }
}

/// The model's operation for `raw`, every index brought into range.
fn op(raw: &RawOp) -> Op {
    match raw {
        RawOp::Request(v) => Op::Request(video(*v)),
        RawOp::Advance(ms, scale) => Op::Advance(u64::from(*ms) * u64::from(scale % 4 + 1) / 2),
        RawOp::Transmit => Op::Transmit,
        RawOp::Respond {
            pick,
            stale,
            outcome: o,
        } => Op::Respond {
            pick: usize::from(*pick),
            stale: *stale,
            outcome: outcome(o),
        },
        RawOp::Reject {
            video: v,
            pick,
            code,
        } => Op::Reject {
            video: video(*v),
            pick: usize::from(*pick),
            code: usize::from(*code) % 4,
        },
        RawOp::Timeout => Op::Timeout,
        RawOp::SetActive(v, active) => Op::SetActive(video(*v), *active),
        RawOp::Insert(v, t) => Op::Insert(video(*v), ttl(*t)),
        RawOp::Forget(v) => Op::Forget(video(*v)),
    }
}

fuzz_target!(|script: Script| {
    // A bounded script keeps one input fast; long stories come from many inputs.
    if script.ops.len() > 256 {
        return;
    }
    let mut checker = Checker::new(script.keep_warm, script.seed);
    for raw in &script.ops {
        checker.apply(&op(raw));
    }
    checker.settle();
});
