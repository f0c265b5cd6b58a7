//! What a video plays — the bundled test clip (see `media/make-clip.sh`) or its own media
//! folder (`media_dir`) — and the HLS playlists built over it.
//!
//! Every rendition a video names is served from its source: with the bundled clip, the first
//! (top) rendition from the 320x180 variant, the others from the 160x90 one; with a media
//! folder, rendition `i` from the folder's variant `i` (the last one past them).

use std::fmt::Write as _;

use crate::media_dir::MediaDir;

/// One encoded variant of the clip.
#[derive(Debug)]
pub(crate) struct Variant {
    pub(crate) resolution: &'static str,
    /// Peak bits per second, for `BANDWIDTH` (video + audio + MPEG-TS overhead, rounded up).
    pub(crate) bandwidth: u32,
    pub(crate) segments: &'static [&'static [u8]],
}

macro_rules! chunks {
    ($dir:literal) => {
        &[
            include_bytes!(concat!("../media/", $dir, "/chunk_0000.ts")),
            include_bytes!(concat!("../media/", $dir, "/chunk_0001.ts")),
            include_bytes!(concat!("../media/", $dir, "/chunk_0002.ts")),
            include_bytes!(concat!("../media/", $dir, "/chunk_0003.ts")),
            include_bytes!(concat!("../media/", $dir, "/chunk_0004.ts")),
            include_bytes!(concat!("../media/", $dir, "/chunk_0005.ts")),
            include_bytes!(concat!("../media/", $dir, "/chunk_0006.ts")),
        ]
    };
}

static HI: Variant = Variant {
    resolution: "320x180",
    bandwidth: 120_000,
    segments: chunks!("hi"),
};
static LO: Variant = Variant {
    resolution: "160x90",
    bandwidth: 80_000,
    segments: chunks!("lo"),
};

/// Every segment lasts exactly this long (keyframe every 6 s in `make-clip.sh`).
pub(crate) const SEGMENT_SECONDS: u32 = 6;
/// Codecs of both variants: H.264 constrained baseline level 3.0 + AAC-LC.
const CODECS: &str = "avc1.42c01e,mp4a.40.2";

/// Length of the clip in seconds.
pub(crate) fn duration_seconds() -> f64 {
    f64::from(SEGMENT_SECONDS) * HI.segments.len() as f64
}

/// The bundled variant serving rendition `index` of a video.
pub(crate) fn variant(index: usize) -> &'static Variant {
    if index == 0 { &HI } else { &LO }
}

/// What a video plays.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source<'a> {
    /// The bundled clip.
    Bundled,
    /// The video's own media folder.
    Own(&'a MediaDir),
}

impl<'a> Source<'a> {
    /// What a video plays, given its own media folder (`AppState::media_dir`) if any.
    pub(crate) fn of(own: Option<&'a std::sync::Arc<MediaDir>>) -> Self {
        own.map_or(Source::Bundled, |dir| Source::Own(dir))
    }

    /// Length in seconds.
    pub(crate) fn duration_seconds(self) -> f64 {
        match self {
            Source::Bundled => duration_seconds(),
            Source::Own(dir) => dir.duration_seconds(),
        }
    }

    /// The multivariant playlist: one stream per rendition, relative media-playlist URIs.
    pub(crate) fn master_playlist(self, renditions: &[String]) -> String {
        let mut out = String::from("#EXTM3U\n#EXT-X-VERSION:3\n");
        for (i, name) in renditions.iter().enumerate() {
            let (bandwidth, resolution, codecs) = match self {
                Source::Bundled => {
                    let v = variant(i);
                    (u64::from(v.bandwidth), Some(v.resolution), Some(CODECS))
                }
                Source::Own(dir) => match dir.variant(i) {
                    Some(v) => (v.bandwidth, v.resolution.as_deref(), v.codecs.as_deref()),
                    None => continue,
                },
            };
            let _ = write!(out, "#EXT-X-STREAM-INF:BANDWIDTH={bandwidth}");
            if let Some(resolution) = resolution {
                let _ = write!(out, ",RESOLUTION={resolution}");
            }
            if let Some(codecs) = codecs {
                let _ = write!(out, ",CODECS=\"{codecs}\"");
            }
            let _ = writeln!(out, "\n{name}/index.m3u8");
        }
        out
    }

    /// A VOD media playlist with absolute segment URLs; for an encrypted video, one AES-128 key
    /// line pointing at the stored (cookie) key URI, IV implicit = media sequence number.
    pub(crate) fn media_playlist(
        self,
        public_base: &str,
        job_id: &str,
        rendition: &str,
        index: usize,
        encrypted: bool,
    ) -> String {
        let (target, durations): (u64, Vec<f64>) = match self {
            Source::Bundled => (
                u64::from(SEGMENT_SECONDS),
                vec![f64::from(SEGMENT_SECONDS); variant(index).segments.len()],
            ),
            Source::Own(dir) => dir.variant(index).map_or((1, Vec::new()), |v| {
                (
                    v.target_duration,
                    v.segments.iter().map(|s| s.duration).collect(),
                )
            }),
        };
        let mut out = format!(
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:{target}\n\
             #EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n"
        );
        if encrypted {
            let _ = writeln!(out, "#EXT-X-KEY:METHOD=AES-128,URI=\"/video/key/{job_id}\"");
        }
        for (n, duration) in durations.iter().enumerate() {
            let _ = writeln!(
                out,
                "#EXTINF:{duration:.3},\n{public_base}/cdn/{job_id}/{rendition}/chunk_{n:04}.ts"
            );
        }
        out.push_str("#EXT-X-ENDLIST\n");
        out
    }

    /// The clear bytes of segment `n` of rendition `index`.
    pub(crate) fn segment(self, index: usize, n: usize) -> Option<&'a [u8]> {
        match self {
            Source::Bundled => variant(index).segments.get(n).copied(),
            Source::Own(dir) => dir.variant(index)?.segments.get(n).map(|s| &*s.bytes),
        }
    }
}

/// Parses `chunk_NNNN.ts` into its index.
pub(crate) fn chunk_index(name: &str) -> Option<usize> {
    let digits = name.strip_prefix("chunk_")?.strip_suffix(".ts")?;
    (digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_playlists_match_the_segment_tables() {
        for (dir, v) in [("hi", &HI), ("lo", &LO)] {
            let m3u8 = match dir {
                "hi" => include_str!("../media/hi/index.m3u8"),
                _ => include_str!("../media/lo/index.m3u8"),
            };
            let extinf: Vec<_> = m3u8.lines().filter(|l| l.starts_with("#EXTINF")).collect();
            assert_eq!(extinf.len(), v.segments.len());
            assert!(extinf.iter().all(|l| *l == "#EXTINF:6.000000,"));
        }
        assert!(duration_seconds() >= 40.0);
    }

    #[test]
    fn chunk_names() {
        assert_eq!(chunk_index("chunk_0003.ts"), Some(3));
        assert_eq!(chunk_index("chunk_3.ts"), None);
        assert_eq!(chunk_index("../x"), None);
    }
}
