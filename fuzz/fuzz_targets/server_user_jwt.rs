//! The server's user-JWT check (the `/v1/keys` routes and the cookie key route; RS256 against
//! the JWKS), fed edits of a token the dev identity provider signed, or a string of the
//! input's own.
//!
//! Invariants: never panics; accepts only the exact token that was signed, as its user; the
//! signed token still passes.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use server_reference::fuzzing::Checks;

#[path = "server/token_edits.rs"]
mod token_edits;

static CHECKS: LazyLock<(Checks, String)> = LazyLock::new(|| {
    let checks = Checks::start().expect("the server starts");
    let token = checks.user_token().expect("a user token is signed");
    (checks, token)
});

fuzz_target!(|data: &[u8]| {
    let (checks, signed) = &*CHECKS;
    let Some(token) = token_edits::candidate(signed, data) else {
        return;
    };
    if let Some(user) = checks.check_user_token(&token) {
        assert_eq!(
            &token, signed,
            "a token the provider did not sign was accepted"
        );
        assert_eq!(user, server_reference::demo::USER_ID);
    }
    assert_eq!(
        checks.check_user_token(signed).as_deref(),
        Some(server_reference::demo::USER_ID)
    );
});
