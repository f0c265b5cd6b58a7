//! Every golden fixture of `fixtures/` parses through the endpoint that receives it, into the
//! value or the typed error the contract promises.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use bytes::Bytes;
use http::{Response, StatusCode};
use sdk_core::endpoint::{
    CreateApiKey, Endpoint, GetVideo, ListApiKeys, ListVideos, MintPlaybackToken, RevokeApiKey,
    VideoQuery,
};
use sdk_core::{
    ApiKey, CodeFamily, DecodeErrorKind, Error, ErrorCode, KeyId, NewApiKey, Scope, UserToken,
    VideoId, VideoStatus,
};

fn fixture(path: &str) -> Bytes {
    let full: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path);
    Bytes::from(std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display())))
}

fn response(status: u16, body: Bytes) -> Response<Bytes> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .header("x-ratelimit-limit", "1000")
        .header("x-ratelimit-remaining", "0")
        .header("x-ratelimit-reset", "1795564800")
        .header("date", "Tue, 24 Nov 2026 23:58:00 GMT")
        .body(body)
        .unwrap()
}

fn key() -> ApiKey {
    "ak_live_0123456789abcdef0123456789abcdef".parse().unwrap()
}

fn user() -> UserToken {
    UserToken::new("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.sig").unwrap()
}

#[test]
fn video_and_video_page() {
    let key = key();
    let get = GetVideo::new(&key, VideoId::new("vid_demo_encrypted").unwrap());
    let video = get
        .parse_response(&response(200, fixture("success/video.json")))
        .unwrap();
    assert_eq!(video.id.as_str(), "vid_demo_encrypted");
    assert!(video.encrypted && video.is_playable());
    assert_eq!(video.renditions, ["720p", "480p"]);

    let page = ListVideos::new(&key, VideoQuery::new())
        .parse_response(&response(200, fixture("success/video_page.json")))
        .unwrap();
    assert_eq!(page.items.len(), 3);
    assert_eq!(page.items[0].status, VideoStatus::Transcoding);
    assert_eq!(page.items[0].duration_seconds, None);
    assert_eq!(page.next_offset(), None);
}

#[test]
fn minted_token_with_its_rate_limit() {
    let key = key();
    let mint = MintPlaybackToken::new(&key, VideoId::new("vid_demo_encrypted").unwrap());
    let minted = mint
        .parse_response(&response(200, fixture("success/playback_token.json")))
        .unwrap();
    assert_eq!(minted.expires_in.as_secs(), 300);
    assert!(
        minted
            .player_url
            .as_deref()
            .unwrap()
            .contains("/player/vid_demo_encrypted?token=")
    );
    let rl = minted.rate_limit.unwrap();
    assert_eq!(
        (rl.limit, rl.remaining, rl.reset_at),
        (1000, 0, 1_795_564_800)
    );
    let debug = format!("{minted:?}");
    assert!(!debug.contains("eyJ"), "token leaked into Debug: {debug}");
}

#[test]
fn api_key_management_bodies() {
    let user = user();
    let new = NewApiKey::new("ci", vec![Scope::VideoRead]).unwrap();
    let created = CreateApiKey::new(&user, &new)
        .parse_response(&response(201, fixture("success/api_key_created.json")))
        .unwrap();
    assert_eq!(created.key.prefix(), created.info.prefix);
    assert!(
        !format!("{created:?}").contains("2f0e9d8c"),
        "key leaked into Debug"
    );

    let list = ListApiKeys::new(&user)
        .parse_response(&response(200, fixture("success/api_key_list.json")))
        .unwrap();
    assert_eq!(list.items.len(), 2);
    assert!(list.items[1].revoked_at.is_some());

    let id = KeyId::new("key_01hw00aa11").unwrap();
    let revoked = RevokeApiKey::new(&user, &id)
        .parse_response(&response(200, fixture("success/api_key_revoked.json")))
        .unwrap();
    assert_eq!(revoked.scopes, [Scope::VideoRead, Scope::VaultRead]);
}

/// Walks the whole catalog: each code's fixture, sent with the catalog's status, parses back to
/// that code, status and message.
#[test]
fn every_catalog_code_parses_from_its_fixture() {
    let key = key();
    let user = user();
    let get = GetVideo::new(&key, VideoId::new("vid_x").unwrap());
    let list_keys = ListApiKeys::new(&user);
    let mut seen = 0;
    for code in ErrorCode::ALL {
        let info = code.info().unwrap();
        let mut families = vec![];
        if matches!(
            info.family,
            CodeFamily::Ansdev | CodeFamily::AnsdevExtension
        ) {
            families.push("ansdev");
        }
        if info.family == CodeFamily::Intelligence || *code == ErrorCode::NotFound {
            families.push("intelligence");
        }
        for family in families {
            let body = fixture(&format!("errors/{family}/{}.json", info.code));
            let resp = response(info.status, body);
            let err = if family == "ansdev" {
                get.parse_response(&resp).map(|_| ()).unwrap_err()
            } else {
                list_keys.parse_response(&resp).map(|_| ()).unwrap_err()
            };
            assert_eq!(&err.code(), code, "{family}/{code}");
            assert_eq!(
                err.status(),
                Some(StatusCode::from_u16(info.status).unwrap())
            );
            match (&err, code) {
                (Error::QuotaExhausted(q), ErrorCode::RateLimitExceeded) => {
                    assert_eq!(Some(q.message.as_str()), code.message());
                    // Reset at 00:00 UTC, response dated 23:58 UTC: two minutes to wait.
                    assert_eq!(q.retry_after.unwrap().as_secs(), 120);
                }
                (Error::Api(api), _) => {
                    assert_eq!(Some(api.message.as_str()), code.message(), "{code}")
                }
                other => panic!("{code}: unexpected {other:?}"),
            }
            seen += 1;
        }
    }
    assert_eq!(
        seen, 25,
        "17 Ansdev-envelope and 8 Intelligence-envelope fixtures"
    );
}

#[test]
fn answers_that_are_not_envelopes() {
    let key = key();
    let get = GetVideo::new(&key, VideoId::new("vid_x").unwrap());

    let err = get
        .parse_response(&response(411, fixture("raw/length_required.txt")))
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::LENGTH_REQUIRED));
    assert!(!err.is_retryable());

    let err = get
        .parse_response(&response(502, fixture("raw/bad_gateway.html")))
        .unwrap_err();
    assert!(err.is_retryable());
    assert!(
        matches!(&err, Error::Decode(d) if matches!(d.kind, DecodeErrorKind::NotAnEnvelope { .. }))
    );

    let err = ListVideos::new(&key, VideoQuery::new())
        .parse_response(&response(200, fixture("raw/truncated.json")))
        .unwrap_err();
    assert!(matches!(&err, Error::Decode(d) if d.kind == DecodeErrorKind::TruncatedJson));

    let err = get
        .parse_response(&response(503, Bytes::new()))
        .unwrap_err();
    assert!(matches!(&err, Error::Decode(d) if d.kind == DecodeErrorKind::EmptyBody));
    assert!(err.is_retryable());
}
