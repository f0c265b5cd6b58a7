//! Error responses in both envelopes, built from sdk-core's catalog so the server and the SDK
//! cannot disagree on a code, status or default message.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sdk_core::ErrorCode;
use serde_json::json;

/// An error in the Ansdev envelope: `{"success": false, "error": {code, message, status}}`.
/// Boxed, so `Result`s that carry it stay small.
#[derive(Debug)]
pub(crate) struct ApiError(Box<ApiErrorInner>);

#[derive(Debug)]
pub(crate) struct ApiErrorInner {
    code: ErrorCode,
    message: Option<String>,
    headers: HeaderMap,
}

impl ApiError {
    pub(crate) fn new(code: ErrorCode) -> Self {
        Self(Box::new(ApiErrorInner {
            code,
            message: None,
            headers: HeaderMap::new(),
        }))
    }

    pub(crate) fn with_message(mut self, message: impl Into<String>) -> Self {
        self.0.message = Some(message.into());
        self
    }

    pub(crate) fn with_headers(mut self, headers: HeaderMap) -> Self {
        self.0.headers.extend(headers);
        self
    }

    pub(crate) fn code(&self) -> &ErrorCode {
        &self.0.code
    }

    pub(crate) fn internal() -> Self {
        Self::new(ErrorCode::InternalError)
    }
}

fn status_of(code: &ErrorCode) -> StatusCode {
    code.status().unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The envelope body for `code` (used by faults and panics too).
pub(crate) fn ansdev_body(code: &ErrorCode, message: Option<&str>, status: StatusCode) -> String {
    let message = message
        .map(str::to_owned)
        .or_else(|| code.message().map(str::to_owned))
        .unwrap_or_default();
    json!({
        "success": false,
        "error": {"code": code.as_str(), "message": message, "status": status.as_u16()}
    })
    .to_string()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let inner = *self.0;
        let status = status_of(&inner.code);
        let body = ansdev_body(&inner.code, inner.message.as_deref(), status);
        let mut response = (status, json_headers(), body).into_response();
        response.headers_mut().extend(inner.headers);
        response
    }
}

fn json_headers() -> [(header::HeaderName, HeaderValue); 1] {
    [(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    )]
}

impl From<crate::store::StoreError> for ApiError {
    fn from(err: crate::store::StoreError) -> Self {
        tracing::error!(error = %err, "store failure");
        Self::internal()
    }
}

/// An error in the genericized Intelligence envelope (`/v1/keys`): only the status picks the
/// code and the fixed message; no route detail is ever forwarded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeysError(pub(crate) StatusCode);

impl KeysError {
    pub(crate) const UNAUTHORIZED: Self = Self(StatusCode::UNAUTHORIZED);
    pub(crate) const NOT_FOUND: Self = Self(StatusCode::NOT_FOUND);
    pub(crate) const CONFLICT: Self = Self(StatusCode::CONFLICT);
    pub(crate) const VALIDATION: Self = Self(StatusCode::UNPROCESSABLE_ENTITY);
    pub(crate) const SERVER: Self = Self(StatusCode::INTERNAL_SERVER_ERROR);

    /// The answer to a request the framework refused (a body over the limit, a path that is not
    /// UTF-8, …): a 4xx the genericized envelope has no code for is a validation error, so the
    /// answer stays one the contract names.
    pub(crate) fn for_rejection(status: StatusCode) -> Self {
        match status.as_u16() {
            401 | 403 | 404 | 409 | 429 => Self(status),
            500..=599 => Self::SERVER,
            _ => Self::VALIDATION,
        }
    }
}

impl IntoResponse for KeysError {
    fn into_response(self) -> Response {
        let code = ErrorCode::intelligence_for_status(self.0).unwrap_or(ErrorCode::ServerError);
        let message = code.message().unwrap_or("An error occurred");
        let body = json!({"error": {"code": code.as_str(), "message": message}}).to_string();
        (self.0, json_headers(), body).into_response()
    }
}

impl From<crate::store::StoreError> for KeysError {
    fn from(err: crate::store::StoreError) -> Self {
        tracing::error!(error = %err, "store failure");
        Self::SERVER
    }
}

impl ApiError {
    /// The Ansdev answer to a request the framework refused: the catalog's code for 404 and
    /// 405, `INTERNAL_ERROR` for a 5xx, and `INVALID_REQUEST` for every other refusal (a path
    /// segment that is not UTF-8, a body over the limit).
    pub(crate) fn for_rejection(status: StatusCode) -> Self {
        Self::new(match status.as_u16() {
            404 => ErrorCode::NotFound,
            405 => ErrorCode::MethodNotAllowed,
            500..=599 => ErrorCode::InternalError,
            _ => ErrorCode::InvalidRequest,
        })
    }
}

/// A refused `--dev` request: 422 `VALIDATION_ERROR` in the Intelligence shape, plus the
/// `field` to fix, and a message that names it and its bounds. The dev routes are test
/// tooling, so unlike `/v1/keys` they say what is wrong; their bodies hold no secret to echo.
#[derive(Debug, Clone)]
pub(crate) struct DevError {
    field: &'static str,
    message: String,
}

impl DevError {
    pub(crate) fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }

    /// The field the request must fix.
    #[cfg(test)]
    pub(crate) fn field(&self) -> &'static str {
        self.field
    }
}

impl IntoResponse for DevError {
    fn into_response(self) -> Response {
        let body = json!({"error": {
            "code": ErrorCode::ValidationError.as_str(),
            "message": self.message,
            "field": self.field,
        }})
        .to_string();
        (StatusCode::UNPROCESSABLE_ENTITY, json_headers(), body).into_response()
    }
}

/// A success in the Ansdev envelope.
pub(crate) fn ansdev_ok<T: serde::Serialize>(data: &T) -> Response {
    match serde_json::to_value(data) {
        Ok(data) => (
            StatusCode::OK,
            json_headers(),
            json!({"success": true, "data": data}).to_string(),
        )
            .into_response(),
        Err(err) => {
            tracing::error!(error = %err, "response serialization failed");
            ApiError::internal().into_response()
        }
    }
}

/// A bare JSON success body (Intelligence routes and dev routes).
pub(crate) fn bare_json<T: serde::Serialize>(status: StatusCode, data: &T) -> Response {
    match serde_json::to_string(data) {
        Ok(body) => (status, json_headers(), body).into_response(),
        Err(_) => KeysError::SERVER.into_response(),
    }
}
