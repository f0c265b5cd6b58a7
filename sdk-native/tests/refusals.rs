//! Refused playback requests against the reference server: the Rust front end reports what it
//! saw and obeys sdk-core's verdict, exactly as the browser loader does
//! (`sdk-wasm/tests/loader.test.mjs` holds the same story).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "server/common.rs"]
// The server binary's helpers, shared rather than copied; this file uses a few of them.
#[allow(dead_code, unreachable_pub)]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::{FutureExt, StreamExt};
use sdk_native::playback::FnTokenProvider;
use sdk_native::{Error, ErrorCode, PlaybackEvent, PlaybackSession, TokenConfig};

use common::{ENC, KEY, PLAIN};

/// The session plays `ENC`, but its provider hands out tokens minted for `PLAIN`: the server
/// answers 403 `PLAYBACK_TOKEN_MISMATCH`. No fresh token heals that, so the app gets
/// `AuthGaveUp` with the code at once, and no second token is minted.
#[tokio::test]
async fn a_mismatch_is_handled_identically_in_native_and_browser() {
    let server = common::start(None).await;
    let client = server.client(KEY);
    let enc = client.get_video(ENC).await.unwrap();
    let mints = Arc::new(AtomicUsize::new(0));
    let provider = {
        let (client, mints) = (client.clone(), mints.clone());
        FnTokenProvider::new(move |_video| {
            let (client, mints) = (client.clone(), mints.clone());
            async move {
                mints.fetch_add(1, Ordering::SeqCst);
                client.mint_playback_token(PLAIN).await
            }
        })
    };
    let session =
        PlaybackSession::with_provider(&client, provider, TokenConfig::default(), enc.job_id);

    for fetch in 0..2 {
        let err = session.master_playlist().await.unwrap_err();
        match err {
            Error::AuthGaveUp { code } => assert_eq!(code, ErrorCode::PlaybackTokenMismatch),
            other => panic!("fetch {fetch}: expected AuthGaveUp, got {other:?}"),
        }
    }
    let key = session.key().await.unwrap_err();
    assert!(matches!(
        key,
        Error::AuthGaveUp {
            code: ErrorCode::PlaybackTokenMismatch
        }
    ));
    // The token is right for its own video: it is kept, and no quota is spent re-minting.
    assert_eq!(mints.load(Ordering::SeqCst), 1);
}

/// The verdict is sdk-core's, and so is the event: a session minting for one video and playing
/// another's routes is given up on, and the client's event stream says so (the same event the
/// browser turns into `error`).
#[tokio::test]
async fn a_refusal_given_up_is_told_on_the_event_stream() {
    let server = common::start(None).await;
    let client = server.client(KEY);
    let mut events = client.playback_events();
    let enc = client.get_video(ENC).await.unwrap();
    let plain = client.get_video(PLAIN).await.unwrap();
    let crossed = client.playback_ids(plain.id.clone(), enc.job_id);
    let err = crossed.key().await.unwrap_err();
    assert!(matches!(
        err,
        Error::AuthGaveUp {
            code: ErrorCode::PlaybackTokenMismatch
        }
    ));
    // Delivered by the driver task, perhaps just after the call returned: wait for two events
    // (a generous bound, never reached when the events come).
    let told: Vec<_> =
        tokio::time::timeout(Duration::from_secs(30), events.by_ref().take(2).collect())
            .await
            .expect("two events");
    assert!(events.next().now_or_never().is_none(), "nothing else");
    assert!(
        matches!(told.as_slice(), [
            PlaybackEvent::TokenRefreshed { video: refreshed, .. },
            PlaybackEvent::GaveUp { video, error: Error::AuthGaveUp { code: ErrorCode::PlaybackTokenMismatch } },
        ] if *refreshed == plain.id && *video == plain.id),
        "{told:?}"
    );
}
