//! Playback-URL recognition and token replacement, and URI resolution, as the player's
//! loaders use them on the URLs of the reference server's playlists (docs/api.md §7).

use proptest::prelude::*;
use sdk_core::hls::{PlaybackUrl, PlaybackUrlKind, parse_master, parse_media, resolve_uri};
use sdk_core::{BaseUrl, PlaybackToken};

const JOB: &str = "3f9c2a1e-7b4d-4c8e-9a51-2d6f0b8e4c17";
const MASTER: &str = include_str!("hls/master.m3u8");
const ENCRYPTED: &str = include_str!("hls/media_encrypted.m3u8");

// ---- playback URLs -------------------------------------------------------------------------

fn production() -> BaseUrl {
    BaseUrl::production()
}

#[test]
fn token_replacement_in_manifest_and_key_urls() {
    let fresh = PlaybackToken::new("fresh.token-2").unwrap();
    let api = BaseUrl::new("https://api.ansdev.cloud/prefix").unwrap();
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
        let parsed = PlaybackUrl::parse(&api, &url).unwrap_or_else(|| panic!("{url}"));
        assert_eq!(parsed.kind(), &kind);
        assert_eq!(parsed.job_id().as_str(), JOB);
        assert_eq!(parsed.with_token(&fresh), expected);
        assert!(!format!("{parsed:?}").contains("old.tok"));
    }
    // Segments and the cookie key route are not token-gated.
    assert!(
        PlaybackUrl::parse(
            &api,
            &format!("https://api.ansdev.cloud/prefix/cdn/{JOB}/720p/chunk_0000.ts")
        )
        .is_none()
    );
    assert!(
        PlaybackUrl::parse(
            &api,
            &format!("https://api.ansdev.cloud/prefix/video/key/{JOB}")
        )
        .is_none()
    );
}

// ---- a token goes only to the configured API ------------------------------------------------

const ROUTE: &str =
    "/v1/video/playback/manifest/old.tok/3f9c2a1e-7b4d-4c8e-9a51-2d6f0b8e4c17/master.m3u8";

#[test]
fn c7_a_playback_shaped_url_on_another_origin_gets_no_token() {
    let api = production();
    assert!(PlaybackUrl::parse(&api, &format!("https://api.ansdev.cloud{ROUTE}")).is_some());
    for origin in [
        "https://evil.example",
        "https://api.ansdev.cloud.evil.example",
        "https://evil-api.ansdev.cloud",
        "https://api.ansdev.cloud:8443",
        "http://api.ansdev.cloud",
        "http://api.ansdev.cloud:443",
        "https://api.ansdev.cloud@evil.example",
        "https://api.ansdev.cloud:443@evil.example",
        "https://user:pass@api.ansdev.cloud",
        "https://evil.example\\@api.ansdev.cloud",
        "https://evil.example\\api.ansdev.cloud",
        "https://api.ansdev%2ecloud",
        "https://api.ansdev.cloud.",
        "https://[::1]",
        "wss://api.ansdev.cloud",
        "//api.ansdev.cloud",
        "",
    ] {
        let url = format!("{origin}{ROUTE}");
        assert_eq!(PlaybackUrl::parse(&api, &url), None, "{url}");
    }
    // Another port of a loopback server is another origin too.
    let local = BaseUrl::new("http://127.0.0.1:8787").unwrap();
    assert!(PlaybackUrl::parse(&local, &format!("http://127.0.0.1:8787{ROUTE}")).is_some());
    assert_eq!(
        PlaybackUrl::parse(&local, &format!("http://127.0.0.1:8788{ROUTE}")),
        None
    );
    assert_eq!(
        PlaybackUrl::parse(&local, &format!("http://localhost:8787{ROUTE}")),
        None
    );
}

#[test]
fn c7_the_same_origin_spelled_as_a_browser_would_keeps_its_token_slot() {
    let api = production();
    let fresh = PlaybackToken::new("fresh").unwrap();
    for origin in [
        "HTTPS://API.ANSDEV.CLOUD",
        "https://Api.Ansdev.Cloud:443",
        "https://api.ansdev.cloud:",
    ] {
        let url = format!("{origin}{ROUTE}");
        let parsed = PlaybackUrl::parse(&api, &url).unwrap_or_else(|| panic!("{url}"));
        // Written back as it came: only the token segment changes.
        assert_eq!(
            parsed.with_token(&fresh),
            url.replace("/old.tok/", "/fresh/")
        );
    }
}

#[test]
fn c7_a_base_with_a_path_prefix_owns_only_that_prefix() {
    let api = BaseUrl::new("https://shared.example/ansdev").unwrap();
    let good = format!("https://shared.example/ansdev{ROUTE}");
    assert!(PlaybackUrl::parse(&api, &good).is_some());
    for path in [
        ROUTE.to_owned(),
        format!("/ansdevx{ROUTE}"),
        format!("/other/ansdev{ROUTE}"),
        format!("/ANSDEV{ROUTE}"),
        format!("/%61nsdev{ROUTE}"),
        format!("/ansdev/..{ROUTE}"),
        format!("/ansdev/%2e%2e{ROUTE}"),
        format!("/other/../ansdev{ROUTE}"),
        format!("/ansdev/./{ROUTE}"),
        format!("/ansdev/{ROUTE}"),
        format!("/ansdev%2F{}", &ROUTE[1..]),
        format!("/ansdev{}", ROUTE.replace("/video/", "%2Fvideo/")),
    ] {
        let url = format!("https://shared.example{path}");
        assert_eq!(PlaybackUrl::parse(&api, &url), None, "{url}");
    }
}

#[test]
fn c7_dot_segments_and_encoded_slashes_in_the_route_are_refused() {
    let api = production();
    let base = "https://api.ansdev.cloud/v1/video/playback";
    for url in [
        format!("{base}/key/../{JOB}"),
        format!("{base}/key/.%2E/{JOB}"),
        format!("{base}/key/t/.."),
        format!("{base}/key/t/{JOB}%2F..%2F..%2Fadmin"),
        format!("{base}/manifest/t/{JOB}/../index.m3u8"),
        format!("{base}/manifest/t/{JOB}/%2e/index.m3u8"),
        format!("{base}/manifest/t/{JOB}/720p%2F..%2F..%2Fkey/index.m3u8"),
        format!("{base}/manifest/t/{JOB}/720p/..%2Findex.m3u8"),
        format!("https://api.ansdev.cloud/v1/video/../video/playback/key/t/{JOB}"),
        format!("https://api.ansdev.cloud/v1/video/playback%2Fkey/t/{JOB}"),
    ] {
        assert_eq!(PlaybackUrl::parse(&api, &url), None, "{url}");
    }
}

proptest! {
    /// Whatever the authority, a URL is recognised only when a browser would send it to the
    /// base's origin: the same host (any case) on the default port.
    #[test]
    fn c7_no_other_authority_is_ever_recognised(
        authority in "(api\\.ansdev\\.cloud|[a-zA-Z0-9.@:%\\\\\\[\\]_-]{0,8}){1,3}",
    ) {
        let url = format!("https://{authority}{ROUTE}");
        if PlaybackUrl::parse(&production(), &url).is_some() {
            let lower = authority.to_ascii_lowercase();
            let port = lower.strip_prefix("api.ansdev.cloud");
            let default_port = match port {
                Some("") | Some(":") => true,
                Some(port) => port
                    .strip_prefix(':')
                    .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()) && p.parse() == Ok(443u16)),
                None => false,
            };
            prop_assert!(default_port, "{}", url);
        }
    }
}

#[test]
fn master_variants_resolve_to_media_playlist_urls() {
    let master_url =
        format!("https://api.ansdev.cloud/v1/video/playback/manifest/tok/{JOB}/master.m3u8");
    for variant in parse_master(MASTER).unwrap().variants {
        let url = resolve_uri(&master_url, &variant.uri).unwrap();
        let parsed = PlaybackUrl::parse(&production(), &url).unwrap();
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
        let base = BaseUrl::new("https://a.b").unwrap();
        if let Some(parsed) = PlaybackUrl::parse(&base, &url) {
            let token = PlaybackToken::new("t").unwrap();
            let swapped = parsed.with_token(&token);
            prop_assert_eq!(PlaybackUrl::parse(&base, &swapped).map(|p| p.kind().clone()), Some(parsed.kind().clone()));
        }
        let _ = resolve_uri("https://api.ansdev.cloud/v1/video/playback/manifest/t/j/master.m3u8", &url);
    }
}
