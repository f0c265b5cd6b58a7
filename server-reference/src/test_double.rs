//! [`RunningServer`]'s helpers for Rust tests: the dev clock, faults, user tokens, the request
//! journal and video life cycles, in process, with the same validation as the `/dev/*` routes.

use std::time::Duration;

use sdk_core::{UserToken, VideoStatus};
use serde_json::json;
use time::OffsetDateTime;

use crate::dev_refusal::DevRefusal;
use crate::faults::{FaultRequest, FaultRule};
use crate::journal::JournalEntry;
use crate::server::RunningServer;

/// A fault to arm with [`RunningServer::arm_fault`]: the next `count` requests of a route get
/// a chosen status, a delay, a malformed or empty body, or a reset connection. The same rule
/// as `POST /dev/faults`, checked the same way.
///
/// ```
/// use std::time::Duration;
/// use server_reference::Fault;
///
/// // The next two mints answer 503 after half a second.
/// let fault = Fault::on("mint").status(503).count(2).delay(Duration::from_millis(500));
/// # let _ = fault;
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Fault {
    route: String,
    status: Option<u16>,
    count: Option<u64>,
    delay_ms: Option<u64>,
    body: Option<&'static str>,
    reset_connection: bool,
}

impl Fault {
    /// A fault on `route`: one of `mint`, `key`, `manifest`, `segment`, `list`, `get`, `any`,
    /// or a route pattern as [`JournalEntry::route`] reports it (e.g. `/v1/video/{video_id}`),
    /// which hits exactly that route.
    /// By default the next request answers 503 with an error envelope.
    pub fn on(route: &str) -> Self {
        Self {
            route: route.to_owned(),
            status: None,
            count: None,
            delay_ms: None,
            body: None,
            reset_connection: false,
        }
    }

    /// The status to answer, 200–599 (a 2xx with no other change only delays the real answer).
    pub fn status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// How many requests the fault hits, 1–10 000 (default 1).
    pub fn count(mut self, count: u64) -> Self {
        self.count = Some(count);
        self
    }

    /// Wait this long before answering (at most a minute).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay_ms = Some(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX));
        self
    }

    /// Answer with truncated JSON instead of an envelope.
    pub fn malformed_body(mut self) -> Self {
        self.body = Some("malformed");
        self
    }

    /// Answer with no body at all.
    pub fn empty_body(mut self) -> Self {
        self.body = Some("empty");
        self
    }

    /// Abort the connection mid-response.
    pub fn reset_connection(mut self) -> Self {
        self.reset_connection = true;
        self
    }

    /// The `POST /dev/faults` body this fault stands for, checked like one.
    fn rule(&self) -> Result<FaultRule, DevRefusal> {
        let mut body = json!({"route": self.route, "resetConnection": self.reset_connection});
        for (field, value) in [
            ("status", self.status.map(u64::from)),
            ("count", self.count),
            ("delayMs", self.delay_ms),
        ] {
            if let (Some(value), Some(object)) = (value, body.as_object_mut()) {
                object.insert(field.to_owned(), json!(value));
            }
        }
        if let (Some(kind), Some(object)) = (self.body, body.as_object_mut()) {
            object.insert("body".to_owned(), json!(kind));
        }
        let request: FaultRequest = serde_json::from_value(body)
            .map_err(|_| DevRefusal::new("route", "the fault could not be read"))?;
        FaultRule::try_from(request)
    }
}

impl RunningServer {
    /// Moves the server clock by `seconds` (negative goes back) and returns the new time, as
    /// `POST /dev/clock` does: token expiry, key expiry, daily quotas, `X-RateLimit-Reset` and
    /// the `Date` header all follow it. The clock stays within 100 years of the wall clock and
    /// after 1970; an advance beyond that changes nothing.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = server_reference::serve(server_reference::Config::for_tests()).await?;
    /// // Outlive every playback token minted so far.
    /// server.advance_clock(301)?;
    /// # Ok(()) }
    /// ```
    pub fn advance_clock(&self, seconds: i64) -> Result<OffsetDateTime, DevRefusal> {
        self.state()
            .clock()
            .advance(seconds)
            .map_err(|err| DevRefusal::new("advanceSeconds", err.to_string()))
    }

    /// Arms `fault`, as `POST /dev/faults` does (at most 64 armed at once).
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use server_reference::Fault;
    /// let server = server_reference::serve(server_reference::Config::for_tests()).await?;
    /// server.arm_fault(Fault::on("get").status(500))?;
    /// # Ok(()) }
    /// ```
    pub fn arm_fault(&self, fault: Fault) -> Result<(), DevRefusal> {
        let rule = fault.rule()?;
        self.state().inner.faults.arm(rule)
    }

    /// A user JWT for `user_id` (created if needed), as `POST /dev/users/{userId}/token`
    /// issues it: the `Authorization: Bearer` credential of `/v1/keys`.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = server_reference::serve(server_reference::Config::for_tests()).await?;
    /// let token = server.user_token(server_reference::demo::USER_ID)?;
    /// let header = format!("Bearer {}", token.expose_secret());
    /// # let _ = header;
    /// # Ok(()) }
    /// ```
    pub fn user_token(&self, user_id: &str) -> Result<UserToken, DevRefusal> {
        let refused = || DevRefusal::new("userId", "userId must be 1 to 128 characters of UTF-8");
        if user_id.is_empty() || user_id.chars().count() > 128 {
            return Err(refused());
        }
        let state = self.state();
        let now = state.clock().unix();
        let unavailable = || DevRefusal::new("userId", "the user token could not be issued");
        state
            .store()
            .ensure_user(user_id, now)
            .map_err(|_| unavailable())?;
        let token = crate::idp::issue_user_token(
            user_id,
            &state.inner.jwt_issuer,
            &state.inner.jwt_audience,
            now,
        )
        .ok_or_else(unavailable)?;
        UserToken::new(token).map_err(|_| unavailable())
    }

    /// The request journal, oldest first (empty unless the server runs with `dev`; see
    /// `GET /dev/requests`). At most [`JOURNAL_CAPACITY`](crate::JOURNAL_CAPACITY) entries.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = server_reference::serve(server_reference::Config::for_tests()).await?;
    /// // … the app under test runs against server.base_url() …
    /// let mints = server
    ///     .requests()
    ///     .iter()
    ///     .filter(|r| r.route == "/v1/video/{video_id}/playback-token" && r.status == 200)
    ///     .count();
    /// assert_eq!(mints, 0);
    /// # Ok(()) }
    /// ```
    #[must_use]
    pub fn requests(&self) -> Vec<JournalEntry> {
        self.state().inner.journal.snapshot().requests
    }

    /// Forgets the journal's entries (`DELETE /dev/requests`).
    pub fn clear_requests(&self) {
        self.state().inner.journal.clear();
    }

    /// Adds users, keys and videos to the running server, as `POST /dev/seed` does: the seed
    /// file's schema and checks; refused whole (nothing stored) when a value is malformed or a
    /// key or video id is already in use.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = server_reference::serve(server_reference::Config::for_tests()).await?;
    /// let seed: server_reference::SeedFile = serde_json::from_str(r#"{
    ///     "videos": [{"id": "vid_mine", "jobId": "job-mine", "userId": "user_demo",
    ///                 "title": "Mine", "status": "UPLOADING", "encrypted": false,
    ///                 "quality": "720p", "renditions": ["720p"]}]}"#)?;
    /// server.seed(&seed)?;
    /// # Ok(()) }
    /// ```
    pub fn seed(&self, seed: &crate::SeedFile) -> Result<(), DevRefusal> {
        crate::seed::add(self.state(), seed)
    }

    /// Moves video `video_id` (public id or job id) to `status`, as
    /// `POST /dev/videos/{videoId}/status` does. A video that reaches `COMPLETED` can be
    /// minted for and played at once.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use server_reference::{core::VideoStatus, demo};
    /// let server = server_reference::serve(server_reference::Config::for_tests()).await?;
    /// server.set_video_status(demo::TRANSCODING_VIDEO_ID, &VideoStatus::Completed)?;
    /// # Ok(()) }
    /// ```
    pub fn set_video_status(&self, video_id: &str, status: &VideoStatus) -> Result<(), DevRefusal> {
        crate::lifecycle::set_status(self.state(), video_id, status.as_str()).map(|_| ())
    }

    /// Schedules video `video_id` to move to `status` once the server clock is `after` past
    /// now (whole seconds, at most a year): the move applies before the first request at or
    /// after that time, so [`advance_clock`](Self::advance_clock) can jump straight past it.
    /// At most 64 moves wait at once. Returns the server time it applies from.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use server_reference::{core::VideoStatus, demo};
    /// let server = server_reference::serve(server_reference::Config::for_tests()).await?;
    /// let id = demo::TRANSCODING_VIDEO_ID;
    /// server.schedule_video_status(id, &VideoStatus::Completed, Duration::from_secs(90))?;
    /// server.advance_clock(90)?; // the next request sees it COMPLETED
    /// # Ok(()) }
    /// ```
    pub fn schedule_video_status(
        &self,
        video_id: &str,
        status: &VideoStatus,
        after: Duration,
    ) -> Result<OffsetDateTime, DevRefusal> {
        let at = crate::lifecycle::schedule_status(
            self.state(),
            video_id,
            status.as_str(),
            after.as_secs(),
        )?;
        OffsetDateTime::from_unix_timestamp(at)
            .map_err(|_| DevRefusal::new("afterSeconds", "the time is out of range"))
    }
}
