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
}
