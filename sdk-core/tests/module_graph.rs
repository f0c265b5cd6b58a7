//! The core's modules depend in one direction: the error type may name a rate limit, never the
//! other way round (a rate limit is advice read off headers, not an error).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[test]
fn c2_rate_limit_does_not_import_the_error_module() {
    let source = include_str!("../src/rate_limit.rs");
    for import in ["crate::error", "crate::Error", "DecodeError"] {
        assert!(
            !source.contains(import),
            "rate_limit.rs names {import}: error.rs already depends on rate_limit.rs"
        );
    }
}
