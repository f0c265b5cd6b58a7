//! Moving a video through its life cycle on demand (`POST /dev/videos/{videoId}/status`,
//! [`RunningServer::set_video_status`](crate::RunningServer::set_video_status)), so an app can
//! test its "wait until ready" path.

use std::sync::Mutex;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
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

/// How many moves may wait on the clock at once: a test schedules a handful, and the list is
/// checked on every request.
pub(crate) const MAX_SCHEDULED: usize = 64;

/// The longest delay of a scheduled move: a year of server time; `/dev/clock` gets there in
/// one call, so no test needs more.
pub(crate) const MAX_AFTER_SECONDS: u64 = 31_557_600;

/// Renditions a video gains when it completes without any (the bundled clip has two).
const COMPLETED_RENDITIONS: [&str; 2] = ["720p", "480p"];

/// Moves video `id` (public id or job id) to `status`. A video that reaches `COMPLETED` gets
/// its media's duration (its own folder's or the bundled clip's) and, if it had none, the
/// bundled clip's renditions, so it plays at once.
pub(crate) fn set_status(state: &AppState, id: &str, status: &str) -> Result<VideoRow, DevRefusal> {
    check_status(status)?;
    let no_video = || DevRefusal::new("videoId", "videoId names no video (public id or job id)");
    if sdk_core::VideoId::new(id).is_err() {
        return Err(no_video());
    }
    let own = state
        .store()
        .video(id)
        .ok()
        .flatten()
        .and_then(|video| state.media_dir(&video.job_id));
    let completed = CompletedMedia {
        duration_seconds: media::Source::of(own.as_ref()).duration_seconds(),
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

fn check_status(status: &str) -> Result<(), DevRefusal> {
    if matches!(VideoStatus::from_wire(status), VideoStatus::Unknown(_)) {
        return Err(DevRefusal::new(
            "status",
            format!("status must be one of {}", STATUSES.join(", ")),
        ));
    }
    Ok(())
}

/// A move waiting on the server clock.
#[derive(Debug, Clone)]
struct Pending {
    /// Server time (Unix seconds) from which the move applies.
    at: i64,
    video_id: String,
    status: String,
}

/// Moves scheduled on the server clock, applied before the first request that comes at or
/// after their time (so `/dev/clock` can jump straight past them). At most [`MAX_SCHEDULED`].
#[derive(Debug, Default)]
pub(crate) struct Schedule {
    pending: Mutex<Vec<Pending>>,
}

impl Schedule {
    /// Takes the moves due at `now`, earliest first (ties in the order they were scheduled).
    fn take_due(&self, now: i64) -> Vec<Pending> {
        let Ok(mut pending) = self.pending.lock() else {
            return Vec::new();
        };
        if pending.iter().all(|p| p.at > now) {
            return Vec::new();
        }
        let (mut due, later): (Vec<_>, Vec<_>) = pending.drain(..).partition(|p| p.at <= now);
        *pending = later;
        due.sort_by_key(|p| p.at);
        due
    }
}

/// Schedules video `id` to move to `status` once the server clock is `after_seconds` past
/// now. The video and the status are checked now; returns when (Unix seconds) it applies.
pub(crate) fn schedule_status(
    state: &AppState,
    id: &str,
    status: &str,
    after_seconds: u64,
) -> Result<i64, DevRefusal> {
    check_status(status)?;
    if after_seconds > MAX_AFTER_SECONDS {
        return Err(DevRefusal::new(
            "afterSeconds",
            format!("afterSeconds must be an integer from 0 to {MAX_AFTER_SECONDS} (a year)"),
        ));
    }
    let video = state.store().video(id).ok().flatten().ok_or_else(|| {
        DevRefusal::new("videoId", "videoId names no video (public id or job id)")
    })?;
    let at = state
        .clock()
        .unix()
        .saturating_add(i64::try_from(after_seconds).unwrap_or(i64::MAX));
    let mut pending = state
        .inner
        .schedule
        .pending
        .lock()
        .map_err(|_| DevRefusal::new("afterSeconds", "the schedule is unavailable"))?;
    if pending.len() >= MAX_SCHEDULED {
        return Err(DevRefusal::new(
            "afterSeconds",
            format!(
                "no move can wait on afterSeconds now: {MAX_SCHEDULED} are waiting already; \
                 let some happen first"
            ),
        ));
    }
    pending.push(Pending {
        at,
        video_id: video.id,
        status: status.to_owned(),
    });
    Ok(at)
}

/// Applies the scheduled moves that are due before the request is handled (`--dev` only).
pub(crate) async fn apply_due(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    for due in state.inner.schedule.take_due(state.clock().unix()) {
        if let Err(err) = set_status(&state, &due.video_id, &due.status) {
            tracing::warn!(error = %err, "a scheduled video status could not be applied");
        }
    }
    next.run(request).await
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

#[cfg(test)]
mod schedule_tests {
    use super::*;

    fn pending(at: i64, status: &str) -> Pending {
        Pending {
            at,
            video_id: "vid".into(),
            status: status.into(),
        }
    }

    #[test]
    fn due_moves_come_out_earliest_first_and_once() {
        let schedule = Schedule::default();
        {
            let mut p = schedule.pending.lock().unwrap();
            p.push(pending(30, "COMPLETED"));
            p.push(pending(10, "TRANSCODING"));
            p.push(pending(99, "FAILED"));
        }
        assert!(schedule.take_due(5).is_empty());
        let due: Vec<_> = schedule
            .take_due(30)
            .into_iter()
            .map(|p| p.status)
            .collect();
        assert_eq!(due, ["TRANSCODING", "COMPLETED"]);
        assert!(schedule.take_due(30).is_empty());
        assert_eq!(schedule.take_due(100).len(), 1);
    }
}
