//! The answers' shape, against a scripted API: the token-provider contract's success and refusal
//! bodies, `Retry-After` from the API's own clock, and nothing of the key or the API's address.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use sdk_native::token_endpoint::{SharePolicy, TokenEndpoint};
use sdk_native::{Client, FnTransport};

use crate::support::{assert_refusal, browser, get, serve};

const KEY: &str = "ak_test_0123456789abcdef0123456789abcdef";
const JOB: &str = "44444444-4444-4444-8444-444444444444";

/// An API that knows one video (`vid_1`, job id [`JOB`]) and mints numbered tokens until
/// `quota_left` is spent, then refuses with a used-up quota.
fn scripted(mints: Arc<AtomicUsize>, quota_left: usize) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:9")
        .transport(FnTransport::new(move |request: http::Request<Bytes>| {
            let mints = mints.clone();
            async move {
                let (status, body) = if request.method() == http::Method::GET {
                    (200, format!(
                        r#"{{"success":true,"data":{{"id":"vid_1","jobId":"{JOB}","title":"t","status":"COMPLETED","encrypted":true,"quality":"720p","renditions":["720p"],"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z"}}}}"#
                    ))
                } else {
                    assert!(request.uri().path().ends_with(&format!("/{JOB}/playback-token")));
                    let n = mints.fetch_add(1, Ordering::SeqCst) + 1;
                    if n <= quota_left {
                        (200, format!(r#"{{"success":true,"data":{{"token":"tok{n}","expiresIn":300}}}}"#))
                    } else {
                        (429, r#"{"success":false,"error":{"code":"RATE_LIMIT_EXCEEDED","message":"Daily limit of 1000 playback tokens exceeded.","status":429}}"#.to_owned())
                    }
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

fn allow_all(client: Client) -> TokenEndpoint {
    TokenEndpoint::new(client, |_, _| std::future::ready(Ok(())))
}

#[tokio::test]
async fn answers_follow_the_token_provider_contract_and_never_carry_the_key() {
    let mints = Arc::new(AtomicUsize::new(0));
    let url = serve(allow_all(scripted(mints.clone(), 100))).await;
    let http = browser();
    for _ in 0..20 {
        let (status, _, body) = get(&http, &format!("{url}/vid_1"), &[]).await;
        assert_eq!(status, 200);
        assert_eq!(body["token"], "tok1");
        assert_eq!(body["jobId"], JOB);
        let left = body["expiresIn"].as_u64().unwrap();
        assert!((299..=300).contains(&left), "{left}");
        assert_eq!(body["rateLimit"]["limit"], 1000);
        assert_eq!(body["rateLimit"]["reset"], 2000);
        assert!(!body.to_string().contains(&KEY[8..]));
    }
    assert_eq!(mints.load(Ordering::SeqCst), 1, "20 viewers, one mint");
}

#[tokio::test]
async fn each_viewer_gets_a_token_under_the_per_viewer_policy() {
    let mints = Arc::new(AtomicUsize::new(0));
    let endpoint = allow_all(scripted(mints.clone(), 100)).policy(SharePolicy::PerViewer);
    let url = serve(endpoint).await;
    let http = browser();
    let (_, _, a) = get(&http, &format!("{url}/vid_1"), &[]).await;
    let (_, _, b) = get(&http, &format!("{url}/{JOB}"), &[]).await;
    assert_ne!(a["token"], b["token"]);
    assert_eq!(b["jobId"], JOB);
    assert_eq!(mints.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_used_up_quota_is_relayed_with_the_wait_from_the_apis_clock() {
    let mints = Arc::new(AtomicUsize::new(0));
    let url = serve(allow_all(scripted(mints.clone(), 0))).await;
    let (status, retry_after, body) = get(&browser(), &format!("{url}/vid_1"), &[]).await;
    assert_eq!(status, 429);
    // Reset at 2000 s, response dated 1800 s: 200 s to wait.
    assert_eq!(retry_after.as_deref(), Some("200"));
    assert_refusal(status, &body, "RATE_LIMIT_EXCEEDED", false);
    assert_eq!(body["error"]["retryAfterMs"], 200_000);
    assert_eq!(mints.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_unreachable_api_is_a_502_that_names_no_address() {
    let client = Client::builder()
        .api_key(KEY)
        .base_url("http://127.0.0.1:9")
        .retry_policy(sdk_native::RetryPolicy::default().with_max_attempts(1))
        .build()
        .unwrap();
    let url = serve(allow_all(client)).await;
    let (status, _, body) = get(&browser(), &format!("{url}/vid_1"), &[]).await;
    assert_eq!(status, 502, "{body}");
    assert_refusal(status, &body, "TRANSPORT_ERROR", true);
    let text = body.to_string();
    assert!(
        !text.contains("127.0.0.1") && !text.contains(":9"),
        "{text}"
    );
}

#[tokio::test]
async fn a_path_that_does_not_decode_is_answered_in_the_same_shape() {
    let url = serve(allow_all(scripted(Arc::default(), 100))).await;
    let (status, _, body) = get(&browser(), &format!("{url}/%FF%FE"), &[]).await;
    assert_eq!(status, 404);
    assert_refusal(status, &body, "VIDEO_NOT_FOUND", false);
}
