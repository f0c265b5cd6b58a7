//! Schemas of the bodies the server sends and reads whose Rust types live in sdk-core (which
//! stays free of any OpenAPI dependency) or are built as JSON by hand (the error envelopes).
//! They mirror those types field for field; schemathesis' response-conformance check and the
//! contract tests hold every real answer against them, so a field added on one side and not
//! the other fails the test command. Unknown fields are refused here (`deny_unknown_fields`),
//! which is what turns such a drift into a failure; clients must still accept unknown fields
//! from the real service.

#![allow(
    dead_code,
    reason = "schema-only types: described in the document, never built"
)]

use serde::Serialize;
use utoipa::ToSchema;

use super::wire_enums::{
    ErrorCodeSchema, QualitySchema, ScopeSchema, UnsignedSchema, VideoStatusSchema,
};

/// A video owned by the calling key's user (sdk-core's `Video`).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = Video)]
pub(crate) struct VideoSchema {
    /// Public id, `vid_…`.
    #[schema(min_length = 1, max_length = 64, example = "vid_demo_encrypted")]
    id: String,
    /// Internal job UUID; the playback routes are keyed by it.
    #[schema(min_length = 1, max_length = 64)]
    job_id: String,
    title: String,
    status: VideoStatusSchema,
    /// Whether segments are AES-128 encrypted (a key must be fetched to play).
    encrypted: bool,
    quality: QualitySchema,
    /// Rendition names, e.g. `["720p", "480p"]`.
    renditions: Vec<String>,
    /// Duration in seconds, `null` when not known.
    duration_seconds: Option<f64>,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    updated_at: String,
}

/// One page of `GET /v1/video` (sdk-core's `VideoPage`).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = VideoPage)]
pub(crate) struct VideoPageSchema {
    items: Vec<VideoSchema>,
    /// Videos matching the query in all.
    total: UnsignedSchema,
    #[schema(minimum = 1, maximum = 100)]
    limit: u32,
    offset: UnsignedSchema,
}

/// An API key as listed: never the key itself (sdk-core's `ApiKeyInfo`).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = ApiKey)]
pub(crate) struct ApiKeySchema {
    /// `key_…`.
    id: String,
    #[schema(min_length = 1, max_length = 64)]
    name: String,
    /// The first 12 characters of the key, e.g. `ak_live_7c1b`.
    #[schema(min_length = 12, max_length = 12)]
    prefix: String,
    scopes: Vec<ScopeSchema>,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    expires_at: Option<String>,
    /// Set once the key is revoked; the row stays for audit.
    #[schema(format = DateTime)]
    revoked_at: Option<String>,
}

/// `POST /v1/keys` → 201: the listed fields plus the full key, shown this once.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CreatedApiKey)]
pub(crate) struct CreatedApiKeySchema {
    id: String,
    #[schema(min_length = 1, max_length = 64)]
    name: String,
    #[schema(min_length = 12, max_length = 12)]
    prefix: String,
    scopes: Vec<ScopeSchema>,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    expires_at: Option<String>,
    #[schema(format = DateTime)]
    revoked_at: Option<String>,
    /// The full key (`ak_live_` + 32 lowercase hex characters); never shown again.
    #[schema(pattern = "^ak_(live|test)_[0-9a-f]{32}$")]
    key: String,
}

/// `GET /v1/keys` (sdk-core's `ApiKeyList`).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ApiKeyList)]
pub(crate) struct ApiKeyListSchema {
    /// Every key of the user, revoked ones included; at most 100.
    #[schema(max_items = 100)]
    items: Vec<ApiKeySchema>,
}

/// The Ansdev success envelope: `{"success": true, "data": …}` (all `/v1/video…` routes).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnsdevOk<T: ToSchema> {
    /// Always `true`.
    success: bool,
    data: T,
}

/// The Ansdev error envelope: `/v1/video…`, playback, key delivery and CDN routes.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = AnsdevError)]
pub(crate) struct AnsdevErrorSchema {
    /// Always `false`.
    success: bool,
    error: AnsdevErrorDetail,
}

/// The `error` member of the Ansdev envelope.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnsdevErrorDetail {
    code: ErrorCodeSchema,
    message: String,
    /// Always the HTTP status of the answer.
    #[schema(minimum = 400, maximum = 599)]
    status: u16,
}

/// The genericized Intelligence envelope of `/v1/keys`: the status alone picks the code and
/// the fixed message (401 UNAUTHORIZED, 404 NOT_FOUND, 409 CONFLICT, 422 VALIDATION_ERROR,
/// 500 SERVER_ERROR).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = IntelligenceError)]
pub(crate) struct IntelligenceErrorSchema {
    error: IntelligenceErrorDetail,
}

/// The `error` member of the Intelligence envelope.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct IntelligenceErrorDetail {
    code: ErrorCodeSchema,
    message: String,
}

/// A refused `--dev` request: the Intelligence shape plus the field to fix.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = DevError)]
pub(crate) struct DevErrorSchema {
    error: DevErrorDetail,
}

/// The `error` member of a dev refusal.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DevErrorDetail {
    /// `VALIDATION_ERROR`, or `SERVER_ERROR` for a store failure.
    code: ErrorCodeSchema,
    /// Names the field and its bounds.
    message: String,
    /// The field to fix (`body` when the body is not the JSON the route reads).
    field: Option<String>,
}

/// `GET /healthz`.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Health)]
pub(crate) struct HealthSchema {
    /// `ok`.
    #[schema(example = "ok")]
    status: String,
}

/// `GET /.well-known/jwks.json`: an RFC 7517 key set (empty without `--dev`).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Jwks)]
pub(crate) struct JwksSchema {
    /// RFC 7517 JSON Web Keys (RSA public keys for RS256).
    keys: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// A text body: an HLS playlist, an HTML page, a plain-text refusal, a script or a style.
#[derive(Serialize, ToSchema)]
#[schema(as = Text)]
pub(crate) struct TextSchema(String);

/// Raw bytes: an AES-128 key, an MPEG-TS segment, a wasm module.
#[derive(Serialize, ToSchema)]
#[schema(as = Binary, value_type = String, format = Binary)]
pub(crate) struct BinarySchema(String);
