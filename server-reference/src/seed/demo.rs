//! The demo dataset seeded into an empty database when no seed file is given.

use std::path::Path;

use super::{
    DemoInfo, SeedApiKey, SeedError, SeedFile, SeedUser, SeedVideo, apply, generate_api_key,
};
use crate::demo::{
    ENCRYPTED_JOB_ID as DEMO_ENCRYPTED_JOB, ENCRYPTED_VIDEO_ID, KEY_ID,
    PLAIN_JOB_ID as DEMO_PLAIN_JOB, PLAIN_VIDEO_ID, TRANSCODING_JOB_ID as DEMO_TRANSCODING_JOB,
    TRANSCODING_VIDEO_ID, USER_ID,
};
use crate::state::AppState;

/// The demo dataset: a user, one `video:read` key, an encrypted and a plain `COMPLETED` video
/// and one `TRANSCODING` video.
pub(crate) fn demo(state: &AppState) -> Result<DemoInfo, SeedError> {
    let api_key = generate_api_key();
    // The same ids and titles as the golden fixtures (`sdk-core/fixtures/success/`).
    let video = |id: &str, job_id: &str, title: &str, status: &str, encrypted: bool| SeedVideo {
        id: id.into(),
        job_id: job_id.into(),
        user_id: USER_ID.into(),
        title: title.into(),
        status: status.into(),
        encrypted,
        quality: "720p".into(),
        renditions: vec!["720p".into(), "480p".into()],
        media: None,
    };
    let mut transcoding = video(
        TRANSCODING_VIDEO_ID,
        DEMO_TRANSCODING_JOB,
        "Still transcoding",
        "TRANSCODING",
        false,
    );
    transcoding.quality = "1080p".into();
    transcoding.renditions.clear();
    let seed = SeedFile {
        users: vec![SeedUser { id: USER_ID.into() }],
        api_keys: vec![SeedApiKey {
            id: KEY_ID.into(),
            user_id: USER_ID.into(),
            key: api_key.clone(),
            name: "demo".into(),
            scopes: vec!["video:read".into()],
            expires_at: None,
            revoked: false,
            daily_token_limit: None,
        }],
        // Newest first.
        videos: vec![
            transcoding,
            video(
                PLAIN_VIDEO_ID,
                DEMO_PLAIN_JOB,
                "Ansdev demo (clear)",
                "COMPLETED",
                false,
            ),
            video(
                ENCRYPTED_VIDEO_ID,
                DEMO_ENCRYPTED_JOB,
                "Ansdev demo (AES-128)",
                "COMPLETED",
                true,
            ),
        ],
    };
    apply(state, &seed, Path::new(""))?;
    Ok(DemoInfo {
        api_key,
        video_id: ENCRYPTED_VIDEO_ID.into(),
        job_id: DEMO_ENCRYPTED_JOB.into(),
    })
}
