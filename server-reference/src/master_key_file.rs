//! `--master-key-file`: the master key read from a file, so it never shows in `ps` or in the
//! process environment.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::crypto::MasterKey;

/// A key file is 64 hex characters and perhaps a newline; anything far longer is the wrong
/// file, and is not read into memory.
const MAX_KEY_FILE_BYTES: u64 = 1024;

/// Why `--master-key-file` was refused. The messages name the file, never its content.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MasterKeyFileError {
    /// The file could not be opened or read.
    #[error("--master-key-file {path}: cannot read it: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file does not hold 64 hex characters.
    #[error(
        "--master-key-file {path}: expected 64 hex characters (32 bytes), \
         optionally followed by a newline"
    )]
    Malformed {
        /// The file.
        path: PathBuf,
    },
}

/// Reads the master key from `path`; warns when other users may read the file.
pub(crate) fn read(path: &Path) -> Result<MasterKey, MasterKeyFileError> {
    let read_error = |source| MasterKeyFileError::Read {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    warn_if_shared(path, &file);
    let mut content = Vec::new();
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_end(&mut content)
        .map_err(read_error)?;
    let malformed = || MasterKeyFileError::Malformed {
        path: path.to_owned(),
    };
    if content.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(malformed());
    }
    let text = std::str::from_utf8(&content).map_err(|_| malformed())?;
    let key = MasterKey::from_hex(text.trim_end_matches(['\n', '\r'])).map_err(|_| malformed());
    content.fill(0);
    key
}

#[cfg(unix)]
fn warn_if_shared(path: &Path, file: &std::fs::File) {
    use std::os::unix::fs::PermissionsExt;
    if file
        .metadata()
        .is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
    {
        tracing::warn!(
            path = %path.display(),
            "the master key file is readable by other users: chmod 600 it"
        );
    }
}

#[cfg(not(unix))]
fn warn_if_shared(_path: &Path, _file: &std::fs::File) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c12_a_key_file_with_a_newline_is_read_and_a_bad_one_is_not_echoed() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good");
        std::fs::write(&good, format!("{}\n", "ab".repeat(32))).unwrap();
        assert!(read(&good).is_ok());
        let crlf = dir.path().join("crlf");
        std::fs::write(&crlf, format!("{}\r\n", "cd".repeat(32))).unwrap();
        assert!(read(&crlf).is_ok());

        let secretish = "5e".repeat(31); // 62 hex chars: almost a key
        for content in [
            secretish.clone(),
            format!("{secretish}zz"),
            "x".repeat(5000),
        ] {
            let bad = dir.path().join("bad");
            std::fs::write(&bad, &content).unwrap();
            let err = read(&bad).err().unwrap().to_string();
            assert!(err.contains("expected 64 hex characters"), "{err}");
            assert!(!err.contains("5e5e"), "the content leaked: {err}");
        }
        let err = read(&dir.path().join("missing")).err().unwrap().to_string();
        assert!(err.contains("cannot read it"), "{err}");
    }
}
