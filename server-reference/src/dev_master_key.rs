//! A persistent `--dev` server without a master key: one is generated once and kept beside the
//! database (`DB.master-key`, mode 0600), so the server restarts with the same key and the
//! wrapped video keys still open.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why the dev master key file could not be created. Names the file, never a key.
#[derive(Debug, thiserror::Error)]
#[error("--dev: cannot create the master key file {path}: {source}")]
pub struct DevMasterKeyError {
    path: PathBuf,
    source: std::io::Error,
}

/// The key file kept beside `db`: the database's file name plus `.master-key`.
pub(crate) fn path_beside(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".master-key");
    PathBuf::from(name)
}

/// Creates the key file beside `db` unless it exists, and returns its path. Creation is
/// exclusive, so two servers starting at once cannot each write a different key.
pub(crate) fn ensure(db: &Path) -> Result<PathBuf, DevMasterKeyError> {
    let path = path_beside(db);
    let failed = |source| DevMasterKeyError {
        path: path.clone(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = match options.open(&path) {
        Ok(file) => file,
        // Written by an earlier start: `--master-key-file` reads and checks it.
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => return Ok(path),
        Err(err) => return Err(failed(err)),
    };
    let mut key: [u8; 32] = rand::random();
    let mut text = [0u8; 65];
    let written = hex::encode_to_slice(key, &mut text[..64])
        .map_err(|e| failed(std::io::Error::other(e)))
        .and_then(|()| {
            text[64] = b'\n';
            file.write_all(&text)
                .and_then(|()| file.sync_all())
                .map_err(failed)
        });
    key.fill(0);
    text.fill(0);
    if written.is_err() {
        // Never leave a half-written key behind for the next start to refuse.
        let _ = std::fs::remove_file(&path);
    }
    written.map(|()| {
        tracing::info!(path = %path.display(), "--dev: generated a master key beside the database");
        path
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_written_once_then_kept() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("app.sqlite");
        let path = ensure(&db).unwrap();
        assert_eq!(path, dir.path().join("app.sqlite.master-key"));
        let first = std::fs::read_to_string(&path).unwrap();
        assert_eq!(first.trim_end().len(), 64);
        assert!(crate::master_key_file::read(&path).is_ok());
        ensure(&db).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
}
