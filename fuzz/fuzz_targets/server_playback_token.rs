//! The server's playback-token check (what every playlist and key route runs), fed edits of a
//! token the server signed, or a token-like string of the input's own.
//!
//! Invariants: never panics; accepts only the exact token it signed (any other string, however
//! close, is refused), and only for its own video; the signed token still passes.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use sdk_core::ErrorCode;
use server_reference::fuzzing::Checks;

#[path = "server/token_edits.rs"]
mod token_edits;

static CHECKS: LazyLock<(Checks, String)> = LazyLock::new(|| {
    let checks = Checks::start().expect("the server starts");
    let token = checks.playback_token().expect("a token is signed");
    (checks, token)
});

fuzz_target!(|data: &[u8]| {
    let (checks, signed) = &*CHECKS;
    let Some(token) = token_edits::candidate(signed, data) else {
        return;
    };
    let job = checks.job_id();
    match checks.check_playback_token(&token, job) {
        Ok(sub) => {
            assert_eq!(
                &token, signed,
                "a token the server did not sign was accepted"
            );
            assert_eq!(sub, job);
        }
        Err(code) => assert!(
            matches!(
                code,
                ErrorCode::PlaybackTokenInvalid
                    | ErrorCode::PlaybackTokenExpired
                    | ErrorCode::PlaybackTokenMismatch
            ),
            "{code:?}"
        ),
    }
    // Never for another video, even the signed token itself.
    assert!(checks.check_playback_token(&token, "another-job").is_err());
    assert_eq!(checks.check_playback_token(signed, job).as_deref(), Ok(job));
});
