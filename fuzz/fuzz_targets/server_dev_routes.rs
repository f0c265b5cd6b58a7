//! The dev routes' JSON bodies (`/dev/users/{id}/token`, `/dev/clock`, `/dev/faults`,
//! `/dev/videos/{id}/status`, `/dev/seed`), sent over HTTP to a dev-mode server.
//!
//! Invariants: never a 5xx (a bad body is the caller's mistake) and never a dropped
//! connection; a bodiless request is answered 411 or like any other; every refusal is a 422 `VALIDATION_ERROR` naming a field, with a message that
//! names it too; every success (2xx) is JSON.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use server_reference::fuzzing::Checks;

static CHECKS: LazyLock<Checks> = LazyLock::new(|| Checks::start().expect("the server starts"));

fuzz_target!(|data: &[u8]| {
    let Some((&route, body)) = data.split_first() else {
        return;
    };
    let answer = CHECKS
        .dev_route(usize::from(route), body.to_vec())
        .expect("the server answers");
    // A bodiless POST may go out without `Content-Length`: the API's front end answers 411 in
    // plain text before any route sees it (docs/api.md §4).
    if body.is_empty() && answer.status == 411 {
        return;
    }
    let status = answer.status;
    let json = answer
        .body
        .unwrap_or_else(|| panic!("status {status}: the answer is not JSON"));
    match answer.status {
        // 202: a scheduled status move.
        200..=299 => {}
        422 => {
            let error = &json["error"];
            assert_eq!(error["code"], "VALIDATION_ERROR", "{json}");
            let field = error["field"].as_str().expect("a field");
            let message = error["message"].as_str().expect("a message");
            assert!(!field.is_empty() && message.contains(field), "{json}");
        }
        other => panic!("status {other}: {json}"),
    }
});
