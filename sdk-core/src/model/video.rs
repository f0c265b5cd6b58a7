//! Videos, pages of videos, and minted playback tokens.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use super::ids::VideoId;
use super::wire_enum::wire_enum;
use crate::rate_limit::RateLimit;
use crate::secret::PlaybackToken;

wire_enum!(
    /// Where a video is in its life cycle. Only `COMPLETED` videos can be played.
    VideoStatus {
        /// Upload priced, awaiting payment.
        Pricing = "PRICING",
        /// Payment held in escrow.
        EscrowLocked = "ESCROW_LOCKED",
        /// Bytes arriving.
        Uploading = "UPLOADING",
        /// Waiting for a transcoder.
        Queued = "QUEUED",
        /// Being transcoded.
        Transcoding = "TRANSCODING",
        /// Being moved to storage.
        Migrating = "MIGRATING",
        /// Ready to play.
        Completed = "COMPLETED",
        /// Processing failed.
        Failed = "FAILED",
    }
);

impl VideoStatus {
    /// Whether a wait for the video to become playable ends at this status: `COMPLETED` (it is
    /// ready), `FAILED` (it never will be) and any status this SDK does not know (it cannot
    /// tell whether it will ever complete). Every other status is a step on the way to
    /// `COMPLETED`, so a waiter polls again. The one rule every front end's waiter follows.
    ///
    /// ```
    /// use sdk_core::VideoStatus;
    ///
    /// assert!(!VideoStatus::Transcoding.is_terminal());
    /// assert!(VideoStatus::Completed.is_terminal());
    /// assert!(VideoStatus::from_wire("ARCHIVED").is_terminal());
    /// ```
    #[must_use]
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            VideoStatus::Completed | VideoStatus::Failed | VideoStatus::Unknown(_)
        )
    }
}

wire_enum!(
    /// A video's top quality.
    Quality {
        /// 480p
        P480 = "480p",
        /// 720p
        P720 = "720p",
        /// 1080p
        P1080 = "1080p",
        /// 1440p
        P1440 = "1440p",
        /// 2160p
        P2160 = "2160p",
        /// Audio only.
        Audio = "audio",
    }
);

/// A video owned by the calling key's user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Video {
    /// Public id (`vid_…`).
    pub id: VideoId,
    /// Internal job UUID; the playback routes are keyed by it.
    pub job_id: VideoId,
    /// Title.
    pub title: String,
    /// Life-cycle status.
    pub status: VideoStatus,
    /// Whether segments are AES-128 encrypted (a key must be fetched to play).
    pub encrypted: bool,
    /// Top quality.
    pub quality: Quality,
    /// Rendition names, e.g. `["720p", "480p"]`.
    #[serde(default)]
    pub renditions: Vec<String>,
    /// Duration, when known.
    #[serde(default)]
    pub duration_seconds: Option<f64>,
    /// Creation time.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last update time.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl Video {
    /// A video without renditions or duration, updated when created (for servers and tests).
    /// The fields are public: set the rest on the returned value.
    #[must_use]
    pub fn new(
        id: VideoId,
        job_id: VideoId,
        title: impl Into<String>,
        status: VideoStatus,
        encrypted: bool,
        quality: Quality,
        created_at: OffsetDateTime,
    ) -> Self {
        Self {
            id,
            job_id,
            title: title.into(),
            status,
            encrypted,
            quality,
            renditions: Vec::new(),
            duration_seconds: None,
            created_at,
            updated_at: created_at,
        }
    }

    /// Whether a playback token can be minted for this video.
    #[must_use]
    pub fn is_playable(&self) -> bool {
        self.status == VideoStatus::Completed
    }
}

/// One page of `GET /v1/video`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VideoPage {
    /// The videos of this page, newest first.
    pub items: Vec<Video>,
    /// Total number of videos matching the query.
    pub total: u64,
    /// The page size used.
    pub limit: u32,
    /// The offset of this page.
    pub offset: u64,
}

impl VideoPage {
    /// A page (for servers and tests).
    #[must_use]
    pub fn new(items: Vec<Video>, total: u64, limit: u32, offset: u64) -> Self {
        Self {
            items,
            total,
            limit,
            offset,
        }
    }

    /// The offset of the next page, or `None` on the last page.
    #[must_use]
    pub fn next_offset(&self) -> Option<u64> {
        let next = self.offset.checked_add(self.items.len() as u64)?;
        (!self.items.is_empty() && next < self.total).then_some(next)
    }
}

/// A freshly minted playback token and the quota state it left behind.
#[derive(Clone)]
#[non_exhaustive]
pub struct MintedToken {
    /// The token (opaque).
    pub token: PlaybackToken,
    /// Lifetime announced by the API (`expiresIn`), counted from receipt.
    pub expires_in: Duration,
    /// The hosted player page for this token. It contains the token: treat it as a secret (it
    /// is wiped when dropped; a copy you make is yours to wipe).
    pub player_url: Option<Zeroizing<String>>,
    /// The quota state after this mint, when the headers were present and well-formed.
    pub rate_limit: Option<RateLimit>,
}

impl MintedToken {
    /// A minted token (for token providers and tests).
    #[must_use]
    pub fn new(token: PlaybackToken, expires_in: Duration) -> Self {
        Self {
            token,
            expires_in,
            player_url: None,
            rate_limit: None,
        }
    }
}

impl fmt::Debug for MintedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MintedToken")
            .field("token", &self.token)
            .field("expires_in", &self.expires_in)
            .field(
                "player_url",
                &self.player_url.as_ref().map(|_| "[redacted]"),
            )
            .field("rate_limit", &self.rate_limit)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_status_is_kept() {
        let s: VideoStatus = serde_json::from_str("\"ARCHIVED\"").unwrap();
        assert_eq!(s, VideoStatus::Unknown("ARCHIVED".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"ARCHIVED\"");
        assert_eq!(VideoStatus::ALL.len(), 8);
    }

    #[test]
    fn a_wait_ends_at_completed_failed_and_unknown_statuses_only() {
        let terminal: Vec<_> = VideoStatus::ALL
            .iter()
            .filter(|s| s.is_terminal())
            .cloned()
            .collect();
        assert_eq!(terminal, [VideoStatus::Completed, VideoStatus::Failed]);
        assert!(VideoStatus::Unknown("ARCHIVED".into()).is_terminal());
        for pending in [
            "PRICING",
            "ESCROW_LOCKED",
            "UPLOADING",
            "QUEUED",
            "TRANSCODING",
            "MIGRATING",
        ] {
            assert!(!VideoStatus::from_wire(pending).is_terminal(), "{pending}");
        }
    }

    #[test]
    fn ids_and_statuses_honour_width_in_tables() {
        let id = VideoId::new("vid_1").unwrap();
        assert_eq!(
            format!("[{id:<8}|{:>11}]", VideoStatus::Completed),
            "[vid_1   |  COMPLETED]"
        );
    }

    #[test]
    fn next_offset_walks_pages() {
        let page = VideoPage {
            items: vec![],
            total: 0,
            limit: 20,
            offset: 0,
        };
        assert_eq!(page.next_offset(), None);
    }
}
