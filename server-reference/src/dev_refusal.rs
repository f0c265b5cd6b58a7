//! Why a dev action (over HTTP or through a [`RunningServer`](crate::RunningServer) helper) was
//! refused: the field to fix and a message naming its bounds. Over HTTP it is a 422
//! `VALIDATION_ERROR` carrying `field`.

use axum::response::{IntoResponse, Response};

use crate::error::DevError;

/// A refused dev action: which input is wrong and why. Dev inputs hold no secret, so the
/// message may quote bounds and allowed values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct DevRefusal {
    field: &'static str,
    message: String,
}

impl DevRefusal {
    pub(crate) fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }

    /// The input to fix, as named on the wire (e.g. `status`, `advanceSeconds`).
    #[must_use]
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// What is wrong with it, and what would be accepted.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<DevRefusal> for DevError {
    fn from(refusal: DevRefusal) -> Self {
        DevError::new(refusal.field, refusal.message)
    }
}

impl IntoResponse for DevRefusal {
    fn into_response(self) -> Response {
        DevError::from(self).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_refusal_keeps_the_field() {
        let refusal = DevRefusal::new("status", "status must be one of COMPLETED, FAILED");
        assert_eq!(
            refusal.to_string(),
            "status: status must be one of COMPLETED, FAILED"
        );
        assert_eq!(DevError::from(refusal).field(), "status");
    }
}
