//! C8: the SDK wipes its own copies of secrets before freeing them.
//!
//! A scanning global allocator looks into every block as it is freed and counts the blocks that
//! still hold the API key, a playback token or a user token. The requests go through an
//! [`FnTransport`] that answers from static memory, so every heap copy of a secret seen here was
//! made by the SDK itself (reqwest's and hyper's copies are out of the picture; the crate docs say
//! what they keep).

// The allocator hook needs `unsafe`; nothing else in this file does.
#![allow(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use bytes::Bytes;
use http::{Request, Response};
use sdk_native::{Client, FnTransport, NewApiKey, Scope, UserToken, VideoId};

const KEY: &str = "ak_test_5ec2e7a11f0c8b9d3e6a7f4b2c1d0e9f";
const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.c8-playback-secret-7f3a.c2lnbmF0dXJl";
const USER_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.c8-user-secret-91b2.c2lnbmF0dXJl";
/// The key `POST /v1/keys` creates (from the golden fixture), a secret of its own.
const NEW_KEY: &str = "ak_live_7c1b2f0e9d8c7b6a5f4e3d2c1b0a9f8e";
const JOB_ID: &str = "3f0c8a52-5a1e-4c57-9b8e-2d7f6f0e9a10";

/// The mint answer as the API sends it: the token, and the player URL that repeats it.
const MINTED: &str = concat!(
    r#"{"success":true,"data":{"token":""#,
    "eyJhbGciOiJIUzI1NiJ9.c8-playback-secret-7f3a.c2lnbmF0dXJl",
    r#"","expiresIn":300,"playerUrl":"http://127.0.0.1:9/player/vid_demo_encrypted?token="#,
    "eyJhbGciOiJIUzI1NiJ9.c8-playback-secret-7f3a.c2lnbmF0dXJl",
    r#""}}"#
);
const VIDEO: &str = include_str!("../../sdk-core/fixtures/success/video.json");
const KEY_LIST: &str = include_str!("../../sdk-core/fixtures/success/api_key_list.json");
const KEY_CREATED: &str = include_str!("../../sdk-core/fixtures/success/api_key_created.json");
const MASTER: &str = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000000\n720p/index.m3u8\n";

/// What the scanner looks for: the first and the last 16 bytes of each secret, so a partial
/// copy (a buffer that grew while a secret was written into it) counts too.
const NEEDLES: [(&str, &[u8]); 8] = [
    ("api key", KEY.as_bytes().split_at(16).0),
    ("api key", KEY.as_bytes().split_at(KEY.len() - 16).1),
    ("playback token", TOKEN.as_bytes().split_at(16).0),
    (
        "playback token",
        TOKEN.as_bytes().split_at(TOKEN.len() - 16).1,
    ),
    ("user token", USER_TOKEN.as_bytes().split_at(16).0),
    (
        "user token",
        USER_TOKEN.as_bytes().split_at(USER_TOKEN.len() - 16).1,
    ),
    ("new api key", NEW_KEY.as_bytes().split_at(16).0),
    (
        "new api key",
        NEW_KEY.as_bytes().split_at(NEW_KEY.len() - 16).1,
    ),
];

static ARMED: AtomicBool = AtomicBool::new(false);
/// Freed blocks holding each secret: api key, playback token, user token, new api key.
static HITS: [AtomicUsize; 4] = [
    AtomicUsize::new(0),
    AtomicUsize::new(0),
    AtomicUsize::new(0),
    AtomicUsize::new(0),
];

struct Scanning;

// SAFETY: every call is forwarded to `System` unchanged; `dealloc` only reads the block it is
// handed (owned by the caller until freed) before freeing it. `realloc` keeps the default
// (allocate, copy, free), so every block a growing buffer leaves behind is scanned too.
unsafe impl GlobalAlloc for Scanning {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARMED.load(Ordering::SeqCst) {
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            let mut found = [false; 4];
            for (i, (_, needle)) in NEEDLES.iter().enumerate() {
                if block.windows(needle.len()).any(|w| w == *needle) {
                    found[i / 2] = true;
                }
            }
            for (hits, found) in HITS.iter().zip(found) {
                if found {
                    hits.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Scanning = Scanning;

/// The API, answered from static memory.
fn answer(request: &Request<Bytes>) -> Response<Bytes> {
    let path = request.uri().path();
    let (content_type, body): (&'static str, &'static [u8]) =
        if path.starts_with("/v1/video/playback/manifest/") {
            ("application/vnd.apple.mpegurl", MASTER.as_bytes())
        } else if path.starts_with("/v1/video/playback/key/") {
            ("application/octet-stream", b"0123456789abcdef")
        } else if path.ends_with("/playback-token") {
            ("application/json", MINTED.as_bytes())
        } else if path == "/v1/keys" && request.method() == http::Method::POST {
            ("application/json", KEY_CREATED.as_bytes())
        } else if path == "/v1/keys" {
            ("application/json", KEY_LIST.as_bytes())
        } else {
            ("application/json", VIDEO.as_bytes())
        };
    Response::builder()
        .status(200)
        .header("content-type", content_type)
        .body(Bytes::from_static(body))
        .unwrap()
}

/// Requests of every kind that handles a secret, `rounds` times, then everything dropped.
fn exercise(rounds: usize) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = Client::builder()
            .api_key(KEY)
            .base_url("http://127.0.0.1:9")
            .transport(FnTransport::new(|request: Request<Bytes>| {
                let response = answer(&request);
                drop(request);
                async move { Ok(response) }
            }))
            .build()
            .unwrap();
        let keys = client.keys(UserToken::new(USER_TOKEN).unwrap());
        for _ in 0..rounds {
            let video = client.get_video("vid_demo_encrypted").await.unwrap();
            let minted = client
                .mint_playback_token("vid_demo_encrypted")
                .await
                .unwrap();
            // The player URL repeats the token; it wipes itself when dropped.
            assert!(minted.player_url.is_some());
            drop(minted);
            let session = client.playback_ids(video.id.clone(), VideoId::new(JOB_ID).unwrap());
            session.master_playlist().await.unwrap();
            session.key().await.unwrap();
            keys.list().await.unwrap();
            let new_key = NewApiKey::new("ci", vec![Scope::VideoRead]).unwrap();
            let created = keys.create(&new_key).await.unwrap();
            assert_eq!(created.info.prefix, "ak_live_7c1b");
        }
    });
    drop(runtime);
}

#[test]
fn c8_no_freed_block_keeps_a_secret_after_requests_and_dropping_the_client() {
    // A warm-up round first: one-time allocations (runtime, thread-locals) are not the point.
    exercise(1);
    ARMED.store(true, Ordering::SeqCst);
    exercise(4);
    ARMED.store(false, Ordering::SeqCst);
    let hits: Vec<usize> = HITS.iter().map(|h| h.load(Ordering::SeqCst)).collect();
    eprintln!(
        "un-wiped freed blocks: api key {}, playback token {}, user token {}, new api key {}",
        hits[0], hits[1], hits[2], hits[3]
    );
    assert_eq!(hits, [0, 0, 0, 0], "freed blocks still held a secret");
}
