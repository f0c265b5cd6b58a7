//! A video's own media: a folder holding an unencrypted HLS rendition set of MPEG-TS segments
//! (a multivariant playlist with its media playlists, or one media playlist), as ffmpeg
//! writes it. It is read whole and checked once, when the video is seeded or the server
//! starts; the routes then serve it from memory like the bundled clip, so a file changed or
//! removed later cannot break playback half-way.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use sdk_core::hls::{Encryption, HlsError, parse_master, parse_media};

/// The largest file read from a media folder: a 6 s 1080p segment is a few MiB, so 64 MiB is
/// far above any real segment and keeps one file from filling the server's memory.
pub const MAX_MEDIA_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// The most bytes one media folder may hold in total (every file is kept in memory).
pub const MAX_MEDIA_TOTAL_BYTES: u64 = 512 * 1024 * 1024;
/// Every MPEG-TS packet starts with this sync byte (ISO/IEC 13818-1 §2.4.3.3); a segment that
/// does not is not TS (and not some other file that happens to be named in a playlist).
const TS_SYNC_BYTE: u8 = 0x47;
/// Segments are served as `chunk_NNNN.ts` (four digits, like the bundled clip).
const MAX_SEGMENTS: usize = 10_000;

/// Why a media folder was refused. Paths are the server's own files, never secrets.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MediaDirError {
    /// The folder does not exist or cannot be read.
    #[error("{dir}: not a readable folder ({source})")]
    NotAFolder {
        /// The folder as given.
        dir: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// No `.m3u8` playlist at the top of the folder.
    #[error("{dir}: no .m3u8 playlist in the folder")]
    NoPlaylist {
        /// The folder.
        dir: PathBuf,
    },
    /// Several playlists at the top and not exactly one multivariant playlist among them.
    #[error(
        "{dir}: {count} top-level playlists and not exactly one multivariant playlist among them"
    )]
    AmbiguousPlaylist {
        /// The folder.
        dir: PathBuf,
        /// How many `.m3u8` files were found.
        count: usize,
    },
    /// A file named by a playlist is missing or unreadable.
    #[error("{file}: cannot be read ({source})")]
    Unreadable {
        /// The file.
        file: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A URI in a playlist leaves the folder (`..`, an absolute path, a URL, a link outside).
    #[error(
        "{playlist}: URI #{index} leaves the media folder (only relative paths inside it are served)"
    )]
    Escapes {
        /// The playlist naming it.
        playlist: PathBuf,
        /// 1-based position of the URI in the playlist (the URI itself is not repeated).
        index: usize,
    },
    /// A file is larger than [`MAX_MEDIA_FILE_BYTES`], or the folder than
    /// [`MAX_MEDIA_TOTAL_BYTES`].
    #[error("{file}: too large (at most {limit} bytes per file and in total)")]
    TooLarge {
        /// The file that crossed the limit.
        file: PathBuf,
        /// The limit crossed.
        limit: u64,
    },
    /// A playlist is not UTF-8 text.
    #[error("{file}: the playlist is not UTF-8 text")]
    NotUtf8 {
        /// The playlist.
        file: PathBuf,
    },
    /// A playlist does not parse, or is not what this server can serve.
    #[error("{file}: {problem}")]
    Playlist {
        /// The playlist.
        file: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// A segment is not MPEG-TS.
    #[error("{file}: not an MPEG-TS segment (only TS segments are served)")]
    NotTs {
        /// The segment.
        file: PathBuf,
    },
}

/// A media folder as loaded: its variants, top first as the playlist lists them.
#[derive(Debug)]
pub struct MediaDir {
    /// The folder, canonical (what the store keeps, so a restart loads the same files).
    pub(crate) root: PathBuf,
    pub(crate) variants: Vec<MediaVariant>,
}

/// One variant of a media folder.
#[derive(Debug)]
pub(crate) struct MediaVariant {
    pub(crate) bandwidth: u64,
    pub(crate) resolution: Option<String>,
    pub(crate) codecs: Option<String>,
    pub(crate) target_duration: u64,
    pub(crate) segments: Vec<MediaSegment>,
}

/// One segment, in memory.
#[derive(Debug)]
pub(crate) struct MediaSegment {
    pub(crate) duration: f64,
    pub(crate) bytes: Arc<[u8]>,
}

impl MediaDir {
    /// Reads and checks the folder `dir`: the playlist is the single top-level `.m3u8`, or the
    /// one multivariant playlist among several; every playlist and segment it names must lie
    /// inside the folder, be readable, within the size limits, unencrypted, and the segments
    /// MPEG-TS. The playlist must be complete (`#EXT-X-ENDLIST`).
    ///
    /// # Errors
    /// A [`MediaDirError`] naming the file and the problem.
    pub fn load(dir: &Path) -> Result<Self, MediaDirError> {
        let root = dir
            .canonicalize()
            .and_then(|root| {
                if root.is_dir() {
                    Ok(root)
                } else {
                    Err(std::io::Error::other("not a directory"))
                }
            })
            .map_err(|source| MediaDirError::NotAFolder {
                dir: dir.to_owned(),
                source,
            })?;
        let mut budget = Budget {
            left: MAX_MEDIA_TOTAL_BYTES,
        };
        let mut playlists = top_level_playlists(&root)?;
        let (entry, text) = match playlists.len() {
            0 => return Err(MediaDirError::NoPlaylist { dir: root }),
            1 => {
                let file = playlists.remove(0);
                let text = read_playlist(&file, &mut budget)?;
                (file, text)
            }
            count => {
                let mut masters = Vec::new();
                for file in playlists {
                    let text = read_playlist(&file, &mut budget)?;
                    if parse_master(&text).is_ok() {
                        masters.push((file, text));
                    }
                }
                if masters.len() != 1 {
                    return Err(MediaDirError::AmbiguousPlaylist { dir: root, count });
                }
                masters.remove(0)
            }
        };
        let variants = match parse_master(&text) {
            Ok(master) => {
                if master.variants.is_empty() {
                    return Err(playlist_error(&entry, "the playlist names no variant"));
                }
                let mut variants = Vec::with_capacity(master.variants.len());
                for (index, variant) in master.variants.iter().enumerate() {
                    let file = inside(&root, &entry, index + 1, &variant.uri)?;
                    let media_text = read_playlist(&file, &mut budget)?;
                    let mut loaded = load_media(&root, &file, &media_text, &mut budget)?;
                    loaded.bandwidth = variant.bandwidth;
                    loaded.resolution = variant.resolution.map(|r| r.to_string());
                    loaded.codecs = variant.codecs.clone();
                    variants.push(loaded);
                }
                variants
            }
            Err(HlsError::UnexpectedMedia) => vec![load_media(&root, &entry, &text, &mut budget)?],
            Err(err) => return Err(playlist_error(&entry, &err.to_string())),
        };
        Ok(Self { root, variants })
    }

    /// The variant serving rendition `index` of a video: the folder's variants in order, the
    /// last one for every rendition past them.
    pub(crate) fn variant(&self, index: usize) -> Option<&MediaVariant> {
        self.variants.get(index).or_else(|| self.variants.last())
    }

    /// Length of the top variant in seconds.
    pub(crate) fn duration_seconds(&self) -> f64 {
        self.variants
            .first()
            .map_or(0.0, |v| v.segments.iter().map(|s| s.duration).sum())
    }
}

/// The loaded media folders of a running server, by job id.
#[derive(Debug, Default)]
pub(crate) struct MediaLibrary(RwLock<HashMap<String, Arc<MediaDir>>>);

impl MediaLibrary {
    /// The media folder of video `job_id`, when it has one.
    pub(crate) fn get(&self, job_id: &str) -> Option<Arc<MediaDir>> {
        // Nothing panics while holding the lock, and a map is never left half-written.
        let map = self.0.read().unwrap_or_else(PoisonError::into_inner);
        map.get(job_id).cloned()
    }

    /// Serves `dir` for video `job_id` from now on.
    pub(crate) fn insert(&self, job_id: &str, dir: Arc<MediaDir>) {
        let mut map = self.0.write().unwrap_or_else(PoisonError::into_inner);
        map.insert(job_id.to_owned(), dir);
    }
}

struct Budget {
    left: u64,
}

fn playlist_error(file: &Path, problem: &str) -> MediaDirError {
    MediaDirError::Playlist {
        file: file.to_owned(),
        problem: problem.to_owned(),
    }
}

fn top_level_playlists(root: &Path) -> Result<Vec<PathBuf>, MediaDirError> {
    let unreadable = |source| MediaDirError::NotAFolder {
        dir: root.to_owned(),
        source,
    };
    let mut found = Vec::new();
    for entry in std::fs::read_dir(root).map_err(unreadable)? {
        let path = entry.map_err(unreadable)?.path();
        if path.extension().is_some_and(|e| e == "m3u8") && path.is_file() {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

/// The file a playlist URI names, when it is a relative path that stays inside `root` (links
/// resolved: a symlink pointing out of the folder is refused too).
fn inside(root: &Path, playlist: &Path, index: usize, uri: &str) -> Result<PathBuf, MediaDirError> {
    let escapes = || MediaDirError::Escapes {
        playlist: playlist.to_owned(),
        index,
    };
    let relative = Path::new(uri);
    let plain = !uri.contains([':', '?', '#', '\\'])
        && relative
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if !plain {
        return Err(escapes());
    }
    let base = playlist.parent().unwrap_or(root);
    let file = base.join(relative);
    let real = file
        .canonicalize()
        .map_err(|source| MediaDirError::Unreadable {
            file: file.clone(),
            source,
        })?;
    if !real.starts_with(root) {
        return Err(escapes());
    }
    Ok(real)
}

fn read_capped(file: &Path, budget: &mut Budget) -> Result<Vec<u8>, MediaDirError> {
    let unreadable = |source| MediaDirError::Unreadable {
        file: file.to_owned(),
        source,
    };
    let len = std::fs::metadata(file).map_err(unreadable)?.len();
    let limit = MAX_MEDIA_FILE_BYTES.min(budget.left);
    if len > limit {
        return Err(MediaDirError::TooLarge {
            file: file.to_owned(),
            limit: if len > MAX_MEDIA_FILE_BYTES {
                MAX_MEDIA_FILE_BYTES
            } else {
                MAX_MEDIA_TOTAL_BYTES
            },
        });
    }
    // Read through `take`, so a file that grew since `metadata` is still bounded.
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(std::fs::File::open(file).map_err(unreadable)?, limit + 1),
        &mut bytes,
    )
    .map_err(unreadable)?;
    let read = bytes.len() as u64;
    if read > limit {
        return Err(MediaDirError::TooLarge {
            file: file.to_owned(),
            limit: MAX_MEDIA_FILE_BYTES,
        });
    }
    budget.left -= read;
    Ok(bytes)
}

fn read_playlist(file: &Path, budget: &mut Budget) -> Result<String, MediaDirError> {
    String::from_utf8(read_capped(file, budget)?).map_err(|_| MediaDirError::NotUtf8 {
        file: file.to_owned(),
    })
}

fn load_media(
    root: &Path,
    file: &Path,
    text: &str,
    budget: &mut Budget,
) -> Result<MediaVariant, MediaDirError> {
    let playlist = parse_media(text).map_err(|e| playlist_error(file, &e.to_string()))?;
    if !playlist.end_list {
        return Err(playlist_error(
            file,
            "the playlist has no #EXT-X-ENDLIST (only complete VOD renditions are served)",
        ));
    }
    if playlist.segments.is_empty() || playlist.segments.len() > MAX_SEGMENTS {
        return Err(playlist_error(
            file,
            &format!("the playlist must name 1 to {MAX_SEGMENTS} segments"),
        ));
    }
    let mut segments = Vec::with_capacity(playlist.segments.len());
    let mut peak_bps: f64 = 0.0;
    for (index, segment) in playlist.segments.iter().enumerate() {
        if segment.encryption != Encryption::None {
            return Err(playlist_error(
                file,
                "the playlist is encrypted (give the clear segments: the server encrypts them)",
            ));
        }
        let path = inside(root, file, index + 1, &segment.uri)?;
        let bytes = read_capped(&path, budget)?;
        if bytes.first() != Some(&TS_SYNC_BYTE) {
            return Err(MediaDirError::NotTs { file: path });
        }
        // A zero-length EXTINF would divide by zero; a millisecond is below any real segment.
        peak_bps = peak_bps.max(bytes.len() as f64 * 8.0 / segment.duration.max(0.001));
        segments.push(MediaSegment {
            duration: segment.duration,
            bytes: bytes.into(),
        });
    }
    Ok(MediaVariant {
        // Overwritten from the multivariant playlist when there is one.
        bandwidth: peak_bps.ceil() as u64,
        resolution: None,
        codecs: None,
        target_duration: playlist.target_duration,
        segments,
    })
}
