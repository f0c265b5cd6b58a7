//! Shared application state.

use std::path::PathBuf;
use std::sync::Arc;

use crate::clock::ServerClock;
use crate::crypto::MasterKey;
use crate::faults::FaultSet;
use crate::journal::Journal;
use crate::jwks::JwksCache;
use crate::lifecycle::Schedule;
use crate::media_dir::{MediaDir, MediaLibrary};
use crate::store::Store;

/// Everything the handlers share. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) store: Store,
    pub(crate) clock: ServerClock,
    pub(crate) master_key: MasterKey,
    /// HS256 secret of playback tokens (random per process: tokens do not survive a restart,
    /// which their 5-minute TTL makes harmless).
    pub(crate) playback_secret: [u8; 32],
    pub(crate) token_ttl_seconds: u64,
    /// Base of absolute URLs in playlists and player URLs, without a trailing slash.
    pub(crate) public_base: String,
    pub(crate) dev: bool,
    /// The identity provider's signing keys, cached (see `jwks`).
    pub(crate) jwks: JwksCache,
    pub(crate) jwt_issuer: String,
    pub(crate) jwt_audience: String,
    pub(crate) cors_origin: String,
    pub(crate) faults: FaultSet,
    /// The request journal (filled only with `--dev`).
    pub(crate) journal: Journal,
    /// Video status moves waiting on the server clock (`--dev`).
    pub(crate) schedule: Schedule,
    /// Videos' own media folders, loaded (see `media_dir`).
    pub(crate) media: MediaLibrary,
    /// The Player SDK package directory the hosted player page's assets come from.
    pub(crate) player_assets: PathBuf,
}

impl AppState {
    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn clock(&self) -> &ServerClock {
        &self.inner.clock
    }

    /// The own media folder of video `job_id`, if it has one; read it through `media::Source::of`.
    pub(crate) fn media_dir(&self, job_id: &str) -> Option<Arc<MediaDir>> {
        self.inner.media.get(job_id)
    }

    /// The server clock (tests use it to read the server's "now").
    #[must_use]
    pub fn server_clock(&self) -> ServerClock {
        self.inner.clock.clone()
    }
}

impl AppState {
    /// Signs arbitrary claims with the playback-token secret, so tests can build tokens the
    /// API never mints (another audience, a foreign video). Not part of the served API.
    #[doc(hidden)]
    #[must_use]
    pub fn sign_playback_claims(&self, claims: &serde_json::Value) -> Option<String> {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            claims,
            &jsonwebtoken::EncodingKey::from_secret(&self.inner.playback_secret),
        )
        .ok()
    }
}
