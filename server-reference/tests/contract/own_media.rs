//! A seeded video's own media folder: made by real ffmpeg, served under the contract's routes,
//! encrypted with the video's key, and bad folders refused.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use server_reference::{Config, SeedFile, StartError};

const OWN: &str = "vid_own";
const OWN_JOB: &str = "55555555-5555-4555-8555-555555555555";

/// A small HLS rendition set written by ffmpeg (two 1-second TS segments and one media
/// playlist), or `None` with a printed reason when ffmpeg is not installed.
// The one message these tests print: why one did not run.
#[allow(clippy::print_stderr)]
fn ffmpeg_folder(dir: &Path) -> Option<()> {
    let status = Command::new("ffmpeg")
        .current_dir(dir)
        .args([
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=160x90:rate=10:duration=2",
            "-c:v",
            "libx264",
            "-g",
            "10",
            "-f",
            "hls",
            "-hls_time",
            "1",
            "-hls_playlist_type",
            "vod",
            "-hls_segment_filename",
            "seg_%03d.ts",
            "index.m3u8",
        ])
        .status();
    match status {
        Ok(status) if status.success() => Some(()),
        Ok(status) => panic!("ffmpeg failed: {status}"),
        Err(err) => {
            eprintln!("skipped: ffmpeg is not installed ({err})");
            None
        }
    }
}

/// The segment files of `dir`'s playlist, in playlist order.
fn segments_of(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_to_string(dir.join("index.m3u8"))
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| dir.join(l))
        .collect()
}

fn own_video(media: &Path, encrypted: bool) -> Value {
    json!({"videos": [{"id": OWN, "jobId": OWN_JOB, "userId": server_reference::demo::USER_ID,
        "title": "Mine", "status": "COMPLETED", "encrypted": encrypted, "quality": "720p",
        "renditions": ["720p"], "media": media}]})
}

fn seed(value: Value) -> SeedFile {
    serde_json::from_value(value).unwrap()
}

#[tokio::test]
async fn own_media_of_an_encrypted_video_downloads_to_the_original_segments() {
    let dir = tempfile::tempdir().unwrap();
    if ffmpeg_folder(dir.path()).is_none() {
        return;
    }
    let server = server_reference::serve(Config::for_tests()).await.unwrap();
    server.seed(&seed(own_video(dir.path(), true))).unwrap();
    let client = sdk_native::Client::builder()
        .api_key(server.demo_api_key().unwrap())
        .base_url(server.base_url())
        .build()
        .unwrap();
    let video = client.get_video(OWN).await.unwrap();
    assert!(video.duration_seconds.is_some_and(|d| d > 1.5 && d < 2.5));
    let playback = client.playback(&video);
    assert_eq!(playback.renditions().await.unwrap(), ["720p"]);
    let mut out = Vec::new();
    let summary = playback.download(None, &mut out, |_| {}).await.unwrap();
    assert!(summary.encrypted);
    let original: Vec<u8> = segments_of(dir.path())
        .iter()
        .flat_map(|s| std::fs::read(s).unwrap())
        .collect();
    assert_eq!(summary.segments, segments_of(dir.path()).len());
    assert!(
        out == original,
        "the decrypted download differs from ffmpeg's segments"
    );

    // On the wire the segments are ciphertext, not the clear files.
    let first = reqwest::get(format!(
        "{}/cdn/{OWN_JOB}/720p/chunk_0000.ts",
        server.base_url()
    ))
    .await
    .unwrap()
    .bytes()
    .await
    .unwrap();
    assert_ne!(
        &first[..],
        &std::fs::read(&segments_of(dir.path())[0]).unwrap()[..]
    );
    server.shutdown().await.unwrap();
}

/// Bad folders, each with the word its refusal must contain.
fn bad_folders(root: &Path) -> Vec<(&'static str, PathBuf, &'static str)> {
    let ts = [0x47u8; 188];
    let make = |name: &str, playlist: &[u8], files: &[(&str, &[u8])]| {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        if !playlist.is_empty() {
            std::fs::write(dir.join("index.m3u8"), playlist).unwrap();
        }
        for (file, bytes) in files {
            std::fs::write(dir.join(file), bytes).unwrap();
        }
        dir
    };
    let media = |uri: &str| {
        format!("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n{uri}\n#EXT-X-ENDLIST\n")
    };
    std::fs::write(root.join("outside.ts"), ts).unwrap();
    let huge = make("huge", media("big.ts").as_bytes(), &[]);
    // Sparse: the size is what is refused, without writing 64 MiB.
    std::fs::File::create(huge.join("big.ts"))
        .unwrap()
        .set_len(server_reference::MAX_MEDIA_FILE_BYTES + 1)
        .unwrap();
    vec![
        ("missing", root.join("nowhere"), "not a readable folder"),
        (
            "no playlist",
            make("empty", b"", &[("a.ts", &ts)]),
            "no .m3u8",
        ),
        (
            "missing segment",
            make("gap", media("a.ts").as_bytes(), &[]),
            "cannot be read",
        ),
        (
            "escaping path",
            make("escape", media("../outside.ts").as_bytes(), &[]),
            "leaves the media folder",
        ),
        (
            "absolute URL",
            make("url", media("http://example.com/a.ts").as_bytes(), &[]),
            "leaves the media folder",
        ),
        ("huge file", huge, "too large"),
        (
            "non-UTF-8 playlist",
            make("latin1", b"#EXTM3U\n#EXT-X-TARGETDURATION:1\n\xff\n", &[]),
            "not UTF-8",
        ),
        (
            "not TS",
            make("text", media("a.ts").as_bytes(), &[("a.ts", b"hello")]),
            "not an MPEG-TS",
        ),
        (
            "encrypted source",
            make(
                "enc",
                b"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\"\n\
                  #EXTINF:1.0,\na.ts\n#EXT-X-ENDLIST\n",
                &[("a.ts", &ts)],
            ),
            "encrypted",
        ),
    ]
}

#[tokio::test]
async fn own_media_bad_folders_are_refused_by_dev_seed_naming_the_field() {
    let root = tempfile::tempdir().unwrap();
    let server = server_reference::serve(Config::for_tests()).await.unwrap();
    for (case, dir, words) in bad_folders(root.path()) {
        let refusal = server.seed(&seed(own_video(&dir, true))).unwrap_err();
        assert_eq!(refusal.field(), "videos[].media", "{case}");
        assert!(
            refusal.message().contains("videos[0].media") && refusal.message().contains(words),
            "{case}: {}",
            refusal.message()
        );
    }
    // Over HTTP: a 422 naming the field.
    let http = reqwest::Client::new();
    let answer = http
        .post(format!("{}/dev/seed", server.base_url()))
        .json(&own_video(&root.path().join("nowhere"), false))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 422);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["error"]["field"], "videos[].media", "{body}");
    // The OpenAPI document's seed schema names the field.
    let doc: Value = http
        .get(format!("{}/openapi.json", server.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        doc["components"]["schemas"]["SeedVideo"]["properties"]["media"]["type"],
        json!(["string", "null"]),
        "{}",
        doc["components"]["schemas"]["SeedVideo"]
    );
    // Refused whole: nothing was stored under the id.
    let ts = [0x47u8; 376];
    let good = root.path().join("good");
    std::fs::create_dir(&good).unwrap();
    std::fs::write(good.join("a.ts"), ts).unwrap();
    std::fs::write(
        good.join("index.m3u8"),
        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\na.ts\n#EXT-X-ENDLIST\n",
    )
    .unwrap();
    server.seed(&seed(own_video(&good, false))).unwrap();
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn own_media_survives_a_restart_on_a_file_database_and_a_removed_folder_stops_it() {
    let root = tempfile::tempdir().unwrap();
    let media = root.path().join("media");
    std::fs::create_dir(&media).unwrap();
    let ts: Vec<u8> = (0..376u16)
        .map(|i| if i % 188 == 0 { 0x47 } else { i as u8 })
        .collect();
    std::fs::write(media.join("a.ts"), &ts).unwrap();
    std::fs::write(
        media.join("index.m3u8"),
        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\na.ts\n#EXT-X-ENDLIST\n",
    )
    .unwrap();
    let config = || {
        let mut config = Config::for_tests();
        config.db = Some(root.path().join("db.sqlite"));
        config.master_key = Some("11".repeat(32));
        config
    };
    let server = server_reference::serve(config()).await.unwrap();
    server.seed(&seed(own_video(&media, false))).unwrap();
    server.shutdown().await.unwrap();

    let server = server_reference::serve(config()).await.unwrap();
    let served = reqwest::get(format!(
        "{}/cdn/{OWN_JOB}/720p/chunk_0000.ts",
        server.base_url()
    ))
    .await
    .unwrap()
    .bytes()
    .await
    .unwrap();
    assert_eq!(&served[..], &ts[..]);
    server.shutdown().await.unwrap();

    std::fs::remove_file(media.join("a.ts")).unwrap();
    let err = server_reference::serve(config()).await.unwrap_err();
    assert!(err.to_string().contains("a.ts"), "{err}");
}

#[tokio::test]
async fn own_media_bad_folder_in_the_seed_file_stops_the_start_up() {
    let root = tempfile::tempdir().unwrap();
    let seed_file = root.path().join("seed.json");
    // Relative to the seed file's folder.
    std::fs::write(
        &seed_file,
        own_video(Path::new("nowhere"), false).to_string(),
    )
    .unwrap();
    let mut config = Config::for_tests();
    config.seed = Some(seed_file.clone());
    let err = server_reference::serve(config).await.unwrap_err();
    assert!(matches!(err, StartError::Seed(_)), "{err}");
    let line = err.to_string();
    assert!(
        line.contains("videos[0].media") && line.contains("nowhere") && !line.contains('\n'),
        "{line}"
    );

    // The binary: one line on stderr and a non-zero exit.
    let out = Command::new(env!("CARGO_BIN_EXE_server-reference"))
        .args(["--dev", "--addr", "127.0.0.1:0", "--seed"])
        .arg(&seed_file)
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("cannot start") && stderr.contains("videos[0].media"),
        "{stderr}"
    );
}
