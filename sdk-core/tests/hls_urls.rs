//! Playback-URL recognition and token replacement, and URI resolution, as the player's
//! loaders use them on the URLs of the reference server's playlists (CONTRACT §6).

use proptest::prelude::*;
use sdk_core::PlaybackToken;
use sdk_core::hls::{PlaybackUrl, PlaybackUrlKind, parse_master, parse_media, resolve_uri};

const JOB: &str = "3f9c2a1e-7b4d-4c8e-9a51-2d6f0b8e4c17";
const MASTER: &str = include_str!("hls/master.m3u8");
const ENCRYPTED: &str = include_str!("hls/media_encrypted.m3u8");

// ---- playback URLs -------------------------------------------------------------------------

#[test]
fn token_replacement_in_manifest_and_key_urls() {
    let fresh = PlaybackToken::new("fresh.token-2").unwrap();
    let base = "https://api.ansdev.cloud/prefix/v1/video/playback";
    let cases = [
        (
            format!("{base}/manifest/old.tok/{JOB}/master.m3u8"),
            PlaybackUrlKind::Master,
            format!("{base}/manifest/fresh.token-2/{JOB}/master.m3u8"),
        ),
        (
            format!("{base}/manifest/old.tok/{JOB}/720p/index.m3u8"),
            PlaybackUrlKind::Media {
                rendition: "720p".into(),
            },
            format!("{base}/manifest/fresh.token-2/{JOB}/720p/index.m3u8"),
        ),
        (
            format!("{base}/manifest/old.tok/{JOB}/480p/index.m3u8?_HLS_msn=3&x=/a/b"),
            PlaybackUrlKind::Media {
                rendition: "480p".into(),
            },
            format!("{base}/manifest/fresh.token-2/{JOB}/480p/index.m3u8?_HLS_msn=3&x=/a/b"),
        ),
        (
            format!("{base}/key/old.tok/{JOB}"),
            PlaybackUrlKind::Key,
            format!("{base}/key/fresh.token-2/{JOB}"),
        ),
        (
            format!("{base}/key/old.tok/{JOB}?cache=no"),
            PlaybackUrlKind::Key,
            format!("{base}/key/fresh.token-2/{JOB}?cache=no"),
        ),
    ];
    for (url, kind, expected) in cases {
        let parsed = PlaybackUrl::parse(&url).unwrap_or_else(|| panic!("{url}"));
        assert_eq!(parsed.kind(), &kind);
        assert_eq!(parsed.job_id().as_str(), JOB);
        assert_eq!(parsed.with_token(&fresh), expected);
        assert!(!format!("{parsed:?}").contains("old.tok"));
    }
    // Segments and the cookie key route are not token-gated.
    assert!(
        PlaybackUrl::parse(&format!(
            "https://cdn.ansdev.cloud/cdn/{JOB}/720p/chunk_0000.ts"
        ))
        .is_none()
    );
    assert!(PlaybackUrl::parse(&format!("https://api.ansdev.cloud/video/key/{JOB}")).is_none());
}

#[test]
fn master_variants_resolve_to_media_playlist_urls() {
    let master_url =
        format!("https://api.ansdev.cloud/v1/video/playback/manifest/tok/{JOB}/master.m3u8");
    for variant in parse_master(MASTER).unwrap().variants {
        let url = resolve_uri(&master_url, &variant.uri).unwrap();
        let parsed = PlaybackUrl::parse(&url).unwrap();
        assert_eq!(
            parsed.kind(),
            &PlaybackUrlKind::Media {
                rendition: variant.rendition.unwrap()
            }
        );
    }
    let media_url =
        format!("https://api.ansdev.cloud/v1/video/playback/manifest/tok/{JOB}/720p/index.m3u8");
    let key = parse_media(ENCRYPTED).unwrap().segments[0]
        .encryption
        .key_uri()
        .unwrap()
        .to_owned();
    assert_eq!(
        resolve_uri(&media_url, &key).unwrap(),
        format!("https://api.ansdev.cloud/video/key/{JOB}")
    );
}

// ---- URI resolution (RFC 3986 §5.4) ------------------------------------------------------------

#[test]
fn rfc3986_normal_examples() {
    let base = "http://a/b/c/d;p?q";
    for (reference, expected) in [
        ("g:h", "g:h"),
        ("g", "http://a/b/c/g"),
        ("./g", "http://a/b/c/g"),
        ("g/", "http://a/b/c/g/"),
        ("/g", "http://a/g"),
        ("//g", "http://g"),
        ("?y", "http://a/b/c/d;p?y"),
        ("g?y", "http://a/b/c/g?y"),
        ("#s", "http://a/b/c/d;p?q#s"),
        ("g#s", "http://a/b/c/g#s"),
        ("g?y#s", "http://a/b/c/g?y#s"),
        (";x", "http://a/b/c/;x"),
        ("g;x", "http://a/b/c/g;x"),
        ("g;x?y#s", "http://a/b/c/g;x?y#s"),
        ("", "http://a/b/c/d;p?q"),
        (".", "http://a/b/c/"),
        ("./", "http://a/b/c/"),
        ("..", "http://a/b/"),
        ("../", "http://a/b/"),
        ("../g", "http://a/b/g"),
        ("../..", "http://a/"),
        ("../../", "http://a/"),
        ("../../g", "http://a/g"),
    ] {
        assert_eq!(
            resolve_uri(base, reference).unwrap(),
            expected,
            "{reference:?}"
        );
    }
}

#[test]
fn rfc3986_abnormal_examples() {
    let base = "http://a/b/c/d;p?q";
    for (reference, expected) in [
        ("../../../g", "http://a/g"),
        ("../../../../g", "http://a/g"),
        ("/./g", "http://a/g"),
        ("/../g", "http://a/g"),
        ("g.", "http://a/b/c/g."),
        (".g", "http://a/b/c/.g"),
        ("g..", "http://a/b/c/g.."),
        ("..g", "http://a/b/c/..g"),
        ("./../g", "http://a/b/g"),
        ("./g/.", "http://a/b/c/g/"),
        ("g/./h", "http://a/b/c/g/h"),
        ("g/../h", "http://a/b/c/h"),
        ("g;x=1/./y", "http://a/b/c/g;x=1/y"),
        ("g;x=1/../y", "http://a/b/c/y"),
        ("g?y/./x", "http://a/b/c/g?y/./x"),
        ("g?y/../x", "http://a/b/c/g?y/../x"),
        ("g#s/./x", "http://a/b/c/g#s/./x"),
        ("g#s/../x", "http://a/b/c/g#s/../x"),
        ("http:g", "http:g"),
    ] {
        assert_eq!(
            resolve_uri(base, reference).unwrap(),
            expected,
            "{reference:?}"
        );
    }
}

proptest! {
    #[test]
    fn url_like_text_never_panics(url in "(https?://[a-z.]{1,10})?(/[a-zA-Z0-9._~%-]{0,12}){0,9}(\\?[a-z=&/]{0,10})?") {
        if let Some(parsed) = PlaybackUrl::parse(&url) {
            let token = PlaybackToken::new("t").unwrap();
            let swapped = parsed.with_token(&token);
            prop_assert_eq!(PlaybackUrl::parse(&swapped).map(|p| p.kind().clone()), Some(parsed.kind().clone()));
        }
        let _ = resolve_uri("https://api.ansdev.cloud/v1/video/playback/manifest/t/j/master.m3u8", &url);
    }
}
