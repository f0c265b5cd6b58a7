//! Moving a video through its life cycle on demand (`POST /dev/videos/{videoId}/status`,
//! [`RunningServer::set_video_status`](crate::RunningServer::set_video_status)), so an app can
//! test its "wait until ready" path.

use sdk_core::VideoStatus;

use crate::dev_refusal::DevRefusal;
use crate::media;
use crate::state::AppState;
use crate::store::{CompletedMedia, VideoRow};

/// The statuses a video may be moved to: every status the contract names.
pub(crate) const STATUSES: &[&str] = &[
    "PRICING",
    "ESCROW_LOCKED",
    "UPLOADING",
    "QUEUED",
    "TRANSCODING",
    "MIGRATING",
    "COMPLETED",
    "FAILED",
];

/// Renditions a video gains when it completes without any (the bundled clip has two).
const COMPLETED_RENDITIONS: [&str; 2] = ["720p", "480p"];

/// Moves video `id` (public id or job id) to `status`. A video that reaches `COMPLETED` gets
/// the bundled clip's duration and, if it had none, its renditions, so it plays at once.
pub(crate) fn set_status(state: &AppState, id: &str, status: &str) -> Result<VideoRow, DevRefusal> {
    if matches!(VideoStatus::from_wire(status), VideoStatus::Unknown(_)) {
        return Err(DevRefusal::new(
            "status",
            format!("status must be one of {}", STATUSES.join(", ")),
        ));
    }
    let no_video = || DevRefusal::new("videoId", "videoId names no video (public id or job id)");
    if sdk_core::VideoId::new(id).is_err() {
        return Err(no_video());
    }
    let completed = CompletedMedia {
        duration_seconds: media::duration_seconds(),
        renditions: COMPLETED_RENDITIONS
            .iter()
            .map(|r| (*r).to_owned())
            .collect(),
    };
    state
        .store()
        .set_video_status(id, status, &completed, state.clock().unix())
        .map_err(|err| {
            tracing::error!(error = %err, "store failure");
            DevRefusal::new("videoId", "the store could not be updated")
        })?
        .ok_or_else(no_video)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statuses_are_the_contracts() {
        for status in STATUSES {
            assert!(!matches!(
                VideoStatus::from_wire(status),
                VideoStatus::Unknown(_)
            ));
        }
    }
}
