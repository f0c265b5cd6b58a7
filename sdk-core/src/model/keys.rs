//! API-key management objects (`/v1/keys`).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::ids::KeyId;
use super::wire_enum::wire_enum;
use crate::api_key::ApiKey;
use crate::error::BuildError;

wire_enum!(
    /// What a key may do.
    Scope {
        /// List, get and mint playback tokens. Generally available.
        VideoRead = "video:read",
        /// Read from the vault (roadmap).
        VaultRead = "vault:read",
        /// Write to the vault (roadmap).
        VaultWrite = "vault:write",
        /// Run AI jobs (roadmap).
        AiCompute = "ai:compute",
        /// Read billing (roadmap).
        BillingRead = "billing:read",
    }
);

/// An API key as listed: everything but the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ApiKeyInfo {
    /// Key id (`key_…`).
    pub id: KeyId,
    /// Name given at creation.
    pub name: String,
    /// The 12-character public prefix, e.g. `ak_live_7c1b`.
    pub prefix: String,
    /// Granted scopes.
    pub scopes: Vec<Scope>,
    /// Creation time.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Expiry, if any.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    /// Revocation time; revoked keys stay listed.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

impl ApiKeyInfo {
    /// A key that neither expires nor is revoked (for servers and tests); set `expires_at` and
    /// `revoked_at` on the returned value.
    #[must_use]
    pub fn new(
        id: KeyId,
        name: impl Into<String>,
        prefix: impl Into<String>,
        scopes: Vec<Scope>,
        created_at: OffsetDateTime,
    ) -> Self {
        Self {
            id,
            name: name.into(),
            prefix: prefix.into(),
            scopes,
            created_at,
            expires_at: None,
            revoked_at: None,
        }
    }

    /// Whether the key is still usable at `now` (not revoked, not expired).
    #[must_use]
    pub fn is_active_at(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

/// `GET /v1/keys`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApiKeyList {
    /// Every key of the user, revoked ones included.
    pub items: Vec<ApiKeyInfo>,
}

impl ApiKeyList {
    /// A list (for servers and tests).
    #[must_use]
    pub fn new(items: Vec<ApiKeyInfo>) -> Self {
        Self { items }
    }
}

/// `POST /v1/keys` → 201: the new key, shown this once.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct CreatedApiKey {
    /// The full key. It is never shown again: hand it to its user now.
    pub key: ApiKey,
    /// Everything else about it.
    #[serde(flatten)]
    pub info: ApiKeyInfo,
}

/// The body of `POST /v1/keys`, validated before anything is sent.
///
/// ```
/// use sdk_core::{NewApiKey, Scope};
/// let new = NewApiKey::new("ci", vec![Scope::VideoRead])?;
/// assert!(NewApiKey::new("", vec![Scope::VideoRead]).is_err());
/// assert!(NewApiKey::new("ci", vec![]).is_err());
/// # Ok::<(), sdk_core::BuildError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NewApiKey {
    /// 1–64 characters.
    pub name: String,
    /// At least one scope.
    pub scopes: Vec<Scope>,
    /// Optional expiry (must be in the future; the server checks against its clock).
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    pub expires_at: Option<OffsetDateTime>,
}

impl NewApiKey {
    /// A key request with a name and scopes.
    pub fn new(name: impl Into<String>, scopes: Vec<Scope>) -> Result<Self, BuildError> {
        let name = name.into();
        let chars = name.chars().count();
        if !(1..=64).contains(&chars) {
            return Err(BuildError::InvalidParameter {
                name: "name",
                reason: format!("must be 1 to 64 characters, got {chars}"),
            });
        }
        if scopes.is_empty() {
            return Err(BuildError::InvalidParameter {
                name: "scopes",
                reason: "must name at least one scope".into(),
            });
        }
        if let Some(unknown) = scopes.iter().find(|s| matches!(s, Scope::Unknown(_))) {
            return Err(BuildError::InvalidParameter {
                name: "scopes",
                reason: format!("unknown scope {:?}", unknown.as_str()),
            });
        }
        Ok(Self {
            name,
            scopes,
            expires_at: None,
        })
    }

    /// Sets an expiry.
    #[must_use]
    pub fn expires_at(mut self, at: OffsetDateTime) -> Self {
        self.expires_at = Some(at);
        self
    }
}
