//! The server's seed-file loader (`--seed`, and `POST /dev/seed` once checked): parse, every
//! check (keys, ids, times, media folders), then the store.
//!
//! Invariants: never panics; a refusal never repeats an API key of the input (an
//! `ak_live_`/`ak_test_` word), whatever field it was written in.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use server_reference::fuzzing::Checks;

static CHECKS: LazyLock<Checks> = LazyLock::new(|| Checks::start().expect("the server starts"));

/// The `ak_live_…` / `ak_test_…` words of `text` with at least 16 characters after the prefix
/// (half a key; longer than any field name of the schema, so a refusal naming a field never
/// matches by chance).
fn key_words(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| (w.starts_with("ak_live_") || w.starts_with("ak_test_")) && w.len() >= 24)
        .collect()
}

fuzz_target!(|data: &[u8]| {
    if let Err(message) = CHECKS.load_seed(data) {
        let input = String::from_utf8_lossy(data);
        for word in key_words(&input) {
            assert!(
                !message.contains(&word[8..]),
                "the refusal repeats an API key: {message}"
            );
        }
    }
});
