//! Entry points for the cargo-fuzz targets in `fuzz/` (feature `fuzzing`, never on in a normal
//! build): the server's checks of untrusted input — the playback-token check, the user-JWT
//! check, the seed-file loader and the dev routes' bodies — driven exactly as the routes drive
//! them, on a real dev-mode server in this process.

use std::path::PathBuf;

use sdk_core::ErrorCode;

use crate::{Config, RunningServer, StartError};

/// The dev routes whose JSON bodies [`Checks::dev_route`] sends, in the order its `route`
/// index picks them (`{id}` already filled in with the demo's ids).
pub const DEV_ROUTES: [&str; 5] = [
    "/dev/users/user_demo/token",
    "/dev/clock",
    "/dev/faults",
    "/dev/videos/vid_demo_transcoding/status",
    "/dev/seed",
];

/// A dev-mode server (in-memory database, demo dataset, day-long playback tokens so a long
/// fuzzing run never sees its reference token expire) and the runtime it runs on.
#[derive(Debug)]
pub struct Checks {
    server: RunningServer,
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
    /// An empty folder that relative seed media paths resolve against.
    seed_base: PathBuf,
}

/// What the server answered a dev-route body.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DevAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The body, parsed as JSON (`None` when it is not JSON).
    pub body: Option<serde_json::Value>,
}

impl Checks {
    /// Starts the server on 127.0.0.1:0.
    ///
    /// # Errors
    /// The server could not start, or the runtime could not be built.
    pub fn start() -> Result<Self, StartError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| StartError::Http(e.to_string()))?;
        let mut config = Config::for_tests();
        // The longest TTL `--token-ttl-seconds` allows: one day.
        config.token_ttl_seconds = Some(86_400);
        let server = runtime.block_on(crate::serve(config))?;
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .map_err(|e| StartError::Http(e.to_string()))?;
        let seed_base =
            std::env::temp_dir().join(format!("ansdev-fuzz-seed-{}", std::process::id()));
        std::fs::create_dir_all(&seed_base).map_err(|e| StartError::Http(e.to_string()))?;
        Ok(Self {
            server,
            runtime,
            http,
            seed_base,
        })
    }

    /// The job id of the demo's encrypted video, which [`Self::playback_token`] is for.
    #[must_use]
    pub fn job_id(&self) -> &'static str {
        crate::demo::ENCRYPTED_JOB_ID
    }

    /// A playback token for the demo's encrypted video, signed now by the server.
    #[must_use]
    pub fn playback_token(&self) -> Option<String> {
        crate::tokens::mint(
            self.server.state(),
            crate::demo::KEY_ID,
            crate::demo::ENCRYPTED_VIDEO_ID,
            crate::demo::ENCRYPTED_JOB_ID,
        )
        .ok()
    }

    /// Checks `token` for `job_id` as the playback routes do: the token's subject when it
    /// passes, the catalog code of the refusal otherwise.
    ///
    /// # Errors
    /// `PLAYBACK_TOKEN_INVALID`, `PLAYBACK_TOKEN_EXPIRED` or `PLAYBACK_TOKEN_MISMATCH`.
    pub fn check_playback_token(&self, token: &str, job_id: &str) -> Result<String, ErrorCode> {
        crate::tokens::verify(self.server.state(), token, job_id)
            .map(|claims| claims.sub)
            .map_err(|err| err.code().clone())
    }

    /// A user JWT signed now by the dev identity provider for the demo user.
    #[must_use]
    pub fn user_token(&self) -> Option<String> {
        self.server
            .user_token(crate::demo::USER_ID)
            .ok()
            .map(|t| t.expose_secret().to_owned())
    }

    /// Checks a user JWT as the key and session routes do (against the server's JWKS, fetched
    /// over loopback and cached): the user id when it passes, `None` when it is refused.
    #[must_use]
    pub fn check_user_token(&self, token: &str) -> Option<String> {
        self.runtime
            .block_on(crate::auth::user(self.server.state(), token))
            .ok()
    }

    /// Loads seed-file bytes as `--seed` does (parse, then every check, media folders
    /// included, relative ones against an empty folder) and, when they pass, adds them to the
    /// running server as `POST /dev/seed` does. `Ok(true)`: stored; `Ok(false)`: checked but
    /// refused by the store's own rules (an id already in use).
    ///
    /// # Errors
    /// The loader's refusal, as its message.
    pub fn load_seed(&self, bytes: &[u8]) -> Result<bool, String> {
        let seed = crate::seed::parse(bytes).map_err(|e| e.to_string())?;
        crate::seed::validate(&seed, &self.seed_base).map_err(|e| e.to_string())?;
        Ok(crate::seed::add(self.server.state(), &seed).is_ok())
    }

    /// Sends `body` (as `application/json`) to dev route `DEV_ROUTES[route % 5]` over HTTP.
    ///
    /// # Errors
    /// The request could not be sent or its answer read.
    pub fn dev_route(&self, route: usize, body: Vec<u8>) -> Result<DevAnswer, String> {
        let path = DEV_ROUTES
            .get(route % DEV_ROUTES.len())
            .ok_or("no such route")?;
        let url = format!("{}{path}", self.server.base_url());
        self.runtime.block_on(async {
            let answer = self
                .http
                .post(url)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let status = answer.status().as_u16();
            let bytes = answer.bytes().await.map_err(|e| e.to_string())?;
            Ok(DevAnswer {
                status,
                body: serde_json::from_slice(&bytes).ok(),
            })
        })
    }
}
