//! Seeding an empty database: from a seed file (docs/api.md §13) or with the demo dataset.

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

mod demo;
mod file;

pub(crate) use demo::demo;
#[cfg(feature = "fuzzing")]
pub(crate) use file::parse;
pub(crate) use file::read_file;

use crate::crypto::hash_api_key;
use crate::media::Source;
use crate::media_dir::{MediaDir, MediaDirError};
use crate::state::AppState;
use crate::store::{KeyRow, StoreError, VideoRow};

/// The documented default daily playback-token limit.
pub(crate) const DEFAULT_DAILY_TOKEN_LIMIT: u32 = 1000;

/// A seed file.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct SeedFile {
    /// Users.
    #[serde(default)]
    pub users: Vec<SeedUser>,
    /// API keys, given in full (only their hash is stored).
    #[serde(default)]
    pub api_keys: Vec<SeedApiKey>,
    /// Videos; each plays the bundled test clip or its own `media` folder.
    #[serde(default)]
    pub videos: Vec<SeedVideo>,
}

/// A seeded user.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SeedUser {
    /// User id (the `sub` of the user's JWTs).
    pub id: String,
}

/// A seeded API key.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SeedApiKey {
    /// Key id (`key_…`).
    pub id: String,
    /// Owner.
    pub user_id: String,
    /// The full key (`ak_live_` or `ak_test_` + 32 lowercase hex).
    pub key: String,
    /// Name.
    pub name: String,
    /// Scopes, e.g. `["video:read"]`.
    pub scopes: Vec<String>,
    /// RFC 3339 expiry.
    #[serde(default)]
    pub expires_at: Option<String>,
    /// Seed the key already revoked.
    #[serde(default)]
    pub revoked: bool,
    /// Daily playback-token limit (default 1000).
    #[serde(default)]
    pub daily_token_limit: Option<u32>,
}

/// A seeded video.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SeedVideo {
    /// Public id (`vid_…`).
    pub id: String,
    /// Job UUID.
    pub job_id: String,
    /// Owner.
    pub user_id: String,
    /// Title.
    pub title: String,
    /// Status, e.g. `COMPLETED`.
    pub status: String,
    /// Whether segments are AES-128 encrypted.
    pub encrypted: bool,
    /// Top quality, e.g. `720p`.
    pub quality: String,
    /// Rendition names, top first.
    pub renditions: Vec<String>,
    /// A folder holding the video's own unencrypted HLS rendition set (MPEG-TS segments and a
    /// multivariant or single media playlist, as ffmpeg writes them), served instead of the
    /// bundled clip and encrypted on the fly for an encrypted video. Relative to the seed
    /// file's folder (to the server's working directory for `POST /dev/seed`). Checked when
    /// seeded: see [`MediaDir::load`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<String>,
}

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SeedError {
    /// The seed file could not be read or parsed.
    #[error("seed file: {0}")]
    File(String),
    /// A value in the seed is invalid.
    #[error("seed: {0}")]
    Invalid(String),
    /// A video's media folder was refused.
    #[error("seed: videos[{index}].media: {source}")]
    Media {
        /// The video's position in `videos`.
        index: usize,
        /// What is wrong with the folder.
        source: MediaDirError,
    },
    /// The store refused the data.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the demo seed created: printed at start-up.
#[derive(Clone)]
pub(crate) struct DemoInfo {
    pub(crate) api_key: String,
    pub(crate) video_id: String,
    pub(crate) job_id: String,
}

/// Generates a fresh `ak_live_` key.
pub(crate) fn generate_api_key() -> String {
    format!("ak_live_{}", hex::encode(rand::random::<[u8; 16]>()))
}

fn parse_time(value: &str, what: &str) -> Result<i64, SeedError> {
    OffsetDateTime::parse(value, &Rfc3339)
        .map(OffsetDateTime::unix_timestamp)
        .map_err(|_| SeedError::Invalid(format!("{what} is not RFC 3339")))
}

/// Each seeded video's own media folder, loaded (`None`: the bundled clip).
pub(crate) type LoadedMedia = Vec<Option<Arc<MediaDir>>>;

/// Checks every value of `seed` before anything is stored, so a refused seed changes nothing:
/// keys and ids well-formed, times RFC 3339, ids unused in the seed itself, media folders
/// servable (loaded here, relative ones from `base`).
pub(crate) fn validate(seed: &SeedFile, base: &Path) -> Result<LoadedMedia, SeedError> {
    let mut ids = std::collections::HashSet::new();
    // Messages name positions, never values: a value may be a key written into the wrong field.
    for (i, key) in seed.api_keys.iter().enumerate() {
        sdk_core::ApiKey::new(key.key.clone())
            .map_err(|_| SeedError::Invalid(format!("apiKeys[{i}].key is malformed")))?;
        if let Some(t) = key.expires_at.as_deref() {
            parse_time(t, &format!("apiKeys[{i}].expiresAt"))?;
        }
        if !ids.insert(("key", key.id.as_str())) {
            return Err(SeedError::Invalid(format!("apiKeys[{i}].id is used twice")));
        }
    }
    for (i, video) in seed.videos.iter().enumerate() {
        for (field, value) in [("id", &video.id), ("jobId", &video.job_id)] {
            sdk_core::VideoId::new(value.clone())
                .map_err(|_| SeedError::Invalid(format!("videos[{i}].{field} is invalid")))?;
            if !ids.insert(("video", value.as_str())) {
                return Err(SeedError::Invalid(format!(
                    "videos[{i}].{field} is used twice"
                )));
            }
        }
    }
    let mut loaded = Vec::with_capacity(seed.videos.len());
    for (index, video) in seed.videos.iter().enumerate() {
        let dir = match &video.media {
            Some(dir) => Some(Arc::new(
                MediaDir::load(&base.join(dir))
                    .map_err(|source| SeedError::Media { index, source })?,
            )),
            None => None,
        };
        loaded.push(dir);
    }
    Ok(loaded)
}

/// Loads the media folders of the videos already stored (a restart on a file database): a
/// folder that no longer loads stops the start-up, as it would have stopped the seed.
pub(crate) fn load_stored_media(state: &AppState) -> Result<(), SeedError> {
    for (job_id, dir) in state.store().media_dirs()? {
        let loaded = MediaDir::load(Path::new(&dir)).map_err(|source| {
            SeedError::Invalid(format!("video {job_id}: stored media folder: {source}"))
        })?;
        state.inner.media.insert(&job_id, Arc::new(loaded));
    }
    Ok(())
}

/// Adds `seed` to a running server's store (`POST /dev/seed`): checked first, then refused
/// whole if any of its key or video ids is already in use. The message names what is wrong,
/// never a key.
pub(crate) fn add(state: &AppState, seed: &SeedFile) -> Result<(), crate::dev_refusal::DevRefusal> {
    use crate::dev_refusal::DevRefusal;
    let loaded = validate(seed, Path::new("")).map_err(|e| match e {
        SeedError::Media { .. } => {
            DevRefusal::new("videos[].media", format!("videos[].media: {e}"))
        }
        other => DevRefusal::new("body", format!("body: {other}")),
    })?;
    let store = state.store();
    for (i, key) in seed.api_keys.iter().enumerate() {
        if store.key_by_id(&key.id).map_or(true, |k| k.is_some()) {
            return Err(DevRefusal::new(
                "body",
                format!("body: apiKeys[{i}].id is in use"),
            ));
        }
    }
    for (i, video) in seed.videos.iter().enumerate() {
        for (field, value) in [("id", &video.id), ("jobId", &video.job_id)] {
            if store.video(value).map_or(true, |v| v.is_some()) {
                return Err(DevRefusal::new(
                    "body",
                    format!("body: videos[{i}].{field} is in use"),
                ));
            }
        }
    }
    // Store errors past these checks (a key hash already in use) are named, not detailed.
    insert(state, seed, loaded).map_err(|e| match e {
        SeedError::Store(_) => DevRefusal::new(
            "body",
            "body: the store refused the seed (a key already in use?)",
        ),
        other => DevRefusal::new("body", format!("body: {other}")),
    })
}

/// Loads `seed` into the store (checked first with [`validate`]; relative media folders from
/// `base`).
pub(crate) fn apply(state: &AppState, seed: &SeedFile, base: &Path) -> Result<(), SeedError> {
    let loaded = validate(seed, base)?;
    insert(state, seed, loaded)
}

/// Stores a validated `seed` with its loaded media.
fn insert(state: &AppState, seed: &SeedFile, loaded: LoadedMedia) -> Result<(), SeedError> {
    let store = state.store();
    let now = state.clock().unix();
    for user in &seed.users {
        store.ensure_user(&user.id, now)?;
    }
    for key in &seed.api_keys {
        sdk_core::ApiKey::new(key.key.clone())
            .map_err(|_| SeedError::Invalid("apiKeys[].key is malformed".to_owned()))?;
        store.ensure_user(&key.user_id, now)?;
        let row = KeyRow {
            id: key.id.clone(),
            user_id: key.user_id.clone(),
            name: key.name.clone(),
            prefix: key.key.chars().take(12).collect(),
            scopes: key.scopes.clone(),
            daily_token_limit: key.daily_token_limit.unwrap_or(DEFAULT_DAILY_TOKEN_LIMIT),
            created_at: now,
            expires_at: key
                .expires_at
                .as_deref()
                .map(|t| parse_time(t, "expiresAt"))
                .transpose()?,
            revoked_at: key.revoked.then_some(now),
        };
        store.insert_key(&row, &hash_api_key(&key.key))?;
    }
    // Earlier entries are newer, so a listing shows the file's order.
    for ((age, video), media) in (0..).zip(&seed.videos).zip(loaded) {
        insert_video(state, video, media, now - age)?;
    }
    Ok(())
}

fn insert_video(
    state: &AppState,
    video: &SeedVideo,
    media: Option<Arc<MediaDir>>,
    created_at: i64,
) -> Result<(), SeedError> {
    for (field, value) in [("id", &video.id), ("jobId", &video.job_id)] {
        sdk_core::VideoId::new(value.clone())
            .map_err(|_| SeedError::Invalid(format!("videos[].{field} is invalid")))?;
    }
    state.store().ensure_user(&video.user_id, created_at)?;
    let wrapped = if video.encrypted {
        let data_key: [u8; 16] = rand::random();
        Some(
            state
                .inner
                .master_key
                .wrap(&video.job_id, &data_key)
                .ok_or_else(|| SeedError::Invalid("could not wrap a data key".into()))?,
        )
    } else {
        None
    };
    let row = VideoRow {
        id: video.id.clone(),
        job_id: video.job_id.clone(),
        user_id: video.user_id.clone(),
        title: video.title.clone(),
        status: video.status.clone(),
        encrypted: video.encrypted,
        quality: video.quality.clone(),
        renditions: video.renditions.clone(),
        // Only processed videos know their duration.
        duration_seconds: (video.status == "COMPLETED")
            .then(|| Source::of(media.as_ref()).duration_seconds()),
        created_at,
        updated_at: created_at,
    };
    let dir = media
        .as_ref()
        .map(|m| m.root.to_string_lossy().into_owned());
    state
        .store()
        .insert_video(&row, wrapped.as_deref(), dir.as_deref())?;
    if let Some(media) = media {
        state.inner.media.insert(&video.job_id, media);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `server_seed_file` fuzz target: a refusal quoted the API key's `id`, and an
    /// id may hold a key written into the wrong field.
    #[test]
    fn f1_a_seed_refusal_names_positions_never_values() {
        let secret = "ak_live_5ec4e7000000000000000000000000aa";
        let key = |id: &str, key: &str| serde_json::json!({"id": id, "userId": "u", "key": key, "name": "n", "scopes": []});
        for seed in [
            serde_json::json!({"apiKeys": [key(secret, "ak_live_short")]}),
            serde_json::json!({"apiKeys": [key(secret, secret), key(secret, secret)]}),
            serde_json::json!({"videos": [{"id": secret, "jobId": "j j", "userId": "u",
                "title": "t", "status": "QUEUED", "encrypted": false, "quality": "720p",
                "renditions": []}]}),
        ] {
            let seed: SeedFile = serde_json::from_value(seed).unwrap();
            let message = validate(&seed, Path::new("")).unwrap_err().to_string();
            assert!(!message.contains("5ec4e7"), "{message}");
            assert!(
                message.contains("apiKeys[") || message.contains("videos[0]"),
                "{message}"
            );
        }
    }
}
