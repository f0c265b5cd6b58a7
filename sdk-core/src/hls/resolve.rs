//! URI reference resolution (RFC 3986 §5.2) for the URIs found in playlists.

use super::error::HlsError;

/// Resolves `reference` (a playlist, segment or key URI as written) against `base_url` (the
/// URL of the playlist it came from), per RFC 3986 §5.2: absolute URLs, scheme-relative
/// `//host/…`, absolute paths, relative paths with `.` and `..` segments, queries and
/// fragments.
///
/// ```
/// use sdk_core::hls::resolve_uri;
/// let base = "https://api.ansdev.cloud/v1/video/playback/manifest/t/job/master.m3u8";
/// assert_eq!(
///     resolve_uri(base, "720p/index.m3u8")?,
///     "https://api.ansdev.cloud/v1/video/playback/manifest/t/job/720p/index.m3u8",
/// );
/// assert_eq!(resolve_uri(base, "/video/key/job")?, "https://api.ansdev.cloud/video/key/job");
/// # Ok::<(), sdk_core::hls::HlsError>(())
/// ```
// Written by hand: the `url` crate pulls IDNA/ICU tables into the wasm package.
pub fn resolve_uri(base_url: &str, reference: &str) -> Result<String, HlsError> {
    let unresolvable = |reason| HlsError::UnresolvableUri { reason };
    // Whitespace around a playlist line is never part of its URI.
    let reference = reference.trim();
    if reference
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(unresolvable(
            "the reference contains whitespace or control characters",
        ));
    }
    if base_url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(unresolvable(
            "the base contains whitespace or control characters",
        ));
    }
    let base = Parts::split(base_url);
    let Some(base_scheme) = base.scheme else {
        return Err(unresolvable("the base is not an absolute URL"));
    };
    let r = Parts::split(reference);

    // RFC 3986 §5.2.2, strict parser.
    let (scheme, authority, path, query);
    if let Some(s) = r.scheme {
        (scheme, authority, path, query) = (s, r.authority, remove_dot_segments(r.path), r.query);
    } else if r.authority.is_some() {
        (scheme, authority, path, query) = (
            base_scheme,
            r.authority,
            remove_dot_segments(r.path),
            r.query,
        );
    } else if r.path.is_empty() {
        (scheme, authority, path) = (base_scheme, base.authority, base.path.to_owned());
        query = r.query.or(base.query);
    } else {
        let merged = if r.path.starts_with('/') {
            r.path.to_owned()
        } else {
            merge(&base, r.path)
        };
        (scheme, authority, path, query) = (
            base_scheme,
            base.authority,
            remove_dot_segments(&merged),
            r.query,
        );
    }

    // RFC 3986 §5.3.
    let mut out = String::with_capacity(base_url.len() + reference.len());
    out.push_str(scheme);
    out.push(':');
    if let Some(authority) = authority {
        out.push_str("//");
        out.push_str(authority);
    }
    out.push_str(&path);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    if let Some(fragment) = r.fragment {
        out.push('#');
        out.push_str(fragment);
    }
    Ok(out)
}

/// The five components of a URI reference (RFC 3986 Appendix B).
struct Parts<'a> {
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

impl<'a> Parts<'a> {
    fn split(uri: &'a str) -> Self {
        let (rest, fragment) = match uri.split_once('#') {
            Some((rest, fragment)) => (rest, Some(fragment)),
            None => (uri, None),
        };
        let (rest, query) = match rest.split_once('?') {
            Some((rest, query)) => (rest, Some(query)),
            None => (rest, None),
        };
        let (scheme, rest) = match rest.split_once(':') {
            Some((scheme, rest)) if is_scheme(scheme) => (Some(scheme), rest),
            _ => (None, rest),
        };
        let (authority, path) = match rest.strip_prefix("//") {
            Some(after) => {
                let end = after.find('/').unwrap_or(after.len());
                (after.get(..end), after.get(end..).unwrap_or_default())
            }
            None => (None, rest),
        };
        Parts {
            scheme,
            authority,
            path,
            query,
            fragment,
        }
    }
}

/// `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` — and so never holds `/`, `?` or `#`.
fn is_scheme(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
}

/// RFC 3986 §5.2.3.
fn merge(base: &Parts<'_>, reference_path: &str) -> String {
    if base.authority.is_some() && base.path.is_empty() {
        format!("/{reference_path}")
    } else {
        let directory = base.path.rfind('/').map_or("", |at| &base.path[..=at]);
        format!("{directory}{reference_path}")
    }
}

/// RFC 3986 §5.2.4.
fn remove_dot_segments(path: &str) -> String {
    let mut input = path;
    let mut output = String::with_capacity(path.len());
    while !input.is_empty() {
        if let Some(rest) = input.strip_prefix("../") {
            input = rest;
        } else if let Some(rest) = input.strip_prefix("./") {
            input = rest;
        } else if input.starts_with("/./") {
            input = &input[2..];
        } else if input == "/." {
            input = "/";
        } else if input.starts_with("/../") || input == "/.." {
            input = if input == "/.." { "/" } else { &input[3..] };
            let cut = output.rfind('/').unwrap_or(0);
            output.truncate(cut);
        } else if input == "." || input == ".." {
            input = "";
        } else {
            let start = usize::from(input.starts_with('/'));
            let end = input[start..]
                .find('/')
                .map_or(input.len(), |at| start + at);
            output.push_str(&input[..end]);
            input = &input[end..];
        }
    }
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments() {
        assert_eq!(remove_dot_segments("/a/b/c/./../../g"), "/a/g");
        assert_eq!(remove_dot_segments("mid/content=5/../6"), "mid/6");
        assert_eq!(remove_dot_segments("/.."), "/");
        assert_eq!(remove_dot_segments(""), "");
    }

    #[test]
    fn needs_an_absolute_clean_base() {
        assert!(matches!(
            resolve_uri("/relative/base", "x"),
            Err(HlsError::UnresolvableUri { .. })
        ));
        assert!(matches!(
            resolve_uri("http://a/b", "x y"),
            Err(HlsError::UnresolvableUri { .. })
        ));
        assert_eq!(resolve_uri("http://a/b", " x\r").unwrap(), "http://a/x");
        assert_eq!(resolve_uri("http://a", "x").unwrap(), "http://a/x");
    }
}
