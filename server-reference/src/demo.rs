//! The ids of the demo dataset, seeded when a server starts on an empty database without
//! `--seed` (as [`Config::for_tests`](crate::Config::for_tests) does). The demo API key itself
//! is generated at each start: read it from
//! [`RunningServer::demo_api_key`](crate::RunningServer::demo_api_key) (or the binary's
//! `demo api key:` line).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use server_reference::{Config, demo, serve};
//!
//! let server = serve(Config::for_tests()).await?;
//! let key = server.demo_api_key().ok_or("no demo key")?;
//! let url = format!("{}/v1/video/{}", server.base_url(), demo::ENCRYPTED_VIDEO_ID);
//! # let _ = (key, url);
//! # Ok(()) }
//! ```

/// The demo user, owner of every demo video and of the demo key.
pub const USER_ID: &str = "user_demo";
/// The demo API key's id (its `video:read` key, daily limit 1000).
pub const KEY_ID: &str = "key_demo";
/// A `COMPLETED`, AES-128 encrypted video.
pub const ENCRYPTED_VIDEO_ID: &str = "vid_demo_encrypted";
/// The job id of [`ENCRYPTED_VIDEO_ID`].
pub const ENCRYPTED_JOB_ID: &str = "3f0c8a52-5a1e-4c57-9b8e-2d7f6f0e9a10";
/// A `COMPLETED` video in the clear.
pub const PLAIN_VIDEO_ID: &str = "vid_demo_plain";
/// The job id of [`PLAIN_VIDEO_ID`].
pub const PLAIN_JOB_ID: &str = "9a4e2b7c-6d1f-4e3a-a0b9-8c7d6e5f4a32";
/// A `TRANSCODING` video (move it on with `RunningServer::set_video_status`).
pub const TRANSCODING_VIDEO_ID: &str = "vid_demo_transcoding";
/// The job id of [`TRANSCODING_VIDEO_ID`].
pub const TRANSCODING_JOB_ID: &str = "b7d1e0c4-0f3a-4a8e-8d55-6c1b9e2f4a77";
