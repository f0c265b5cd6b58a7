//! The `--dev` routes in the document (tag `dev`): their paths and bodies. The handlers live
//! in `routes/dev.rs` and `faults.rs`; the functions here exist only to carry the
//! `#[utoipa::path]` attributes, and the body types mirror what those handlers read and send
//! (the dev contract tests and schemathesis check every answer against them).

#![allow(
    dead_code,
    reason = "schema-only types and path stubs: described in the document, never built or called"
)]

use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use super::schemas::{DevErrorSchema, IntelligenceErrorSchema, TextSchema};
use super::wire_enums::VideoStatusSchema;
use crate::journal::JournalSnapshot;
use crate::seed::SeedFile;

/// The dev part of the document, merged in only when the server runs with `--dev`.
#[derive(OpenApi)]
#[openapi(
    paths(user_token, clock, faults, requests, clear_requests, video_status, seed),
    tags((name = "dev", description = "Test tooling, served only with --dev: user tokens, the server clock, fault injection"))
)]
pub(super) struct DevDoc;

/// `POST /dev/users/{userId}/token` → a user JWT.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct UserToken {
    /// An RS256 user JWT from the dev identity provider, for `Authorization: Bearer` on
    /// `/v1/keys` and the `ansdev_session` cookie.
    token: String,
}

/// `POST /dev/clock` body.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ClockAdvance {
    /// Seconds to move the server clock (negative moves it back). Moves add up, and the clock
    /// must stay within 100 years (3,155,760,000 s) of the wall clock and after 1970, so which
    /// moves are accepted depends on where the clock stands; the bounds here are the widest
    /// any state accepts (twice the window).
    #[schema(minimum = -6_311_520_000_i64, maximum = 6_311_520_000_i64)]
    advance_seconds: i64,
}

/// `POST /dev/clock` → the server's time after the move.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ClockNow {
    /// RFC 3339.
    #[schema(format = DateTime)]
    now: String,
    /// Unix seconds.
    unix: i64,
}

/// Which requests a fault hits.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FaultRoute {
    /// `POST /v1/video/{videoId}/playback-token`.
    Mint,
    /// Both key-delivery routes.
    Key,
    /// Both playlist routes.
    Manifest,
    /// `GET /cdn/…`.
    Segment,
    /// `GET /v1/video`.
    List,
    /// `GET /v1/video/{videoId}`.
    Get,
    /// Any of the above.
    Any,
}

/// Which requests a fault hits: a short name, or one route pattern.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub(crate) enum FaultTarget {
    /// A short name (a set of routes).
    Name(FaultRoute),
    /// Exactly one route.
    Pattern(super::wire_enums::FaultPatternSchema),
}

/// What a faulty answer carries.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FaultBody {
    /// A well-formed Ansdev error envelope for the status.
    Envelope,
    /// Truncated JSON.
    Malformed,
    /// No body at all.
    Empty,
}

/// `POST /dev/faults` body: the next `count` matching requests get the fault.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct FaultRequest {
    route: FaultTarget,
    /// The status to answer with (default 503).
    #[schema(minimum = 200, maximum = 599)]
    status: Option<u16>,
    /// How many requests the fault hits (default 1).
    #[schema(minimum = 1, maximum = 10_000)]
    count: Option<u64>,
    /// A delay before answering, in milliseconds (default 0).
    #[schema(minimum = 0, maximum = 60_000)]
    delay_ms: Option<u64>,
    /// Default `envelope`.
    body: Option<FaultBody>,
    /// Drop the connection instead of answering (default false).
    reset_connection: Option<bool>,
}

/// `POST /dev/faults` → the fault is armed.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultArmed {
    /// Always `true`.
    armed: bool,
}

/// A user JWT from the dev identity provider, for `/v1/keys` and the session cookie.
#[utoipa::path(post, path = "/dev/users/{userId}/token", tag = "dev",
    params(("userId" = String, Path, min_length = 1, max_length = 128, description = "The user to sign a token for (created if needed), 1–128 characters")),
    responses(
        (status = 200, description = "A user JWT", body = UserToken),
        (status = 411, description = "Bodyless POST without Content-Length", body = TextSchema, content_type = "text/plain"),
        (status = 422, description = "VALIDATION_ERROR naming userId", body = DevErrorSchema),
        (status = 500, description = "SERVER_ERROR", body = IntelligenceErrorSchema),
    ))]
async fn user_token() {}

/// Moves the server clock: token and key expiry, the daily quota and its reset follow it.
#[utoipa::path(post, path = "/dev/clock", tag = "dev",
    request_body(content = ClockAdvance, description = "At most 16 KiB"),
    responses(
        (status = 200, description = "The server clock after the move; every time-dependent answer (token expiry, rate-limit reset, key expiry) follows it", body = ClockNow),
        (status = 411, description = "Bodyless POST without Content-Length", body = TextSchema, content_type = "text/plain"),
        (status = 422, description = "VALIDATION_ERROR naming body or advanceSeconds", body = DevErrorSchema),
    ))]
async fn clock() {}

/// Arms a fault for the next `count` requests of a route.
#[utoipa::path(post, path = "/dev/faults", tag = "dev",
    request_body(content = FaultRequest, description = "At most 16 KiB; at most 64 faults armed at once"),
    responses(
        (status = 200, description = "The fault is armed", body = FaultArmed),
        (status = 411, description = "Bodyless POST without Content-Length", body = TextSchema, content_type = "text/plain"),
        (status = 422, description = "VALIDATION_ERROR naming the field (route, status, count, delayMs, body) or the full rule list", body = DevErrorSchema),
    ))]
async fn faults() {}

/// `POST /dev/videos/{videoId}/status` body.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct StatusChange {
    /// The video's new status.
    status: VideoStatusSchema,
    /// Apply the move this many seconds from now on the server clock instead (at most a year;
    /// at most 64 moves wait at once).
    #[schema(minimum = 0, maximum = 31_557_600)]
    after_seconds: Option<u64>,
}

/// `POST /dev/videos/{videoId}/status` → the video after the move.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct StatusNow {
    id: String,
    job_id: String,
    status: VideoStatusSchema,
    #[schema(format = DateTime)]
    updated_at: String,
}

/// `POST /dev/videos/{videoId}/status` with `afterSeconds` → the move is scheduled.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatusScheduled {
    id: String,
    status: VideoStatusSchema,
    /// When it applies, by the server clock (RFC 3339).
    #[schema(format = DateTime)]
    at: String,
}

/// The request journal: every request's route pattern, method, status, code, key prefix,
/// video id and timing, oldest first — never a secret.
#[utoipa::path(get, path = "/dev/requests", tag = "dev",
    responses((status = 200, description = "The journal (at most 10 000 entries)", body = JournalSnapshot)))]
async fn requests() {}

/// Forgets every journal entry.
#[utoipa::path(delete, path = "/dev/requests", tag = "dev",
    responses((status = 204, description = "Cleared")))]
async fn clear_requests() {}

/// Moves a video through its life cycle (now, or later on the server clock).
#[utoipa::path(post, path = "/dev/videos/{videoId}/status", tag = "dev",
    params(("videoId" = String, Path, min_length = 1, max_length = 64, description = "A video's public id or job id")),
    request_body(content = StatusChange, description = "At most 16 KiB"),
    responses(
        (status = 200, description = "The video after the move", body = StatusNow),
        (status = 202, description = "The move is scheduled", body = StatusScheduled),
        (status = 411, description = "Bodyless POST without Content-Length", body = TextSchema, content_type = "text/plain"),
        (status = 422, description = "VALIDATION_ERROR naming videoId, status, afterSeconds or body", body = DevErrorSchema),
    ))]
async fn video_status() {}

/// `POST /dev/seed` → how many of each were added.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SeedCounts {
    users: u64,
    api_keys: u64,
    videos: u64,
}

/// Adds users, API keys and videos to the running server (the `--seed` file's schema and
/// checks); refused whole when a value is malformed or an id is already in use.
#[utoipa::path(post, path = "/dev/seed", tag = "dev",
    request_body(content = SeedFile, description = "At most 16 KiB"),
    responses(
        (status = 201, description = "Added", body = SeedCounts),
        (status = 411, description = "Bodyless POST without Content-Length", body = TextSchema, content_type = "text/plain"),
        (status = 422, description = "VALIDATION_ERROR naming body: malformed, or an id in use", body = DevErrorSchema),
    ))]
async fn seed() {}
