//! Master and media playlist parsing, `rewrite_key_lines` and `rewrite_key_uris` over arbitrary
//! text.
//!
//! Invariants: never panics; a master's variant URIs are, in order, the URI lines that
//! follow `#EXT-X-STREAM-INF` tags; a media playlist's segments are numbered from its media sequence;
//! a rewrite changes only the `URI` value of `#EXT-X-KEY` lines (to the stable key URI), every
//! other byte stays, a rewritten playlist parses again, and rewriting again changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sdk_core::VideoId;
use sdk_core::hls::{
    Encryption, parse_master, parse_media, rewrite_key_lines, rewrite_key_uris, stable_key_uri,
};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(master) = parse_master(text) {
        let uris: Vec<&str> = master.variants.iter().map(|v| v.uri.trim()).collect();
        assert_eq!(
            Some(uris),
            stream_uri_lines(text),
            "the variant URIs are not the URI lines that follow #EXT-X-STREAM-INF tags"
        );
    }
    let media = parse_media(text);
    if let Ok(media) = &media {
        for (index, segment) in media.segments.iter().enumerate() {
            assert_eq!(segment.sequence, media.media_sequence + index as u64);
            assert!(!segment.uri.is_empty() && !segment.uri.starts_with('#'));
        }
    }

    let job = VideoId::new("job_1").unwrap();
    let stable = stable_key_uri(&job);
    let lines = rewrite_key_lines(text, &job);
    if let Ok(out) = &lines {
        only_key_uris_changed(text, out, &stable);
        assert_eq!(
            rewrite_key_lines(out, &job).as_ref(),
            Ok(out),
            "not idempotent"
        );
        if media.is_ok() {
            if let Err(e) = parse_media(out) {
                panic!("a rewritten playlist no longer parses: {e}");
            }
        }
    }
    if let Ok(out) = rewrite_key_uris(text, &job) {
        assert_eq!(lines.as_ref(), Ok(&out), "the two rewrites disagree");
        let after = parse_media(&out).unwrap();
        for segment in &after.segments {
            if let Encryption::Aes128(key) = &segment.encryption {
                assert_eq!(key.uri, stable);
            }
        }
        assert_eq!(rewrite_key_uris(&out, &job).as_ref(), Ok(&out));
    }
});

/// The URI lines of `text` in order, when each has an `#EXT-X-STREAM-INF` since the URI line
/// before it; `None` when one does not.
fn stream_uri_lines(text: &str) -> Option<Vec<&str>> {
    let mut pending = false;
    let mut uris = Vec::new();
    // A byte-order mark is not part of the first line (RFC 8216 allows none, players skip it).
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for line in text.lines().map(str::trim) {
        if line.starts_with("#EXT-X-STREAM-INF:") {
            pending = true;
        } else if !line.is_empty() && !line.starts_with('#') {
            if !std::mem::replace(&mut pending, false) {
                return None;
            }
            uris.push(line);
        }
    }
    Some(uris)
}

/// Every line of `out` equals the same line of `text`, except `#EXT-X-KEY` lines, which may
/// differ only by their quoted `URI` value having become `stable`.
fn only_key_uris_changed(text: &str, out: &str, stable: &str) {
    let before: Vec<&str> = text.split_inclusive('\n').collect();
    let after: Vec<&str> = out.split_inclusive('\n').collect();
    assert_eq!(before.len(), after.len(), "line count changed");
    for (b, a) in before.iter().zip(&after) {
        if b == a {
            continue;
        }
        assert!(
            b.trim_start().starts_with("#EXT-X-KEY:"),
            "a line that is not a key tag changed: {b:?} -> {a:?}"
        );
        let needle = format!("URI=\"{stable}\"");
        let changed_only_the_uri = a.match_indices(&needle).any(|(at, _)| {
            let (head, tail) = (&a[..at + 5], &a[at + needle.len() - 1..]);
            b.len() >= head.len() + tail.len()
                && b.starts_with(head)
                && b.ends_with(tail)
                && !b[head.len()..b.len() - tail.len()].contains('"')
        });
        assert!(
            changed_only_the_uri,
            "more than the URI changed: {b:?} -> {a:?}"
        );
    }
}
