//! Playback sessions on a real tokio runtime with paused time: one mint for many callers,
//! tokens always with their margin left, quota exhaustion surfaced at once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sdk_core::{QuotaExhausted, RateLimit};
use sdk_native::playback::FnTokenProvider;
use sdk_native::{
    Client, Error, ErrorCode, MintedToken, PlaybackSession, PlaybackToken, TokenConfig, VideoId,
};

fn session(mints: Arc<AtomicUsize>, ttl: Duration) -> PlaybackSession {
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let provider = FnTokenProvider::new(move |_video| {
        let mints = mints.clone();
        async move {
            let n = mints.fetch_add(1, Ordering::SeqCst) + 1;
            // A provider's backend takes a little while to answer.
            tokio::time::sleep(Duration::from_millis(80)).await;
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
async fn a_thousand_concurrent_callers_share_one_mint() {
    let mints = Arc::new(AtomicUsize::new(0));
    let session = session(mints.clone(), Duration::from_secs(300));
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let session = session.clone();
            tokio::spawn(async move { session.token().await })
        })
        .collect();
    let mut tokens = Vec::new();
    for task in tasks {
        tokens.push(task.await.unwrap().unwrap());
    }
    assert_eq!(mints.load(Ordering::SeqCst), 1);
    assert!(tokens.iter().all(|t| t.token.expose_secret() == "tok1"));
}

#[tokio::test(start_paused = true)]
async fn tokens_are_refreshed_lazily_across_many_lifetimes() {
    let mints = Arc::new(AtomicUsize::new(0));
    let ttl = Duration::from_secs(10);
    let session = session(mints.clone(), ttl);
    // A player asking for a token every second for 60 s: 6 TTLs.
    for _ in 0..60 {
        let issued = session.token().await.unwrap();
        let left = issued
            .expires_at
            .saturating_duration_since(issued.received_at);
        assert!(left >= issued.margin);
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let spent = mints.load(Ordering::SeqCst);
    // Each token is handed out until a third of its 10 s life is left: about one mint per 6.7 s.
    assert!(
        (8..=11).contains(&spent),
        "{spent} mints for 60 s of 10 s tokens"
    );
}

#[tokio::test(start_paused = true)]
async fn a_used_up_quota_fails_at_once_with_the_reset() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let provider = FnTokenProvider::new({
        let calls = calls.clone();
        move |_video| {
            calls.fetch_add(1, Ordering::SeqCst);
            async move {
                Err::<MintedToken, _>(Error::QuotaExhausted(QuotaExhausted::new(
                    "Daily limit of 1000 playback tokens exceeded.",
                    Some(RateLimit::new(1000, 0, 1_795_564_800)),
                    Some(Duration::from_secs(120)),
                )))
            }
        }
    });
    let session = PlaybackSession::with_provider(
        &client,
        provider,
        TokenConfig::default(),
        VideoId::new("job").unwrap(),
    );
    let err = session.token().await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::RateLimitExceeded);
    // Asking again before the reset fails at once, without another mint.
    let again = session.token().await.unwrap_err();
    assert!(matches!(again, Error::QuotaExhausted(q) if q.retry_after.is_some()));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn an_expired_token_is_healed_once_then_given_up() {
    let mints = Arc::new(AtomicUsize::new(0));
    let session = session(mints.clone(), Duration::from_secs(300));
    let attempts = Arc::new(AtomicUsize::new(0));
    // The API refuses the first token once, then accepts the fresh one.
    let result = session
        .with_token(|token| {
            let attempts = attempts.clone();
            async move {
                if attempts.fetch_add(1, Ordering::SeqCst) == 0 {
                    Err(expired())
                } else {
                    Ok(token.expose_secret().to_owned())
                }
            }
        })
        .await
        .unwrap();
    assert_eq!(result, "tok2");
    // The healing token itself refused right away: no loop of re-mints, a typed give-up.
    let err = session
        .with_token(|_| async { Err::<(), _>(expired()) })
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::AuthGaveUp {
            code: ErrorCode::PlaybackTokenExpired
        }
    ));
    assert_eq!(mints.load(Ordering::SeqCst), 2);

    // Later, a token refused every time: one re-mint, then the give-up.
    tokio::time::sleep(Duration::from_secs(60)).await;
    let err = session
        .with_token(|_| async { Err::<(), _>(expired()) })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::AuthGaveUp { .. }));
    assert_eq!(mints.load(Ordering::SeqCst), 4);
}

fn expired() -> Error {
    Error::Api(sdk_core::ApiError::new(
        ErrorCode::PlaybackTokenExpired,
        "Playback token has expired.",
        http::StatusCode::UNAUTHORIZED,
    ))
}
