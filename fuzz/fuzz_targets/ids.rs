//! The validating constructors of caller- and server-supplied values: `ApiKey::new`,
//! `VideoId::new`, `KeyId::new`, `BaseUrl::new`, `PlaybackToken::new`, `UserToken::new`.
//!
//! Invariants: never panics; an error never repeats a secret-like word of the input, in its
//! message or its `Debug`; an accepted value round-trips (its text is accepted again and
//! unchanged), and an accepted base URL is an absolute http(s) URL with no query, fragment,
//! user information or backslash, which the `http` crate parses (alone and with a route).
#![no_main]

use ansdev_fuzz::echoed_secret;
use libfuzzer_sys::fuzz_target;
use sdk_core::{ApiKey, BaseUrl, BuildError, KeyId, PlaybackToken, UserToken, VideoId};

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Ok(input) = std::str::from_utf8(rest) else {
        return;
    };
    let text = match kind % 6 {
        0 => check(input, |s| {
            ApiKey::new(s).map(|k| k.expose_secret().to_owned())
        }),
        1 => check(input, |s| VideoId::new(s).map(|v| v.as_str().to_owned())),
        2 => check(input, |s| KeyId::new(s).map(|v| v.as_str().to_owned())),
        4 => check(input, |s| {
            PlaybackToken::new(s).map(|t| t.expose_secret().to_owned())
        }),
        5 => check(input, |s| {
            UserToken::new(s).map(|t| t.expose_secret().to_owned())
        }),
        _ => {
            let base = check(input, |s| BaseUrl::new(s).map(|b| b.as_str().to_owned()));
            if let Some(text) = &base {
                assert!(text.starts_with("http://") || text.starts_with("https://"));
                assert!(
                    !text.contains(['?', '#', '\\']) && !text.ends_with('/'),
                    "{text:?}"
                );
                let authority = text.split('/').nth(2).unwrap_or_default();
                assert!(
                    !authority.is_empty() && !authority.contains('@'),
                    "{text:?}"
                );
                if let Some(literal) = authority
                    .strip_prefix('[')
                    .and_then(|rest| rest.rsplit_once(']'))
                {
                    assert!(literal.0.parse::<std::net::Ipv6Addr>().is_ok(), "{text:?}");
                }
                // The native client builds request URIs from it with the `http` crate.
                let route = format!("{text}/v1/videos/vid_1");
                for uri in [text.as_str(), route.as_str()] {
                    assert!(http::Uri::try_from(uri).is_ok(), "{uri:?}");
                }
            }
            base
        }
    };
    drop(text);
});

/// Runs a constructor on `input`: an accepted value is accepted again unchanged (and returned);
/// a refusal repeats no secret-like word of the input.
fn check(input: &str, new: impl Fn(&str) -> Result<String, BuildError>) -> Option<String> {
    match new(input) {
        Ok(text) => {
            assert_eq!(
                new(&text).as_ref(),
                Ok(&text),
                "accepted once, changed or refused again"
            );
            Some(text)
        }
        Err(error) => {
            for rendering in [error.to_string(), format!("{error:?}")] {
                if let Some(word) = echoed_secret(input.as_bytes(), &rendering) {
                    panic!("the error repeats {word:?}: {rendering}");
                }
            }
            None
        }
    }
}
