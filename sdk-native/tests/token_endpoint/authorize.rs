//! Row C1: nothing is served until the app decides, the decision sees the request, and it runs
//! before any API call.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use http::header::COOKIE;
use sdk_native::token_endpoint::{ClientKey, Refusal, TokenEndpoint};

use crate::server::{self, BUSY, ENC, KEY, PLAIN};
use crate::support::{assert_refusal, browser, counting_client, get, serve};

/// The app's session check: only the `session=viewer-1` cookie is signed in.
fn signed_in(request: &http::request::Parts) -> bool {
    request
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| c.trim() == "session=viewer-1")
}

#[tokio::test]
async fn c1_anonymous_requests_are_refused_before_any_api_call() {
    let server = server::start(None).await;
    let (client, upstream) = counting_client(&server, KEY);
    let endpoint = TokenEndpoint::new(client, |request, _video| {
        let answer = if signed_in(request) {
            Ok(())
        } else {
            Err(Refusal::unauthorized())
        };
        std::future::ready(answer)
    });
    let url = serve(endpoint).await;
    let http = browser();

    // Anonymous, a forged cookie, an unpublished video by either id, an unknown id: all refused.
    let plain = server.client(KEY).get_video(PLAIN).await.unwrap();
    for id in [ENC, PLAIN, plain.job_id.as_str(), BUSY, "vid_nope"] {
        for headers in [&[][..], &[("cookie", "session=viewer-2")][..]] {
            let (status, _, body) = get(&http, &format!("{url}/{id}"), headers).await;
            assert_eq!(status, 401, "{id}: {body}");
            assert_refusal(status, &body, "UNAUTHORIZED", false);
        }
    }
    assert_eq!(
        upstream.calls(),
        0,
        "a refused request never reaches the API"
    );

    let (status, _, body) = get(
        &http,
        &format!("{url}/{ENC}"),
        &[("cookie", "a=b; session=viewer-1")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["token"].as_str().unwrap().len() > 20);
    assert_eq!(upstream.mints(), 1);
}

#[tokio::test]
async fn c1_the_decision_sees_headers_cookies_and_the_peer_address() {
    #[derive(Debug, Default)]
    struct Seen {
        cookie: Option<String>,
        referer: Option<String>,
        peer: Option<ClientKey>,
        video: Option<String>,
    }
    let server = server::start(None).await;
    let (client, upstream) = counting_client(&server, KEY);
    let seen = Arc::new(Mutex::new(Seen::default()));
    let record = seen.clone();
    let endpoint = TokenEndpoint::new(client, move |request, video| {
        let header = |name| {
            request
                .headers
                .get(name)
                .map(|v: &http::HeaderValue| v.to_str().unwrap().to_owned())
        };
        *record.lock().unwrap() = Seen {
            cookie: header("cookie"),
            referer: header("referer"),
            peer: ClientKey::peer(request),
            video: Some(video.as_str().to_owned()),
        };
        // Refuse: what matters here is what the decision was shown.
        std::future::ready(Err(Refusal::forbidden()))
    });
    let url = serve(endpoint).await;
    let (status, _, body) = get(
        &browser(),
        &format!("{url}/{ENC}"),
        &[
            ("cookie", "session=s1"),
            ("referer", "https://evil.example/"),
        ],
    )
    .await;
    assert_eq!(status, 403);
    assert_refusal(status, &body, "FORBIDDEN", false);

    let seen = seen.lock().unwrap();
    assert_eq!(seen.cookie.as_deref(), Some("session=s1"));
    assert_eq!(seen.referer.as_deref(), Some("https://evil.example/"));
    let loopback: IpAddr = [127, 0, 0, 1].into();
    assert_eq!(
        seen.peer,
        Some(ClientKey::ip(loopback)),
        "ConnectInfo reaches the decision"
    );
    assert_eq!(seen.video.as_deref(), Some(ENC));
    assert_eq!(upstream.calls(), 0);
}

#[tokio::test]
async fn c1_an_unpublished_video_outside_the_allow_list_is_refused_without_an_api_call() {
    let server = server::start(None).await;
    let (client, upstream) = counting_client(&server, KEY);
    let published = client.get_video(ENC).await.unwrap();
    let plain = client.get_video(PLAIN).await.unwrap();
    let before = upstream.calls();
    let url = serve(TokenEndpoint::allow_list(
        client.clone(),
        [published.clone()],
    ))
    .await;
    let http = browser();

    // The key's own videos that the site does not publish, by either id, and unknown ids.
    let mut refusals = Vec::new();
    for id in [PLAIN, plain.job_id.as_str(), BUSY, "vid_nope", "not-a-uuid"] {
        let (status, _, body) = get(&http, &format!("{url}/{id}"), &[]).await;
        assert_eq!(status, 404, "{id}: {body}");
        assert_refusal(status, &body, "VIDEO_NOT_FOUND", false);
        refusals.push(body);
    }
    assert_eq!(
        upstream.calls(),
        before,
        "no API call for an id outside the list"
    );

    // The published video, by either of its ids, gets one shared token and its job id.
    let (status, _, by_job) = get(&http, &format!("{url}/{}", published.job_id), &[]).await;
    assert_eq!(status, 200, "{by_job}");
    assert_eq!(by_job["jobId"], published.job_id.as_str());
    let (_, _, by_id) = get(&http, &format!("{url}/{ENC}"), &[]).await;
    assert_eq!(by_id["token"], by_job["token"]);

    // A refusal by the list reads exactly like the API's answer for a missing video: a
    // stranger learns nothing about which ids exist.
    let open = serve(TokenEndpoint::new(client, |_, _| {
        std::future::ready(Ok(()))
    }))
    .await;
    let (status, _, missing) = get(&http, &format!("{open}/vid_nope"), &[]).await;
    assert_eq!(status, 404);
    assert!(
        refusals.iter().all(|r| *r == missing),
        "{missing} vs {refusals:?}"
    );
}
