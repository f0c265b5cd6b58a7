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
        if http::Uri::try_from(url).is_err() {
            return Err(BuildError::InvalidBaseUrl {
                reason: "is not a valid URI",
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
}
