//! HLS parsing, key-URI rewriting and playback-URL handling against realistic playlists
//! (`tests/hls/`), shaped like the reference server's (docs/api.md §7).

use proptest::prelude::*;
use sdk_core::hls::{
    self, Encryption, HlsError, IvSource, Location, PlaybackUrl, PlaybackUrlKind, Resolution,
    parse_master, parse_media, resolve_uri, rewrite_key_uris,
};
use sdk_core::{BaseUrl, DecodeErrorKind, Error, PlaybackToken, VideoId};

const JOB: &str = "3f9c2a1e-7b4d-4c8e-9a51-2d6f0b8e4c17";
const MASTER: &str = include_str!("hls/master.m3u8");
const ENCRYPTED: &str = include_str!("hls/media_encrypted.m3u8");
const EXPLICIT_IV: &str = include_str!("hls/media_explicit_iv.m3u8");
const ROTATION: &str = include_str!("hls/media_key_rotation.m3u8");
/// The rotation fixture with one key throughout: a new IV and `METHOD=NONE`, not a new key.
const NEW_IV: &str = include_str!("hls/media_key_new_iv.m3u8");
const PLAIN: &str = include_str!("hls/media_plain.m3u8");
const ERROR_PAGE: &str = include_str!("hls/error_page.html");
const TRUNCATED: &str = include_str!("hls/media_truncated.m3u8");
const SAMPLE_AES: &str = include_str!("hls/media_sample_aes.m3u8");
const KEY_WITHOUT_URI: &str = include_str!("hls/media_key_without_uri.m3u8");
const BAD_IV: &str = include_str!("hls/media_bad_iv.m3u8");

#[allow(clippy::unwrap_used)] // a fixed, valid id
fn job() -> VideoId {
    VideoId::new(JOB).unwrap()
}

fn iv(n: u128) -> [u8; 16] {
    n.to_be_bytes()
}

// ---- parsing -------------------------------------------------------------------------------

#[test]
fn master_lists_both_renditions() {
    let master = parse_master(MASTER).unwrap();
    let v = &master.variants;
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].uri, "720p/index.m3u8");
    assert_eq!(v[0].rendition.as_deref(), Some("720p"));
    assert_eq!(v[0].bandwidth, 2_800_000);
    assert_eq!(
        v[0].resolution,
        Some(Resolution {
            width: 1280,
            height: 720
        })
    );
    assert_eq!(v[0].codecs.as_deref(), Some("avc1.42e01f,mp4a.40.2"));
    assert_eq!(v[1].rendition.as_deref(), Some("480p"));
    assert_eq!(
        v[1].resolution.map(|r| r.to_string()).as_deref(),
        Some("854x480")
    );
}

#[test]
fn encrypted_media_playlist_parses_with_sequence_number_ivs() {
    let media = parse_media(ENCRYPTED).unwrap();
    assert_eq!(media.target_duration, 6);
    assert_eq!(media.media_sequence, 0);
    assert!(media.end_list);
    assert_eq!(media.segments.len(), 3);
    for (n, segment) in media.segments.iter().enumerate() {
        assert_eq!(
            segment.uri,
            format!("https://cdn.ansdev.cloud/cdn/{JOB}/720p/chunk_{n:04}.ts")
        );
        assert_eq!(segment.sequence, n as u64);
        let Encryption::Aes128(key) = &segment.encryption else {
            panic!("segment {n} should be encrypted")
        };
        assert_eq!(key.uri, format!("/video/key/{JOB}"));
        assert_eq!(key.iv, iv(n as u128));
        assert_eq!(key.iv_source, IvSource::MediaSequence);
        assert_eq!(segment.encryption.method(), "AES-128");
    }
    assert_eq!(media.segments[2].duration, 4.005);
}

#[test]
fn explicit_iv_wins_over_the_sequence_number() {
    let media = parse_media(EXPLICIT_IV).unwrap();
    let ivs: Vec<_> = media
        .segments
        .iter()
        .map(|s| match &s.encryption {
            Encryption::Aes128(key) => (key.iv, key.iv_source),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        ivs,
        [(iv(0), IvSource::Explicit), (iv(1), IvSource::Explicit)]
    );
}

#[test]
fn key_rotation_applies_each_key_until_the_next() {
    let media = parse_media(ROTATION).unwrap();
    let s = &media.segments;
    assert_eq!(s.len(), 4);
    assert_eq!((s[0].sequence, s[3].sequence), (40, 43));
    let first = format!("/video/key/{JOB}");
    assert_eq!(s[0].encryption.key_uri(), Some(first.as_str()));
    assert_eq!(s[1].encryption.key_uri(), Some(first.as_str()));
    assert_eq!(s[1].encryption.iv(), Some(iv(41)));
    let second = format!("https://keys.ansdev.cloud/video/key/{JOB}?epoch=2");
    assert_eq!(s[2].encryption.key_uri(), Some(second.as_str()));
    assert_eq!(
        s[2].encryption.iv(),
        Some(iv(0xA0B1C2D3E4F5061728394A5B6C7D8E9F))
    );
    assert_eq!(s[3].encryption, Encryption::None);
    assert_eq!(s[3].encryption.method(), "NONE");
}

#[test]
fn plain_playlist_has_no_encryption() {
    let media = parse_media(PLAIN).unwrap();
    assert_eq!(media.segments.len(), 2);
    assert!(
        media
            .segments
            .iter()
            .all(|s| s.encryption == Encryption::None)
    );
    assert_eq!(media.segments[1].duration, 3.2);
}

// ---- key URI rewriting -----------------------------------------------------------------------

#[test]
fn rewriting_changes_only_the_key_uris() {
    let stable = hls::stable_key_uri(&job());
    for fixture in [ENCRYPTED, EXPLICIT_IV, NEW_IV, PLAIN] {
        let out = rewrite_key_uris(fixture, &job()).unwrap();
        let before = parse_media(fixture).unwrap();
        let after = parse_media(&out).unwrap();
        assert_eq!(before.segments.len(), after.segments.len());
        for (b, a) in before.segments.iter().zip(&after.segments) {
            assert_eq!(
                (&b.uri, b.duration, b.sequence),
                (&a.uri, a.duration, a.sequence)
            );
            assert_eq!(b.encryption.iv(), a.encryption.iv());
            assert_eq!(b.encryption.method(), a.encryption.method());
            if a.encryption.method() == "AES-128" {
                assert_eq!(a.encryption.key_uri(), Some(stable.as_str()));
            }
        }
        // Byte for byte, the only change is the URI values.
        let out_lines: Vec<_> = out.lines().collect();
        let in_lines: Vec<_> = fixture.lines().collect();
        assert_eq!(out_lines.len(), in_lines.len());
        for (i, o) in in_lines.iter().zip(&out_lines) {
            if i.starts_with("#EXT-X-KEY:METHOD=AES-128") {
                let uri = i.split('"').nth(1).unwrap();
                assert_eq!(*o, i.replace(uri, &stable));
            } else {
                assert_eq!(i, o);
            }
        }
    }
    // Plain playlists come back untouched.
    assert_eq!(rewrite_key_uris(PLAIN, &job()).unwrap(), PLAIN);
}

#[test]
fn rewriting_keeps_iv_keyformat_and_method_none() {
    let out = rewrite_key_uris(NEW_IV, &job()).unwrap();
    assert!(out.contains(&format!(
        "#EXT-X-KEY:METHOD=AES-128,URI=\"ansdev-key://{JOB}\",KEYFORMAT=\"identity\",KEYFORMATVERSIONS=\"1\"\n"
    )));
    assert!(out.contains(&format!(
        "#EXT-X-KEY:METHOD=AES-128,URI=\"ansdev-key://{JOB}\",IV=0xA0B1C2D3E4F5061728394A5B6C7D8E9F\n"
    )));
    assert!(out.contains("#EXT-X-KEY:METHOD=NONE\n"));
    assert!(out.contains("# the same key again"));
}

/// Found by running other parsers' playlists through the core: a rotating key used to be
/// mapped to the one stable URI, so the later segments would be decrypted with the first key.
#[test]
fn fuzz_hls_a_rotating_key_is_refused_never_collapsed_to_the_first() {
    for rewrite in [rewrite_key_uris, hls::rewrite_key_lines] {
        assert_eq!(
            rewrite(ROTATION, &job()),
            Err(HlsError::KeyRotation {
                at: hls::Location::Line(11)
            })
        );
    }
    // Parsing keeps each segment's own key (what a native download decrypts with).
    let media = parse_media(ROTATION).unwrap();
    assert_ne!(
        media.segments[0].encryption.key_uri(),
        media.segments[2].encryption.key_uri()
    );
}

#[test]
fn stable_key_uri_round_trips_and_maps_to_the_tokenized_key_url() {
    let stable = hls::stable_key_uri(&job());
    assert_eq!(stable, format!("ansdev-key://{JOB}"));
    assert!(stable.starts_with(hls::STABLE_KEY_SCHEME));
    assert_eq!(hls::parse_stable_key_uri(&stable), Some(job()));
    assert_eq!(
        hls::parse_stable_key_uri(&format!("/video/key/{JOB}")),
        None
    );

    let base = BaseUrl::new("http://127.0.0.1:8787").unwrap();
    let token = PlaybackToken::new("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqIn0.c2ln").unwrap();
    let url = hls::key_delivery_url(&base, &token, &stable).unwrap();
    assert_eq!(url, sdk_core::endpoint::key_url(&base, &token, &job()));
    assert_eq!(
        url,
        format!(
            "http://127.0.0.1:8787/v1/video/playback/key/{}/{JOB}",
            token.expose_secret()
        )
    );
    // The tokenized URL is itself a playback URL whose token can be refreshed.
    let parsed = PlaybackUrl::parse(&base, &url).unwrap();
    assert_eq!(parsed.kind(), &PlaybackUrlKind::Key);
    assert_eq!(parsed.job_id(), &job());
    assert_eq!(
        hls::key_delivery_url(&base, &token, "https://evil.example/key"),
        Err(HlsError::NotAStableKeyUri)
    );
}

// ---- malformed input -------------------------------------------------------------------------

#[test]
fn malformed_inputs_give_typed_errors() {
    assert_eq!(parse_media(""), Err(HlsError::NotAPlaylist));
    assert_eq!(parse_master(""), Err(HlsError::NotAPlaylist));
    assert_eq!(parse_media(ERROR_PAGE), Err(HlsError::NotAPlaylist));
    assert_eq!(parse_media(MASTER), Err(HlsError::UnexpectedMaster));
    assert_eq!(parse_master(ENCRYPTED), Err(HlsError::UnexpectedMedia));
    assert_eq!(
        parse_media(TRUNCATED),
        Err(HlsError::Malformed {
            at: Some(Location::Line(6)),
            detail: "#EXT-X-KEY: unterminated quoted string".into()
        })
    );
    // Cut right after an #EXTINF: m3u8-rs alone would drop that segment quietly.
    let cut = &ENCRYPTED[..ENCRYPTED.find("https://").unwrap()];
    assert!(matches!(
        parse_media(cut),
        Err(HlsError::Malformed {
            at: Some(Location::Line(7)),
            ..
        })
    ));
    assert_eq!(
        parse_media(SAMPLE_AES),
        Err(HlsError::UnsupportedKeyMethod {
            method: "SAMPLE-AES".into(),
            at: Location::Line(6)
        })
    );
    assert_eq!(
        parse_media(KEY_WITHOUT_URI),
        Err(HlsError::KeyWithoutUri {
            at: Location::Line(6)
        })
    );
    assert!(matches!(
        parse_media(BAD_IV),
        Err(HlsError::BadIv {
            at: Location::Line(9),
            ..
        })
    ));
    // Rewriting refuses the same inputs.
    for bad in [
        ERROR_PAGE,
        MASTER,
        TRUNCATED,
        SAMPLE_AES,
        KEY_WITHOUT_URI,
        BAD_IV,
    ] {
        assert!(rewrite_key_uris(bad, &job()).is_err());
    }
}

#[test]
fn errors_never_echo_the_playlist_or_a_token() {
    // A playback JWT is far longer than any method name.
    let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqb2JfMSJ9.secret-signature-0123456789";
    let playlist = format!(
        "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-KEY:METHOD=AES-128,URI=\"/v1/video/playback/key/{token}/j\",IV=0x{token}\n#EXTINF:6,\ns.ts\n"
    );
    let err = parse_media(&playlist).unwrap_err();
    assert!(matches!(err, HlsError::BadIv { .. }));
    assert!(!err.to_string().contains("secret"), "{err}");
    let odd_method = format!("#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXT-X-KEY:METHOD={token}\n");
    let err = parse_media(&odd_method).unwrap_err();
    assert_eq!(
        err,
        HlsError::UnsupportedKeyMethod {
            method: "(not shown)".into(),
            at: Location::Line(3)
        }
    );
    let truncated = format!("#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI=\"/key/{token}");
    let err = parse_media(&truncated).unwrap_err();
    assert!(!format!("{err} {err:?}").contains("secret"), "{err}");
}

#[test]
fn hls_errors_become_playlist_decode_errors() {
    let err: Error = parse_media(SAMPLE_AES).unwrap_err().into();
    let Error::Decode(decode) = &err else {
        panic!("unexpected {err:?}")
    };
    assert_eq!(decode.status, None);
    assert!(
        matches!(&decode.kind, DecodeErrorKind::Playlist { reason } if reason.contains("SAMPLE-AES"))
    );
}

// ---- never panic -------------------------------------------------------------------------------

/// Lines that look like playlist content, so generated inputs reach past the header check.
fn playlist_line() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("#EXT-X-TARGETDURATION:6".to_owned()),
        Just("#EXT-X-MEDIA-SEQUENCE:18446744073709551615".to_owned()),
        Just("#EXT-X-ENDLIST".to_owned()),
        Just("#EXT-X-KEY:METHOD=NONE".to_owned()),
        Just("#EXT-X-STREAM-INF:BANDWIDTH=1".to_owned()),
        "#EXT-X-KEY:[A-Z=,\"0-9x/ -]{0,40}",
        "#EXTINF:[0-9.,a-z]{0,8}",
        "#EXT-X-STREAM-INF:[A-Z=,\"0-9x ]{0,30}",
        "[a-z0-9/:.?#%]{1,30}",
        ".{0,20}",
    ]
}

/// Well-formed media playlists with keys in many spellings, for the rewrite round trip. Every
/// AES-128 line names the playlist's one key (a second key is refused: see
/// `fuzz_hls_a_rotating_key_is_refused_never_collapsed_to_the_first`).
fn media_playlist() -> impl Strategy<Value = String> {
    const KEY: &str = "@KEY@";
    let key = prop_oneof![
        Just(String::new()),
        Just("#EXT-X-KEY:METHOD=NONE\n".to_owned()),
        Just(format!("#EXT-X-KEY:METHOD=AES-128,URI=\"{KEY}\"\n")),
        "[0-9a-fA-F]{1,32}".prop_map(|iv| {
            format!("#EXT-X-KEY:IV=0x{iv},METHOD=AES-128, URI=\"{KEY}\",KEYFORMAT=\"identity\"\n")
        }),
    ];
    let segment = (key, 1u32..20_000, "[a-z0-9/._-]{1,20}").prop_map(|(key, ms, uri)| {
        format!(
            "{key}#EXTINF:{}.{:03},\n{uri}.ts\n",
            ms / 1000 + 1,
            ms % 1000
        )
    });
    (
        0u64..1_000_000,
        prop::collection::vec(segment, 0..12),
        any::<bool>(),
        "[a-z0-9/._?=,-]{1,20}",
    )
        .prop_map(|(sequence, segments, end, key_uri)| {
            format!(
                "#EXTM3U\n#EXT-X-TARGETDURATION:20\n#EXT-X-MEDIA-SEQUENCE:{sequence}\n{}{}",
                segments.concat(),
                if end { "#EXT-X-ENDLIST\n" } else { "" }
            )
            .replace(KEY, &key_uri)
        })
}

proptest! {
    #[test]
    fn rewrite_round_trips_generated_playlists(text in media_playlist()) {
        let before = parse_media(&text).unwrap();
        let out = rewrite_key_uris(&text, &job()).unwrap();
        let after = parse_media(&out).unwrap();
        prop_assert_eq!(before.segments.len(), after.segments.len());
        for (b, a) in before.segments.iter().zip(&after.segments) {
            prop_assert_eq!(&b.uri, &a.uri);
            prop_assert_eq!(b.encryption.iv(), a.encryption.iv());
            prop_assert_eq!(b.encryption.method(), a.encryption.method());
        }
        // Only URI values changed: removing them from both sides leaves equal texts.
        let strip = |t: &str| t.lines().map(|l| l.split('"').step_by(2).collect::<String>()).collect::<Vec<_>>();
        prop_assert_eq!(strip(&text), strip(&out));
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}", reference in ".{0,60}") {
        let _ = parse_media(&text);
        let _ = parse_master(&text);
        let _ = PlaybackUrl::parse(&BaseUrl::production(), &text);
        let _ = resolve_uri(&text, &reference);
        let _ = resolve_uri("http://a/b/c/d;p?q", &reference);
        let _ = hls::parse_stable_key_uri(&text);
    }

    #[test]
    fn playlist_like_text_never_panics(lines in prop::collection::vec(playlist_line(), 0..20), crlf: bool) {
        let text = format!("#EXTM3U\n{}", lines.join(if crlf { "\r\n" } else { "\n" }));
        let _ = parse_master(&text);
        if parse_media(&text).is_ok() {
            // Whatever parses can be rewritten, and the rewrite parses again.
            let out = rewrite_key_uris(&text, &job());
            prop_assert!(out.is_ok(), "{:?} -> {:?}", text, out);
            prop_assert!(parse_media(&out.unwrap_or_default()).is_ok());
        }
    }
}
