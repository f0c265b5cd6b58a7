//! SQLite store: users, API keys (hash + prefix only, soft-deleted), videos, wrapped data keys
//! and daily mint counters. One connection behind a mutex: every operation is one short
//! statement or transaction, which also makes the quota check-and-increment exact.

mod keys;
mod quota;
mod videos;

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::Connection;

pub(crate) use keys::KeyRow;
pub(crate) use videos::{CompletedMedia, VideoQuery, VideoRow};

/// Creates the database file readable by its owner only (0600) when it does not exist yet.
/// SQLite gives its `-journal`, `-wal` and `-shm` companions the database file's permissions,
/// so they are private too. An existing file keeps its mode (its owner chose it), with a
/// warning when other users may read it: it holds key hashes and wrapped video keys.
fn create_private(path: &Path) -> StoreResult<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            warn_if_shared(path);
            Ok(())
        }
        Err(err) => Err(StoreError::Create(err)),
    }
}

#[cfg(unix)]
fn warn_if_shared(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0) {
        tracing::warn!(
            path = %path.display(),
            "the database file is readable by other users: chmod 600 it"
        );
    }
}

#[cfg(not(unix))]
fn warn_if_shared(_path: &Path) {}

/// A store failure (never shown to clients: routes answer `INTERNAL_ERROR`).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused an operation.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database file could not be created.
    #[error("cannot create the database file: {0}")]
    Create(std::io::Error),
    /// A previous holder of the connection panicked.
    #[error("store lock poisoned")]
    Poisoned,
}

pub(crate) type StoreResult<T> = Result<T, StoreError>;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    scopes TEXT NOT NULL,
    daily_token_limit INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS api_keys_user ON api_keys(user_id);
CREATE TABLE IF NOT EXISTS videos (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    encrypted INTEGER NOT NULL,
    quality TEXT NOT NULL,
    renditions TEXT NOT NULL,
    duration_seconds REAL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS videos_user ON videos(user_id, created_at);
CREATE TABLE IF NOT EXISTS data_keys (
    job_id TEXT PRIMARY KEY REFERENCES videos(job_id),
    wrapped BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS video_media (
    job_id TEXT PRIMARY KEY REFERENCES videos(job_id),
    dir TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS daily_counters (
    key_id TEXT NOT NULL,
    day TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (key_id, day)
);
";

/// The database.
#[derive(Debug)]
pub(crate) struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens (and creates the schema of) a file database, or an in-memory one for `None`.
    pub(crate) fn open(path: Option<&Path>) -> StoreResult<Self> {
        let conn = match path {
            Some(path) => {
                create_private(path)?;
                Connection::open(path)?
            }
            None => Connection::open_in_memory()?,
        };
        conn.execute_batch("PRAGMA foreign_keys = ON;")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> StoreResult<MutexGuard<'_, Connection>> {
        self.conn.lock().map_err(|_| StoreError::Poisoned)
    }

    /// Whether nothing has been stored yet (seeding happens only then).
    pub(crate) fn is_empty(&self) -> StoreResult<bool> {
        let conn = self.conn()?;
        let n: i64 = conn.query_row(
            "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM api_keys)
                  + (SELECT COUNT(*) FROM videos)",
            [],
            |r| r.get(0),
        )?;
        Ok(n == 0)
    }

    /// Creates a user if it does not exist yet.
    pub(crate) fn ensure_user(&self, id: &str, now: i64) -> StoreResult<()> {
        self.conn()?.execute(
            "INSERT OR IGNORE INTO users (id, created_at) VALUES (?1, ?2)",
            (id, now),
        )?;
        Ok(())
    }
}
