//! Whether a URL lies under the configured API base: same origin (scheme, host, port) and
//! under its path prefix. This is the one check that decides where a playback token may go.
//!
//! The check is deliberately stricter than a browser's URL parser: every URL it accepts is
//! sent by a browser (WHATWG URL) and by an RFC 3986 client to the base's origin, under the
//! base's prefix. Anything a browser would read differently from a plain split is refused
//! rather than interpreted — userinfo (`https://api.ansdev.cloud@evil/…`), backslashes
//! (a `/` to a browser), whitespace and control characters (a browser drops tabs and
//! newlines), non-ASCII text, relative and scheme-relative references, and anything but a
//! literal, case-sensitive match of the base's path prefix followed by no `.` or `..`
//! segment, plain or percent-encoded (so nothing can climb out of the prefix). A refusal only
//! means "no token": the URL is loaded as written. Equivalent spellings a browser normalises
//! are compared normalised: scheme and host case-insensitively, and an omitted (or
//! zero-padded) port as the number it stands for.

use crate::base_url::BaseUrl;

/// The part of `url` after the base's path prefix — starting with `/`, `?` or `#`, or empty —
/// when `url` is an absolute URL on the base's origin under its prefix; `None` otherwise.
pub(crate) fn path_under_base<'u>(base: &BaseUrl, url: &'u str) -> Option<&'u str> {
    let (base_origin, base_prefix) = split_origin(base.as_str())?;
    let (origin, rest) = split_origin(url)?;
    if origin != base_origin {
        return None;
    }
    let after = rest.strip_prefix(base_prefix)?;
    // `/api` must not match `/apix/…`.
    if !(after.is_empty() || after.starts_with(['/', '?', '#'])) {
        return None;
    }
    // A `..` after the prefix would climb out of it once a browser normalises the path.
    let path = after.get(..after.find(['?', '#']).unwrap_or(after.len()))?;
    (!path.split('/').any(is_dot_segment)).then_some(after)
}

/// A port as browsers read it: decimal digits only (leading zeros allowed), at most 65535.
// By hand: `u16::from_str` would also take a `+`, and its parser is larger in the wasm.
fn decimal_port(port: &str) -> Option<u16> {
    port.bytes().try_fold(0u16, |value, digit| {
        let digit = digit.checked_sub(b'0').filter(|d| *d <= 9)?;
        value.checked_mul(10)?.checked_add(u16::from(digit))
    })
}

/// `.` or `..`, also percent-encoded (`%2e`), as a browser reads path segments.
fn is_dot_segment(segment: &str) -> bool {
    [".", "..", "%2e", ".%2e", "%2e.", "%2e%2e"]
        .iter()
        .any(|dots| segment.eq_ignore_ascii_case(dots))
}

/// Scheme, host and port, compared as a browser compares origins.
#[derive(Debug, PartialEq, Eq)]
struct Origin<'a> {
    https: bool,
    host: Host<'a>,
    port: u16,
}

/// A host compared ASCII-case-insensitively, as browsers lower-case it.
#[derive(Debug)]
struct Host<'a>(&'a str);

impl PartialEq for Host<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(other.0)
    }
}

impl Eq for Host<'_> {}

/// Splits an absolute `http`/`https` URL into its origin and the rest (path, query, fragment).
fn split_origin(url: &str) -> Option<(Origin<'_>, &str)> {
    // Printable ASCII without space or backslash: what a browser would strip, percent-encode
    // or read as `/` never reaches the comparison.
    if !url.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') {
        return None;
    }
    // `:` then `//`, not `split_once("://")`: a substring search costs the wasm a kilobyte.
    let (scheme, rest) = url.split_once(':')?;
    let rest = rest.strip_prefix("//")?;
    let (https, default_port) = if scheme.eq_ignore_ascii_case("https") {
        (true, 443)
    } else if scheme.eq_ignore_ascii_case("http") {
        (false, 80)
    } else {
        return None;
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, rest) = rest.split_at(end);
    if authority.contains('@') {
        return None;
    }
    let (host, port) = match authority.strip_prefix('[') {
        // An IPv6 literal: `[…]` then an optional `:port`.
        Some(inner) => {
            let close = inner.find(']')?;
            let host = authority.get(..close + 2)?;
            let port = authority.get(close + 2..)?;
            match port {
                "" => (host, None),
                port => (host, Some(port.strip_prefix(':')?)),
            }
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        None | Some("") => default_port,
        Some(port) => decimal_port(port)?,
    };
    let origin = Origin {
        https,
        host: Host(host),
        port,
    };
    Some((origin, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn under(base: &str, url: &str) -> Option<String> {
        path_under_base(&BaseUrl::new(base).unwrap(), url).map(str::to_owned)
    }

    #[test]
    fn same_origin_spelled_differently_matches() {
        let base = "https://api.ansdev.cloud";
        for url in [
            "https://api.ansdev.cloud/x",
            "HTTPS://API.Ansdev.Cloud/x",
            "https://api.ansdev.cloud:443/x",
            "https://api.ansdev.cloud:/x",
            "https://api.ansdev.cloud:0443/x",
        ] {
            assert_eq!(under(base, url).as_deref(), Some("/x"), "{url}");
        }
        assert_eq!(
            under("http://[::1]:8787", "http://[::1]:8787/x").as_deref(),
            Some("/x")
        );
        assert_eq!(
            under("http://127.0.0.1", "http://127.0.0.1:80?q").as_deref(),
            Some("?q")
        );
    }

    #[test]
    fn other_origins_and_odd_spellings_are_refused() {
        let base = "https://api.ansdev.cloud/prefix";
        for url in [
            "http://api.ansdev.cloud/prefix/x",
            "https://api.ansdev.cloud:8443/prefix/x",
            "https://evil.example/prefix/x",
            "https://api.ansdev.cloud.evil.example/prefix/x",
            "https://api.ansdev.cloud@evil.example/prefix/x",
            "https://user:pw@api.ansdev.cloud/prefix/x",
            "https://evil.example\\@api.ansdev.cloud/prefix/x",
            "https://evil.example\\api.ansdev.cloud/prefix/x",
            "https://api.ansdev.cloud/prefixx/x",
            "https://api.ansdev.cloud/other/x",
            "https://api.ansdev.cloud/x",
            "https://api.ansdev.cloud/prefix/../x",
            "https://api.ansdev.cloud/prefix/x/%2E%2e/y",
            "https://api.ansdev.cloud/prefix/./x",
            "https://api.ansdev.cloud/prefix/x/.",
            "https://api.ansdev.cloud/other/../prefix/x",
            "https://api.ansdev.cloud/%70refix/x",
            "https://api.ansdev.cloud:+443/prefix/x",
            "https://api.ansdev.cloud:65536/prefix/x",
            "https://api.ansdev.cloud:44 3/prefix/x",
            "https://api.ansdev.c\tloud/prefix/x",
            "https://api.ansdev.cloud\n/prefix/x",
            "https://api.ansdév.cloud/prefix/x",
            "https:api.ansdev.cloud/prefix/x",
            "https:///api.ansdev.cloud/prefix/x",
            "//api.ansdev.cloud/prefix/x",
            "/prefix/x",
            "prefix/x",
            "ftp://api.ansdev.cloud/prefix/x",
            "",
        ] {
            assert_eq!(under(base, url), None, "{url:?}");
        }
        assert_eq!(
            under(base, "https://api.ansdev.cloud/prefix/x").as_deref(),
            Some("/x")
        );
        assert_eq!(
            under("http://[::1]:8787", "http://[::1]:8788/x"),
            None,
            "other port"
        );
        assert_eq!(under("http://[::1]:8787", "http://[::1/x"), None);
    }
}
