//! Decoding responses: both envelopes, bare bodies, and answers that are not JSON at all.

use bytes::Bytes;
use http::{Response, StatusCode, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::catalog::ErrorCode;
use crate::error::{ApiError, DecodeError, DecodeErrorKind, Error, QuotaExhausted};
use crate::rate_limit::RateLimit;

/// Which envelope a route answers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Envelope {
    /// `{"success": true, "data": …}` / `{"success": false, "error": {code, message, status}}`.
    Ansdev,
    /// Bare success bodies; `{"error": {code, message}}` on failure.
    Intelligence,
}

#[derive(Deserialize)]
struct AnsdevSuccess<T> {
    success: bool,
    data: Option<T>,
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: ErrorBody,
}

#[derive(Deserialize)]
struct ErrorBody {
    code: ErrorCode,
    #[serde(default)]
    message: String,
}

/// Decodes a JSON response in the given envelope into `T`, or into the typed error.
pub fn decode_json<T: DeserializeOwned>(
    response: &Response<Bytes>,
    envelope: Envelope,
) -> Result<T, Error> {
    let status = response.status();
    if !status.is_success() {
        return Err(decode_error_response(response));
    }
    match envelope {
        Envelope::Intelligence => Ok(parse_json::<T>(response, "")?),
        Envelope::Ansdev => {
            let body: AnsdevSuccess<T> = parse_json(response, "")?;
            match (body.success, body.data) {
                (true, Some(data)) => Ok(data),
                (true, None) => Err(field_error(status, "data", "missing field `data`").into()),
                (false, _) => Err(decode_error_response(response)),
            }
        }
    }
}

/// Turns an error response (any status, any body) into the typed error: an envelope becomes
/// [`Error::Api`] or [`Error::QuotaExhausted`]; anything else (a 411 in plain text, a proxy's
/// HTML 502, an empty or truncated body) becomes [`Error::Decode`] carrying the status.
#[must_use]
pub fn decode_error_response(response: &Response<Bytes>) -> Error {
    let status = response.status();
    let rate_limit = RateLimit::from_headers(response.headers());
    let body = match parse_json::<ErrorEnvelope>(response, "") {
        Ok(envelope) => envelope.error,
        Err(err) => {
            return Error::Decode(match err.kind {
                // A 2xx body (`"success": false` beside a minted token) may hold a secret:
                // only a failure status's body is ever quoted.
                DecodeErrorKind::MalformedJson { .. } | DecodeErrorKind::Field { .. }
                    if !status.is_success() =>
                {
                    not_an_envelope(response)
                }
                _ => err,
            });
        }
    };
    if body.code == ErrorCode::RateLimitExceeded {
        let wait = rate_limit.and_then(|r| r.time_until_reset(None));
        return Error::QuotaExhausted(QuotaExhausted::new(body.message, rate_limit, wait));
    }
    // An error envelope on a 2xx is still an error; keep the HTTP status as the truth.
    let status = if status.is_success() {
        body.code
            .status()
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    } else {
        status
    };
    Error::Api(ApiError {
        code: body.code,
        message: body.message,
        status,
        rate_limit,
    })
}

/// Parses a JSON body, naming the failing field (by path) without echoing any value.
pub(crate) fn parse_json<T: DeserializeOwned>(
    response: &Response<Bytes>,
    _context: &str,
) -> Result<T, DecodeError> {
    let status = Some(response.status());
    let body = response.body();
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeError::new(status, DecodeErrorKind::EmptyBody));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let value = result.map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        DecodeError::new(status, classify(&path, &inner))
    })?;
    de.end()
        .map_err(|err| DecodeError::new(status, classify("", &err)))?;
    Ok(value)
}

fn classify(path: &str, err: &serde_json::Error) -> DecodeErrorKind {
    use serde_json::error::Category;
    match err.classify() {
        Category::Eof => DecodeErrorKind::TruncatedJson,
        Category::Syntax | Category::Io => DecodeErrorKind::MalformedJson {
            line: err.line(),
            column: err.column(),
        },
        Category::Data => {
            let message = err.to_string();
            // serde reports a missing field on the parent's path; put the field in the path.
            if let Some(name) = message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
            {
                let field = if path.is_empty() || path == "." {
                    name.to_owned()
                } else {
                    format!("{path}.{name}")
                };
                return DecodeErrorKind::Field {
                    field,
                    reason: "missing".into(),
                };
            }
            // serde's own text quotes the offending value, which may be a secret: keep only
            // the kind of problem.
            let reason = if message.starts_with("invalid type") {
                "wrong JSON type"
            } else {
                "invalid value"
            };
            DecodeErrorKind::Field {
                field: if path.is_empty() {
                    ".".into()
                } else {
                    path.to_owned()
                },
                reason: reason.into(),
            }
        }
    }
}

fn field_error(status: StatusCode, field: &str, reason: &str) -> DecodeError {
    DecodeError::new(
        Some(status),
        DecodeErrorKind::Field {
            field: field.into(),
            reason: reason.into(),
        },
    )
}

fn not_an_envelope(response: &Response<Bytes>) -> DecodeError {
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    DecodeError::new(
        Some(response.status()),
        DecodeErrorKind::NotAnEnvelope {
            content_type,
            snippet: snippet(response.body()),
        },
    )
}

/// The first 80 printable characters of a body, for error messages about foreign answers.
fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(80)
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, content_type: &str, body: &'static str) -> Response<Bytes> {
        Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, content_type)
            .body(Bytes::from_static(body.as_bytes()))
            .unwrap()
    }

    #[derive(Debug, Deserialize)]
    struct Probe {
        #[allow(dead_code)]
        name: String,
    }

    #[test]
    fn decodes_ansdev_success() {
        let r = response(
            200,
            "application/json",
            r#"{"success":true,"data":{"name":"x"},"extra":1}"#,
        );
        assert!(decode_json::<Probe>(&r, Envelope::Ansdev).is_ok());
    }

    #[test]
    fn a_proxy_html_502_is_a_decode_error_with_the_status() {
        let r = response(
            502,
            "text/html",
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
        );
        let err = decode_json::<Probe>(&r, Envelope::Ansdev).unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::BAD_GATEWAY));
        assert!(err.is_retryable());
        assert!(err.to_string().contains("text/html"), "{err}");
    }

    #[test]
    fn a_411_in_plain_text_is_not_retryable() {
        let r = response(411, "text/plain", "Length Required");
        let err = decode_json::<Probe>(&r, Envelope::Ansdev).unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::LENGTH_REQUIRED));
        assert!(!err.is_retryable());
    }

    #[test]
    fn empty_and_truncated_bodies_are_named() {
        let empty = response(200, "application/json", "");
        let err = decode_json::<Probe>(&empty, Envelope::Ansdev).unwrap_err();
        assert!(matches!(
            err,
            Error::Decode(DecodeError {
                kind: DecodeErrorKind::EmptyBody,
                ..
            })
        ));
        let truncated = response(200, "application/json", r#"{"success":true,"data":{"na"#);
        let err = decode_json::<Probe>(&truncated, Envelope::Ansdev).unwrap_err();
        assert!(matches!(
            err,
            Error::Decode(DecodeError {
                kind: DecodeErrorKind::TruncatedJson,
                ..
            })
        ));
    }

    #[test]
    fn fuzz_parse_response_a_2xx_success_false_body_is_never_quoted() {
        // Found by the `parse_response` fuzz target: a 200 with `"success": false` and no error
        // envelope was reported with the first 80 characters of the body, token included.
        let r = response(
            200,
            "application/json",
            r#"{"success":false,"data":{"name":"eyJhbGciOi9.x9_y.z"}}"#,
        );
        let err = decode_json::<Probe>(&r, Envelope::Ansdev).unwrap_err();
        assert!(!format!("{err} {err:?}").contains("eyJhbGciOi9"), "{err}");
        assert!(err.to_string().contains("field `error`: missing"), "{err}");
        assert_eq!(err.status(), Some(StatusCode::OK));
    }

    #[test]
    fn field_errors_name_the_path_but_not_the_value() {
        let r = response(
            200,
            "application/json",
            r#"{"success":true,"data":{"name":12345678}}"#,
        );
        let err = decode_json::<Probe>(&r, Envelope::Ansdev)
            .unwrap_err()
            .to_string();
        assert!(err.contains("data.name"), "{err}");
        assert!(!err.contains("12345678"), "{err}");
        let r = response(200, "application/json", r#"{"success":true,"data":{}}"#);
        let err = decode_json::<Probe>(&r, Envelope::Ansdev)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("data.name") && err.contains("missing"),
            "{err}"
        );
    }
}
