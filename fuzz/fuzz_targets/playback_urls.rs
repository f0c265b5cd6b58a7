//! URI resolution (`hls::resolve_uri`) and playback-URL recognition and token replacement
//! (`PlaybackUrl::parse`, `PlaybackUrl::with_token`).
//!
//! Invariants: never panics; a recognised URL is on the base's origin (scheme, host, port as
//! the `http` crate reads them) under its path prefix; replacing its token changes only the
//! token segment, and the result is recognised again as the same route and video; a relative
//! reference never resolves to another origin.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sdk_core::hls::{PlaybackUrl, resolve_uri};
use sdk_core::{BaseUrl, PlaybackToken};

/// Bases a fuzz input picks by its first byte; any other value reads the base from the input.
const BASES: [&str; 3] = [
    "https://api.ansdev.cloud",
    "http://127.0.0.1:8787/api",
    "http://localhost:8787",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mut lines = text.split('\n');
    let base_text = match BASES.get(usize::from(pick)) {
        Some(base) => *base,
        None => lines.next().unwrap_or_default(),
    };
    let url = lines.next().unwrap_or_default();
    let other = lines.next().unwrap_or_default();

    if let Ok(resolved) = resolve_uri(url, other) {
        assert!(!resolved.contains(|c: char| c.is_whitespace() || c.is_control()));
        if let Some(origin) = origin_prefix(url) {
            if is_relative(other) {
                assert!(
                    resolved
                        .to_ascii_lowercase()
                        .starts_with(&origin.to_ascii_lowercase()),
                    "{other:?} against {url:?} left the origin: {resolved:?}"
                );
            }
        }
    }

    let Ok(base) = BaseUrl::new(base_text) else {
        return;
    };
    let Some(parsed) = PlaybackUrl::parse(&base, url) else {
        return;
    };
    same_origin_under_prefix(&base, url);
    let token = PlaybackToken::new(other).unwrap_or_else(|_| PlaybackToken::new("t0").unwrap());
    let fresh = parsed.with_token(&token);
    let again = PlaybackUrl::parse(&base, &fresh).expect("a tokenized URL is recognised again");
    assert_eq!(again.kind(), parsed.kind());
    assert_eq!(again.job_id(), parsed.job_id());
    // Only the token segment differs: the common prefix and suffix cover everything else.
    let prefix = common_prefix(url, &fresh);
    let suffix = common_suffix(&url[prefix..], &fresh[prefix..]);
    let (old_mid, new_mid) = (
        &url[prefix..url.len() - suffix],
        &fresh[prefix..fresh.len() - suffix],
    );
    assert!(
        !old_mid.contains('/') && !new_mid.contains('/'),
        "more than the token segment changed: {url:?} -> {fresh:?}"
    );
    assert!(token.expose_secret().contains(new_mid));
});

/// `scheme://authority` of an absolute http(s) URL.
fn origin_prefix(url: &str) -> Option<&str> {
    let lower = url.get(..8)?.to_ascii_lowercase();
    let after_scheme = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return None;
    };
    let end = url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| after_scheme + i);
    (end > after_scheme).then(|| &url[..end])
}

/// A reference with neither a scheme nor an authority (RFC 3986 §4.2 relative-path or
/// absolute-path reference).
fn is_relative(reference: &str) -> bool {
    let reference = reference.trim();
    let first_delimiter = reference.find(['/', '?', '#']).unwrap_or(reference.len());
    !reference.starts_with("//")
        && !reference.starts_with("\\")
        && !reference[..first_delimiter].contains(':')
}

/// The URL's origin equals the base's and its path starts with the base's path, as the `http`
/// crate parses them (an independent reading of both).
fn same_origin_under_prefix(base: &BaseUrl, url: &str) {
    let without_fragment = url.split('#').next().unwrap_or_default();
    let (Ok(base_uri), Ok(uri)) = (
        base.as_str().parse::<http::Uri>(),
        without_fragment.parse::<http::Uri>(),
    ) else {
        return;
    };
    let port = |u: &http::Uri| {
        u.port_u16().unwrap_or(if u.scheme_str() == Some("https") {
            443
        } else {
            80
        })
    };
    assert_eq!(
        uri.scheme_str().map(str::to_ascii_lowercase),
        base_uri.scheme_str().map(str::to_ascii_lowercase),
        "{url:?}"
    );
    assert_eq!(
        uri.host().map(str::to_ascii_lowercase),
        base_uri.host().map(str::to_ascii_lowercase),
        "{url:?}"
    );
    assert_eq!(port(&uri), port(&base_uri), "{url:?}");
    let prefix = base_uri.path().trim_end_matches('/');
    assert!(
        uri.path() == prefix || uri.path().starts_with(&format!("{prefix}/")),
        "{url:?} is not under {prefix:?}"
    );
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i)
}

fn common_suffix(a: &str, b: &str) -> usize {
    a.bytes()
        .rev()
        .zip(b.bytes().rev())
        .take_while(|(x, y)| x == y)
        .count()
        .min(a.len())
        .min(b.len())
}
