//! The axum token endpoint: browser players get tokens, never the key; viewers share tokens under
//! the shared policy and get their own under the per-viewer one.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use sdk_native::token_endpoint::{SharePolicy, TokenEndpoint};
use sdk_native::{Client, FnTransport};

const KEY: &str = "ak_test_0123456789abcdef0123456789abcdef";

/// A client whose "API" mints numbered tokens, or refuses with a used-up quota.
fn client(mints: Arc<AtomicUsize>, quota_left: usize) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:9")
        .transport(FnTransport::new(move |request: http::Request<Bytes>| {
            let mints = mints.clone();
            async move {
                assert!(request.uri().path().ends_with("/playback-token"));
                let n = mints.fetch_add(1, Ordering::SeqCst) + 1;
                let (status, body) = if n <= quota_left {
                    (200, format!(r#"{{"success":true,"data":{{"token":"tok{n}","expiresIn":300}}}}"#))
                } else {
                    (429, r#"{"success":false,"error":{"code":"RATE_LIMIT_EXCEEDED","message":"Daily limit of 1000 playback tokens exceeded.","status":429}}"#.to_owned())
                };
                Ok(http::Response::builder()
                    .status(status)
                    .header("x-ratelimit-limit", "1000")
                    .header("x-ratelimit-remaining", "0")
                    .header("x-ratelimit-reset", "2000")
                    .header("date", "Thu, 01 Jan 1970 00:30:00 GMT")
                    .body(Bytes::from(body))
                    .unwrap())
            }
        }))
        .build()
        .unwrap()
}

async fn serve(endpoint: TokenEndpoint) -> String {
    let app = axum::Router::new().nest("/playback-token", endpoint.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/playback-token")
}

#[tokio::test]
async fn viewers_share_a_token_under_the_shared_policy() {
    let mints = Arc::new(AtomicUsize::new(0));
    let url = serve(TokenEndpoint::new(client(mints.clone(), 100))).await;
    let http = reqwest::Client::new();
    for _ in 0..20 {
        let res = http.get(format!("{url}/vid_1")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["cache-control"], "no-store");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["token"], "tok1");
        let left = body["expiresIn"].as_u64().unwrap();
        assert!((299..=300).contains(&left), "{left}");
        let text = body.to_string();
        assert!(!text.contains(&KEY[8..]));
    }
    assert_eq!(mints.load(Ordering::SeqCst), 1, "20 viewers, one mint");
}

#[tokio::test]
async fn each_viewer_gets_a_token_under_the_per_viewer_policy() {
    let mints = Arc::new(AtomicUsize::new(0));
    let url =
        serve(TokenEndpoint::new(client(mints.clone(), 100)).policy(SharePolicy::PerViewer)).await;
    let http = reqwest::Client::new();
    let a: serde_json::Value = http
        .get(format!("{url}/vid_1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let b: serde_json::Value = http
        .get(format!("{url}/vid_1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(a["token"], b["token"]);
    assert_eq!(mints.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn refusals_are_typed_for_the_browser() {
    let mints = Arc::new(AtomicUsize::new(0));
    let endpoint =
        TokenEndpoint::new(client(mints.clone(), 0)).allow(|video| video.as_str() != "vid_secret");
    let url = serve(endpoint).await;
    let http = reqwest::Client::new();

    let res = http.get(format!("{url}/vid_secret")).send().await.unwrap();
    assert_eq!(res.status(), 404);

    let res = http.get(format!("{url}/vid_1")).send().await.unwrap();
    assert_eq!(res.status(), 429);
    // Reset at 2000 s, response dated 1800 s: 200 s to wait.
    assert_eq!(res.headers()["retry-after"], "200");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "RATE_LIMIT_EXCEEDED");
    assert_eq!(body["error"]["retryable"], false);
    assert_eq!(mints.load(Ordering::SeqCst), 1);
}
