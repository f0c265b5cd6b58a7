//! A token provider that fails for 20 s, and a long sleep, in paused tokio time: no server, the
//! session's answers and the provider's calls are the whole story.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use sdk_native::playback::FnTokenProvider;
use sdk_native::{
    Client, Error, ErrorCode, MintedToken, PlaybackSession, PlaybackToken, TokenConfig, VideoId,
};

/// Provider calls, and whether the provider's backend is down.
#[derive(Default)]
struct Backend {
    calls: AtomicUsize,
    down: AtomicBool,
}

fn session(backend: Arc<Backend>, ttl: Duration) -> PlaybackSession {
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let provider = FnTokenProvider::new(move |_video| {
        let backend = backend.clone();
        async move {
            let n = backend.calls.fetch_add(1, Ordering::SeqCst) + 1;
            // The app's backend takes a little while to answer, success or not.
            tokio::time::sleep(Duration::from_millis(50)).await;
            if backend.down.load(Ordering::SeqCst) {
                return Err(Error::Api(sdk_core::ApiError::new(
                    ErrorCode::InternalError,
                    "backend down",
                    http::StatusCode::SERVICE_UNAVAILABLE,
                )));
            }
            Ok(MintedToken::new(
                PlaybackToken::new(format!("tok{n}"))?,
                ttl,
            ))
        }
    });
    PlaybackSession::with_provider(
        &client,
        provider,
        TokenConfig::default(),
        VideoId::new("job-1").unwrap(),
    )
}

#[tokio::test(start_paused = true)]
async fn n3_provider_down_for_20_s_fails_retryably_then_recovers_at_once() {
    let backend = Arc::new(Backend::default());
    let ttl = Duration::from_secs(10);
    let playback = session(backend.clone(), ttl);
    playback.token().await.unwrap();
    backend.down.store(true, Ordering::SeqCst);
    let calls_before = backend.calls.load(Ordering::SeqCst);
    // A player asking every second through the outage, past the token's life.
    let mut served = 0;
    let mut failed = Vec::new();
    for _ in 0..20 {
        match playback.token().await {
            Ok(issued) => {
                assert!(playback.time_left(&issued) >= issued.margin);
                served += 1;
            }
            Err(err) => failed.push(err),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let outage_calls = backend.calls.load(Ordering::SeqCst) - calls_before;
    // Until the margin (a third of 10 s) the token in hand is served; after it, every caller is
    // told of the outage with a retryable error of the provider's code, never a stale token.
    assert!(
        (5..=8).contains(&served),
        "{served} served from the token in hand"
    );
    assert!(!failed.is_empty());
    for err in &failed {
        assert!(err.is_retryable(), "{err:?}");
        assert_eq!(err.code(), ErrorCode::InternalError);
    }
    // Bounded: 4 attempts per waiting caller's round, a few rounds; never a storm.
    assert!(
        outage_calls <= 60,
        "{outage_calls} provider calls in a 20 s outage"
    );
    backend.down.store(false, Ordering::SeqCst);
    // Recovery: the next caller gets a fresh token with one provider call (or one retry).
    let calls_before = backend.calls.load(Ordering::SeqCst);
    let issued = tokio::time::timeout(Duration::from_secs(35), playback.token())
        .await
        .expect("a token within the longest backoff")
        .unwrap();
    assert!(playback.time_left(&issued) >= issued.margin);
    let recovery_calls = backend.calls.load(Ordering::SeqCst) - calls_before;
    assert!(recovery_calls <= 1, "{recovery_calls} calls to recover");
    println!(
        "FIGURE: n3 provider down 20 s (10 s tokens): {served} served from the token in hand, \
         {} failed retryably, {outage_calls} provider calls during the outage, {recovery_calls} to recover",
        failed.len()
    );
}

#[tokio::test(start_paused = true)]
async fn n4_a_two_hour_sleep_costs_one_mint_and_never_serves_an_expired_token() {
    let backend = Arc::new(Backend::default());
    let playback = session(backend.clone(), Duration::from_secs(10));
    let first = playback.token().await.unwrap();
    // The runtime's clock stands still then jumps, as after a laptop's sleep.
    tokio::time::sleep(Duration::from_secs(2 * 3600)).await;
    assert_eq!(playback.time_left(&first), Duration::ZERO);
    let issued = playback.token().await.unwrap();
    assert!(issued.generation > first.generation);
    assert!(playback.time_left(&issued) >= issued.margin);
    assert_eq!(
        backend.calls.load(Ordering::SeqCst),
        2,
        "no mint while asleep, one after"
    );
}
