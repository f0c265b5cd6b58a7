//! The API's base URL.

use crate::error::BuildError;

/// The base URL of the API: an absolute `http`/`https` URL without query or fragment, kept
/// without a trailing slash so that routes are appended verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Production: `https://api.ansdev.cloud`.
    pub const PRODUCTION: &'static str = "https://api.ansdev.cloud";

    /// The production API.
    #[must_use]
    pub fn production() -> Self {
        Self(Self::PRODUCTION.to_owned())
    }

    /// Validates a base URL, e.g. `http://127.0.0.1:8787` for the reference server.
    pub fn new(url: impl AsRef<str>) -> Result<Self, BuildError> {
        let url = url.as_ref().trim_end_matches('/');
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or(BuildError::InvalidBaseUrl {
                reason: "must start with http:// or https://",
            })?;
        let authority = rest.split('/').next().unwrap_or_default();
        if authority.is_empty() {
            return Err(BuildError::InvalidBaseUrl {
                reason: "must name a host",
            });
        }
        if url.contains(['?', '#']) || url.contains(char::is_whitespace) {
            return Err(BuildError::InvalidBaseUrl {
                reason: "must not contain a query, a fragment or whitespace",
            });
        }
        // A base with credentials in it would send them to every route, and one with `.`/`..`
        // segments or backslashes is read differently by browsers and by this crate's origin
        // check: refuse both rather than guess (the token-placement check needs one spelling).
        if authority.contains('@') {
            return Err(BuildError::InvalidBaseUrl {
                reason: "must not contain user information (user:password@)",
            });
        }
        let path = &rest[authority.len()..];
        if rest.contains('\\')
            || path.split('/').any(|segment| {
                let lower = segment.to_ascii_lowercase();
                matches!(
                    lower.as_str(),
                    "." | ".." | "%2e" | "%2e%2e" | ".%2e" | "%2e."
                )
            })
        {
            return Err(BuildError::InvalidBaseUrl {
                reason: "must not contain dot segments or backslashes",
            });
        }
        // The grammar is checked here rather than by `http::Uri`, whose parser (with `bytes`) is
        // about 3 KB of the browser package's gzipped wasm; `every_accepted_base_is_an_http_uri`
        // and the `ids` fuzz target hold this to accepting nothing `http::Uri` refuses.
        if !valid_authority(authority) {
            return Err(BuildError::InvalidBaseUrl {
                reason: "must name a host of letters, digits, '-', '.', '_', '~' (or an [IPv6] address) and an optional port",
            });
        }
        if !valid_path(path) {
            return Err(BuildError::InvalidBaseUrl {
                reason: "must have a path of RFC 3986 path characters (percent-encode anything else)",
            });
        }
        Ok(Self(url.to_owned()))
    }

    /// The URL as a string, without a trailing slash.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `self` followed by `path` (which starts with `/`).
    #[must_use]
    pub fn join(&self, path: &str) -> String {
        format!("{}{}", self.0, path)
    }
}

/// RFC 3986 `authority` without user information, narrowed to what an API base needs:
/// `host [":" port]`, the host a DNS name or IPv4 address (`A-Z a-z 0-9 - . _ ~`) or an IPv6
/// address in brackets (no zone), the port 1 to 65535.
fn valid_authority(authority: &str) -> bool {
    let (host, port) = match authority.rfind(':') {
        Some(colon) if !authority[colon..].contains(']') => {
            (&authority[..colon], Some(&authority[colon + 1..]))
        }
        _ => (authority, None),
    };
    let port_ok =
        port.is_none_or(|port| decimal(port, 5).is_some_and(|n| (1..=65_535).contains(&n)));
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(literal) => ipv6_shaped(literal),
        None => {
            !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
        }
    };
    port_ok && host_ok
}

/// An IPv6 address as `std::net::Ipv6Addr` reads one (whose parser would add 1.3 KB gzipped to
/// the browser package; `ipv6_literals_are_read_as_std_reads_them` holds the two together):
/// eight groups of up to 4 hex digits, or fewer and one `::`, the last two possibly a dotted
/// IPv4 address.
fn ipv6_shaped(literal: &str) -> bool {
    // Groups of hex digits seen, `::`s seen, digits in the current group, dots seen.
    let (mut groups, mut double, mut run, mut dots, mut ipv4_at) = (0, 0, 0, 0, None);
    let mut previous = b':';
    for (i, b) in literal.bytes().enumerate() {
        match b {
            b':' if ipv4_at.is_none() => {
                if run > 0 {
                    groups += 1;
                }
                if previous == b':' && i > 0 {
                    double += 1;
                }
                run = 0;
            }
            b'.' if run > 0 => {
                ipv4_at.get_or_insert(i - run);
                dots += 1;
                run = 0;
            }
            _ if b.is_ascii_hexdigit() && (ipv4_at.is_none() || b.is_ascii_digit()) => {
                run += 1;
                if run > if ipv4_at.is_some() { 3 } else { 4 } {
                    return false;
                }
            }
            _ => return false,
        }
        previous = b;
    }
    let ipv4_ok = match ipv4_at {
        None => {
            groups += usize::from(run > 0);
            true
        }
        // Four decimal octets, 0 to 255, without leading zeros (the first one was read as a
        // hex group above).
        Some(at) => {
            groups += 2;
            dots == 3
                && literal[at..].split('.').all(|octet| {
                    (octet.len() == 1 || !octet.starts_with('0'))
                        && decimal(octet, 3).is_some_and(|n| n <= 255)
                })
        }
    };
    let leading = literal.as_bytes().first() == Some(&b':');
    let trailing = literal.as_bytes().last() == Some(&b':');
    // A lone leading or trailing colon is only ever half of a `::`.
    let ends_ok = (!leading || literal.starts_with("::")) && (!trailing || literal.ends_with("::"));
    // Eight groups, or fewer and one `::` standing for the missing ones.
    ipv4_ok && ends_ok && (double == 0 && groups == 8 || double == 1 && groups <= 7)
}

/// The value of 1 to `max_digits` ASCII digits, else `None`.
fn decimal(text: &str, max_digits: usize) -> Option<u32> {
    ((1..=max_digits).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.bytes().fold(0, |n, b| n * 10 + u32::from(b - b'0')))
}

/// An RFC 3986 `path-abempty`: `/`-separated segments of unreserved characters, sub-delims,
/// `:`, `@` and `%` followed by two hex digits.
fn valid_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            if !bytes
                .get(i + 1..i + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
            {
                return false;
            }
            i += 3;
            continue;
        }
        let allowed = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
                    | b'/'
            );
        if !allowed {
            return false;
        }
        i += 1;
    }
    path.is_empty() || path.starts_with('/')
}

impl std::str::FromStr for BaseUrl {
    type Err = BuildError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_http_and_https_and_trims_the_slash() {
        assert_eq!(
            BaseUrl::new("http://127.0.0.1:8787/").unwrap().as_str(),
            "http://127.0.0.1:8787"
        );
        assert_eq!(
            BaseUrl::new("https://api.ansdev.cloud/prefix")
                .unwrap()
                .join("/v1/video"),
            "https://api.ansdev.cloud/prefix/v1/video"
        );
        for bad in [
            "ftp://x",
            "http://",
            "https://h/?q=1",
            "api.ansdev.cloud",
            "http://a b",
        ] {
            assert!(BaseUrl::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn c7_a_base_with_credentials_or_dot_segments_is_refused() {
        for bad in [
            "https://user:secret@api.ansdev.cloud",
            "https://api.ansdev.cloud@evil.example",
            "https://api.ansdev.cloud/a/../b",
            "https://api.ansdev.cloud/./v1",
            "https://api.ansdev.cloud/%2E%2e/x",
            "https://api.ansdev.cloud\\@evil.example",
        ] {
            let err = BaseUrl::new(bad).unwrap_err().to_string();
            assert!(!err.contains("secret"), "{err}");
            assert!(BaseUrl::new(bad).is_err(), "{bad}");
        }
        assert!(BaseUrl::new("https://api.ansdev.cloud/v1.2/prefix").is_ok());
    }

    #[test]
    fn hosts_ports_and_paths_follow_rfc_3986() {
        for good in [
            "http://127.0.0.1:8787",
            "http://localhost:1",
            "https://api.ansdev.cloud:65535/a/b~c/d%2Fe/f:g@h/i!$&'()*+,;=",
            "http://[::1]:8787",
            "http://[2001:db8::7]/api",
            "http://[::ffff:192.0.2.1]",
            "http://[1:2:3:4:5:6:7:8]:443",
            "http://[fe80::]",
            "https://xn--bcher-kva.example",
        ] {
            assert!(BaseUrl::new(good).is_ok(), "{good}");
        }
        for (bad, names) in [
            ("http://host:", "host"),
            ("http://host:0", "host"),
            ("http://host:65536", "host"),
            ("http://host:123456", "host"),
            ("http://host:8a", "host"),
            ("http://bücher.example", "host"),
            ("http://ho%41st", "host"),
            ("http://[::1", "host"),
            ("http://[v1.x]", "host"),
            ("http://[]", "host"),
            ("http://[1:34:::::::::c9de]", "host"),
            ("http://[1:2:3:4:5:6:7:8:9]", "host"),
            ("http://[::1%25eth0]", "host"),
            ("http://[1::2::3]", "host"),
            ("http://[1:2:3:4:5:6:7]", "host"),
            ("http://[12345::1]", "host"),
            ("http://[::1.2.3]", "host"),
            ("http://[1.2.3.4::]", "host"),
            ("http://::1", "host"),
            ("http://a:1:2", "host"),
            ("http://host/a%2", "path"),
            ("http://host/a%zz", "path"),
            ("http://host/a|b", "path"),
            ("http://host/\"{x}", "path"),
            ("http://host/ünï", "path"),
            ("http://host/a^b", "path"),
        ] {
            let err = BaseUrl::new(bad).expect_err(bad).to_string();
            assert!(err.contains(names), "{bad}: {err}");
        }
    }

    /// The check and `std::net::Ipv6Addr` agree both ways.
    #[test]
    fn ipv6_literals_are_read_as_std_reads_them() {
        let groups = [
            "",
            "0",
            "1",
            "ffff",
            "12345",
            "g",
            "1.2.3.4",
            "01.2.3.4",
            "256.0.0.1",
            "1.2.3",
        ];
        let mut literals = vec![String::new()];
        for _ in 0..4 {
            literals = literals
                .iter()
                .flat_map(|prefix| {
                    groups.iter().flat_map(move |group| {
                        [format!("{prefix}{group}:"), format!("{prefix}{group}")]
                    })
                })
                .collect();
        }
        literals.extend(
            [
                "1:2:3:4:5:6:7:8",
                "1:2:3:4:5:6:7::",
                "::2:3:4:5:6:7:8",
                "1:2:3:4::5:6:7:8",
                "::",
                "::ffff:1.2.3.4",
                "1:2:3:4:5:6:1.2.3.4",
                "1:2:3:4:5:6:7:1.2.3.4",
                "1:2:3:4:5::1.2.3.4",
                "1::2:3:4:5:6:1.2.3.4",
            ]
            .map(String::from),
        );
        for literal in literals {
            let std_reads = literal.parse::<std::net::Ipv6Addr>().is_ok();
            assert_eq!(ipv6_shaped(&literal), std_reads, "{literal}");
        }
    }

    /// The native client builds every request URI from the base with `http::Uri`: whatever
    /// `BaseUrl::new` accepts must parse there too, alone and with a route after it.
    #[test]
    fn every_accepted_base_is_an_http_uri() {
        let pieces = [
            "", "/", ":", "::", "[", "]", "@", "%", "%4", "%41", "a", "A", "0", "9", "-", ".", "_",
            "~", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", "\"", "<", ">", "^", "`",
            "{", "|", "}", " ", "\u{7f}", "é", "8787", "65535", "65536", "::1",
        ];
        let mut accepted = 0;
        for host in ["h", "127.0.0.1", "[::1]", "h.example", ""] {
            for a in pieces {
                for b in pieces {
                    for tail in ["", "/p", "/p/q"] {
                        let candidate = format!("http://{host}{a}{b}{tail}");
                        if let Ok(base) = BaseUrl::new(&candidate) {
                            accepted += 1;
                            for uri in [base.as_str().to_owned(), base.join("/v1/videos/vid_1")] {
                                assert!(http::Uri::try_from(uri.as_str()).is_ok(), "{uri}");
                            }
                        }
                    }
                }
            }
        }
        assert!(accepted > 1_000, "{accepted}");
    }
}
