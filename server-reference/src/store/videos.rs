//! Videos and their wrapped data keys.

use rusqlite::{OptionalExtension, Row};

use super::{Store, StoreResult};

/// One video as stored.
#[derive(Debug, Clone)]
pub(crate) struct VideoRow {
    pub(crate) id: String,
    pub(crate) job_id: String,
    pub(crate) user_id: String,
    pub(crate) title: String,
    pub(crate) status: String,
    pub(crate) encrypted: bool,
    pub(crate) quality: String,
    pub(crate) renditions: Vec<String>,
    pub(crate) duration_seconds: Option<f64>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// What a video gains when it reaches `COMPLETED` (the bundled clip's length and renditions).
#[derive(Debug, Clone)]
pub(crate) struct CompletedMedia {
    pub(crate) duration_seconds: f64,
    pub(crate) renditions: Vec<String>,
}

/// A page request of `GET /v1/video`.
#[derive(Debug, Clone)]
pub(crate) struct VideoQuery<'a> {
    pub(crate) user_id: &'a str,
    pub(crate) status: Option<&'a str>,
    pub(crate) limit: u32,
    pub(crate) offset: u64,
}

const COLUMNS: &str = "id, job_id, user_id, title, status, encrypted, quality, renditions, \
                       duration_seconds, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<VideoRow> {
    let renditions: String = r.get(7)?;
    Ok(VideoRow {
        id: r.get(0)?,
        job_id: r.get(1)?,
        user_id: r.get(2)?,
        title: r.get(3)?,
        status: r.get(4)?,
        encrypted: r.get(5)?,
        quality: r.get(6)?,
        renditions: renditions
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        duration_seconds: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

impl Store {
    /// Stores a video, for an encrypted one its wrapped data key, and the folder of its own
    /// media if it has one, in one transaction.
    pub(crate) fn insert_video(
        &self,
        v: &VideoRow,
        wrapped_key: Option<&[u8]>,
        media_dir: Option<&str>,
    ) -> StoreResult<()> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            &format!(
                "INSERT INTO videos ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
            ),
            rusqlite::params![
                v.id,
                v.job_id,
                v.user_id,
                v.title,
                v.status,
                v.encrypted,
                v.quality,
                v.renditions.join(","),
                v.duration_seconds,
                v.created_at,
                v.updated_at
            ],
        )?;
        if let Some(wrapped) = wrapped_key {
            tx.execute(
                "INSERT INTO data_keys (job_id, wrapped) VALUES (?1, ?2)",
                (&v.job_id, wrapped),
            )?;
        }
        if let Some(dir) = media_dir {
            tx.execute(
                "INSERT INTO video_media (job_id, dir) VALUES (?1, ?2)",
                (&v.job_id, dir),
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// One page of a user's videos, newest first (ties by id), and the total count.
    pub(crate) fn list_videos(&self, q: &VideoQuery<'_>) -> StoreResult<(Vec<VideoRow>, u64)> {
        let conn = self.conn()?;
        let total: i64 = conn.query_row(
            "SELECT COUNT(*) FROM videos WHERE user_id = ?1 AND (?2 IS NULL OR status = ?2)",
            (q.user_id, q.status),
            |r| r.get(0),
        )?;
        let mut stmt = conn.prepare(&format!(
            "SELECT {COLUMNS} FROM videos WHERE user_id = ?1 AND (?2 IS NULL OR status = ?2)
             ORDER BY created_at DESC, id LIMIT ?3 OFFSET ?4"
        ))?;
        // SQLite integers are signed: an offset beyond i64 simply returns nothing.
        let offset = i64::try_from(q.offset).unwrap_or(i64::MAX);
        let rows = stmt.query_map(
            rusqlite::params![q.user_id, q.status, q.limit, offset],
            from_row,
        )?;
        Ok((
            rows.collect::<Result<_, _>>()?,
            u64::try_from(total).unwrap_or(0),
        ))
    }

    /// A video by public id or job id.
    pub(crate) fn video(&self, id_or_job: &str) -> StoreResult<Option<VideoRow>> {
        Ok(self
            .conn()?
            .query_row(
                &format!("SELECT {COLUMNS} FROM videos WHERE id = ?1 OR job_id = ?1"),
                [id_or_job],
                from_row,
            )
            .optional()?)
    }

    /// A video by job id only (the playback routes are keyed by it).
    pub(crate) fn video_by_job(&self, job_id: &str) -> StoreResult<Option<VideoRow>> {
        Ok(self
            .conn()?
            .query_row(
                &format!("SELECT {COLUMNS} FROM videos WHERE job_id = ?1"),
                [job_id],
                from_row,
            )
            .optional()?)
    }

    /// Moves a video to `status` (by public id or job id); `None` when no video has that id.
    /// A video that reaches `COMPLETED` gets its duration and, if it had none, renditions.
    pub(crate) fn set_video_status(
        &self,
        id_or_job: &str,
        status: &str,
        completed: &CompletedMedia,
        now: i64,
    ) -> StoreResult<Option<VideoRow>> {
        let changed = self.conn()?.execute(
            "UPDATE videos SET status = ?2, updated_at = ?3,
                duration_seconds = CASE WHEN ?2 = 'COMPLETED' THEN ?4 ELSE duration_seconds END,
                renditions = CASE WHEN ?2 = 'COMPLETED' AND renditions = '' THEN ?5
                                  ELSE renditions END
             WHERE id = ?1 OR job_id = ?1",
            rusqlite::params![
                id_or_job,
                status,
                now,
                completed.duration_seconds,
                completed.renditions.join(",")
            ],
        )?;
        if changed == 0 {
            return Ok(None);
        }
        self.video(id_or_job)
    }

    /// Every video's own media folder: (job id, folder), loaded again at start-up.
    pub(crate) fn media_dirs(&self) -> StoreResult<Vec<(String, String)>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare("SELECT job_id, dir FROM video_media ORDER BY job_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The wrapped data key of an encrypted video.
    pub(crate) fn wrapped_key(&self, job_id: &str) -> StoreResult<Option<Vec<u8>>> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT wrapped FROM data_keys WHERE job_id = ?1",
                [job_id],
                |r| r.get(0),
            )
            .optional()?)
    }
}
