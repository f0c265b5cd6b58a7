//! C3: a redirect to another origin is refused before any request reaches it, whichever secret
//! the request carries; a same-origin redirect is still followed, within a hop limit.

use sdk_core::TransportErrorKind;
use sdk_native::{Client, Error, PlaybackToken, UserToken, VideoId};

use super::raw_server::{Server, ok_json, redirect};
use super::{JOB_ID, KEY, client};

const PLAYBACK_TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.playback-secret.c2ln";
const USER_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.user-secret.c2ln";
const VIDEO: &str = include_str!("../../../sdk-core/fixtures/success/video.json");

/// The server a hostile redirect points at: it must never hear from the client.
async fn evil() -> Server {
    Server::start(|_| ok_json("{}")).await
}

/// An API that redirects every request to `target` with `status`.
async fn redirecting_api(status: &'static str, target: String) -> Server {
    Server::start(move |head| {
        let path = head.split_whitespace().nth(1).unwrap_or("/");
        redirect(status, &format!("{target}{path}"))
    })
    .await
}

fn assert_redirect_refused(err: &Error) {
    let Error::Transport(transport) = err else {
        panic!("expected a refused redirect, got {err:?}");
    };
    assert_eq!(transport.kind, TransportErrorKind::RedirectRefused, "{err}");
    assert!(!err.is_retryable());
    let message = err.to_string();
    assert!(message.contains("cross-origin"), "{message}");
    for secret in [KEY, PLAYBACK_TOKEN, USER_TOKEN, "127.0.0.1"] {
        assert!(
            !message.contains(secret),
            "the error names {secret}: {message}"
        );
    }
}

#[tokio::test]
async fn c3_a_cross_origin_redirect_never_carries_the_api_key() {
    let evil = evil().await;
    for status in [
        "302 Found",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ] {
        let api = redirecting_api(status, evil.base()).await;
        let client = client(&api.base());

        let err = client.get_video("vid_demo_encrypted").await.unwrap_err();
        assert_redirect_refused(&err);
        assert!(
            err.to_string().contains(&status[..3]),
            "names the status: {err}"
        );
        let err = client
            .mint_playback_token("vid_demo_encrypted")
            .await
            .unwrap_err();
        assert_redirect_refused(&err);
        let err = client.list_videos(&Default::default()).await.unwrap_err();
        assert_redirect_refused(&err);

        assert_eq!(
            api.requests().len(),
            3,
            "each call sent once, never retried"
        );
    }
    assert!(
        evil.requests().is_empty(),
        "the other origin heard nothing: {:?}",
        evil.requests()
    );
}

#[tokio::test]
async fn c3_a_cross_origin_redirect_never_carries_the_user_token() {
    let evil = evil().await;
    let api = redirecting_api("307 Temporary Redirect", evil.base()).await;
    let keys = client(&api.base()).keys(UserToken::new(USER_TOKEN).unwrap());

    assert_redirect_refused(&keys.list().await.unwrap_err());
    assert_redirect_refused(&keys.revoke(&"key_1".parse().unwrap()).await.unwrap_err());
    assert_eq!(api.requests().len(), 2);
    assert!(evil.requests().is_empty(), "{:?}", evil.requests());
}

#[tokio::test]
async fn c3_a_cross_origin_redirect_never_carries_the_playback_token_in_a_path() {
    let evil = evil().await;
    let api = redirecting_api("302 Found", evil.base()).await;
    let client = client(&api.base());
    let token = PlaybackToken::new(PLAYBACK_TOKEN).unwrap();
    let job = VideoId::new(JOB_ID).unwrap();

    assert_redirect_refused(&client.master_playlist(&token, &job).await.unwrap_err());
    assert_redirect_refused(
        &client
            .media_playlist(&token, &job, "720p")
            .await
            .unwrap_err(),
    );
    assert_redirect_refused(&client.fetch_key(&token, &job).await.unwrap_err());
    assert_eq!(api.requests().len(), 3);
    assert!(evil.requests().is_empty(), "{:?}", evil.requests());
}

#[tokio::test]
async fn c3_a_same_origin_redirect_is_still_followed_with_the_key() {
    let api = Server::start(|head| {
        if head.starts_with("GET /v1/video/vid_moved ") {
            redirect("302 Found", "/v1/video/vid_demo_encrypted")
        } else {
            ok_json(VIDEO)
        }
    })
    .await;
    let video = client(&api.base()).get_video("vid_moved").await.unwrap();
    assert_eq!(video.id.as_str(), "vid_demo_encrypted");
    let requests = api.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[1].starts_with("GET /v1/video/vid_demo_encrypted "));
    assert!(requests[1].to_ascii_lowercase().contains("x-ansdev-key: "));
    assert!(
        !requests[1].to_ascii_lowercase().contains("referer"),
        "no Referer repeats the previous URL"
    );
}

#[tokio::test]
async fn c3_a_same_origin_redirect_loop_stops_after_the_hop_limit() {
    let api = Server::start(|_| redirect("302 Found", "/v1/video/vid_loop")).await;
    let err = client(&api.base()).get_video("vid_loop").await.unwrap_err();
    let Error::Transport(transport) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(transport.kind, TransportErrorKind::RedirectRefused);
    assert_eq!(
        api.requests().len(),
        1 + sdk_native::transport::MAX_REDIRECTS,
        "the first request and the allowed hops, nothing more"
    );
}

#[tokio::test]
async fn c3_a_caller_supplied_http_client_cannot_bring_its_own_redirect_policy() {
    let evil = evil().await;
    let api = redirecting_api("302 Found", evil.base()).await;
    // The app asks reqwest to follow anything; the SDK's policy replaces it.
    let client = Client::builder()
        .api_key(KEY)
        .base_url(api.base())
        .http_client(reqwest::Client::builder().redirect(reqwest::redirect::Policy::limited(10)))
        .build()
        .unwrap();
    assert_redirect_refused(&client.get_video("vid_demo_encrypted").await.unwrap_err());
    assert!(evil.requests().is_empty(), "{:?}", evil.requests());
}

#[tokio::test]
async fn c3_a_playback_session_mint_is_not_redirected_nor_retried() {
    let evil = evil().await;
    let api = redirecting_api("307 Temporary Redirect", evil.base()).await;
    let client = client(&api.base());
    let session = client.playback_ids(
        VideoId::new("vid_demo_encrypted").unwrap(),
        VideoId::new(JOB_ID).unwrap(),
    );
    assert_redirect_refused(&session.token().await.unwrap_err());
    assert_eq!(
        api.requests().len(),
        1,
        "a refused redirect is final for the token manager too"
    );
    assert!(evil.requests().is_empty(), "{:?}", evil.requests());
}
