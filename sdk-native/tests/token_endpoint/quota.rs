//! Row C2: no client drains the daily quota. One video is one entry (public id and job id share a
//! token), refusals are remembered, memory is bounded, and each client is rate limited before
//! any API call.

use std::collections::HashSet;
use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use futures_util::{StreamExt, stream};
use sdk_native::token_endpoint::{ClientKey, ClientLimit, SharePolicy, TokenEndpoint};

use crate::server::{self, BUSY, ENC, KEY, KEY_EXPIRED, KEY_SMALL, SMALL_LIMIT};
use crate::support::{assert_refusal, browser, counting_client, get, serve};

fn allow_all(client: sdk_native::Client) -> TokenEndpoint {
    TokenEndpoint::new(client, |_, _| std::future::ready(Ok(())))
}

#[tokio::test]
async fn c2_a_public_id_and_its_job_id_share_one_mint() {
    let server = server::start(None).await;
    let (client, upstream) = counting_client(&server, KEY);
    let job_id = server.client(KEY).get_video(ENC).await.unwrap().job_id;
    let url = serve(allow_all(client)).await;
    let http = browser();

    let mut tokens = HashSet::new();
    for id in [ENC, job_id.as_str(), ENC, job_id.as_str()] {
        let (status, _, body) = get(&http, &format!("{url}/{id}"), &[]).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body["jobId"],
            job_id.as_str(),
            "the answer names the job id"
        );
        let left = body["expiresIn"].as_u64().unwrap();
        assert!((250..=300).contains(&left), "{left}");
        assert_eq!(body["rateLimit"]["limit"], 1000, "{body}");
        assert_eq!(body["rateLimit"]["remaining"], 999, "{body}");
        tokens.insert(body["token"].as_str().unwrap().to_owned());
    }
    assert_eq!(tokens.len(), 1, "one video, one token");
    assert_eq!(upstream.mints(), 1, "vid_… and its job id cost one mint");
    assert_eq!(upstream.lookups(), 1, "one lookup learns both ids");
}

#[tokio::test]
async fn c2_5000_unknown_ids_from_5000_clients_cost_one_lookup_each_in_bounded_memory() {
    const IDS: usize = 5000;
    let server = server::start(None).await;
    let (client, upstream) = counting_client(&server, KEY);
    // Each request names its own client, as 5000 addresses would.
    let endpoint = allow_all(client).client_key(|request| {
        let client = request.headers.get("x-client")?.to_str().ok()?;
        Some(ClientKey::text(client))
    });
    let url = serve(endpoint.clone()).await;
    let http = browser();
    let started = Instant::now();

    let ask = |i: usize| {
        let (http, url) = (http.clone(), url.clone());
        async move {
            let id = format!("vid_nope_{i}");
            let client = i.to_string();
            let (status, _, body) = get(
                &http,
                &format!("{url}/{id}"),
                &[("x-client", client.as_str())],
            )
            .await;
            assert_eq!(status, 404, "{body}");
            assert_refusal(status, &body, "VIDEO_NOT_FOUND", false);
        }
    };
    let mut answered = 0;
    let mut requests = stream::iter(0..IDS).map(ask).buffer_unordered(8);
    while requests.next().await.is_some() {
        answered += 1;
        if answered % 250 == 0 {
            assert!(endpoint.cached_ids() <= 1024, "{}", endpoint.cached_ids());
            assert!(
                endpoint.tracked_clients() <= 4096,
                "{}",
                endpoint.tracked_clients()
            );
        }
    }
    println!("{IDS} unknown ids answered in {:?}", started.elapsed());
    assert_eq!(upstream.lookups(), IDS, "each unknown id is looked up once");
    assert_eq!(upstream.mints(), 0, "an unknown id is never minted for");
    assert_eq!(
        endpoint.cached_ids(),
        1024,
        "the id cache is full, not larger"
    );
    assert_eq!(
        endpoint.tracked_clients(),
        4096,
        "the client table is full, not larger"
    );

    // The most recent ids are answered from memory; the oldest were evicted and cost again.
    for i in IDS - 100..IDS {
        ask(i).await;
    }
    assert_eq!(
        upstream.lookups(),
        IDS,
        "a remembered refusal costs no API call"
    );
    for i in 0..10 {
        ask(i).await;
    }
    assert_eq!(upstream.lookups(), IDS + 10);
}

#[tokio::test]
async fn c2_one_client_hammering_unknown_ids_is_held_to_its_limit() {
    let server = server::start(None).await;
    let (client, upstream) = counting_client(&server, KEY);
    // The default limit: 5 at once, then one every 10 s.
    let url = serve(allow_all(client)).await;
    let http = browser();
    let started = Instant::now();
    let mut limited = 0;
    for i in 0..50 {
        let (status, retry_after, body) = get(&http, &format!("{url}/vid_hammer_{i}"), &[]).await;
        match status {
            404 => assert_refusal(status, &body, "VIDEO_NOT_FOUND", false),
            429 => {
                limited += 1;
                assert_refusal(status, &body, "TOO_MANY_REQUESTS", true);
                let wait = body["error"]["retryAfterMs"].as_u64().unwrap();
                assert!((1..=10_000).contains(&wait), "{wait}");
                let secs: u64 = retry_after.unwrap().parse().unwrap();
                assert!((1..=10).contains(&secs), "{secs}");
            }
            other => panic!("{other}: {body}"),
        }
    }
    // Generous: one more request per 10 s the test took.
    let refills = started.elapsed().as_secs() / 10 + 1;
    let allowed = 5 + usize::try_from(refills).unwrap();
    assert!(upstream.calls() <= allowed, "{} calls", upstream.calls());
    assert!(limited >= 50 - allowed, "{limited}");
    assert_eq!(upstream.mints(), 0);
}

#[tokio::test]
async fn c2_per_viewer_tokens_with_a_rate_limit_mint_at_most_the_limit() {
    let server = server::start(None).await;
    let (client, upstream) = counting_client(&server, KEY);
    let limit = ClientLimit::new(3, Duration::from_secs(3600)).unwrap();
    let endpoint = allow_all(client)
        .policy(SharePolicy::PerViewer)
        .client_limit(limit);
    let url = serve(endpoint).await;
    let http = browser();
    let mut tokens = HashSet::new();
    let mut remaining = Vec::new();
    for _ in 0..30 {
        let (status, _, body) = get(&http, &format!("{url}/{ENC}"), &[]).await;
        match status {
            200 => {
                tokens.insert(body["token"].as_str().unwrap().to_owned());
                remaining.push(body["rateLimit"]["remaining"].as_u64().unwrap());
            }
            429 => assert_refusal(status, &body, "TOO_MANY_REQUESTS", true),
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(tokens.len(), 3, "each viewer's own token, up to the limit");
    assert_eq!(upstream.mints(), 3, "30 requests, 3 mints");
    // The API's own count agrees: only 3 of the day's 1000 were spent.
    assert_eq!(remaining, [999, 998, 997]);
}

#[tokio::test]
async fn c2_viewers_of_a_shared_video_are_answered_from_memory_and_never_limited() {
    let server = server::start(None).await;
    let (client, upstream) = counting_client(&server, KEY);
    let url = serve(allow_all(client)).await;
    let http = browser();
    for _ in 0..40 {
        let (status, _, body) = get(&http, &format!("{url}/{ENC}"), &[]).await;
        assert_eq!(
            status, 200,
            "a fresh shared token costs no allowance: {body}"
        );
    }
    assert_eq!(upstream.mints(), 1);
}

#[tokio::test]
async fn c2_clients_named_by_the_app_are_limited_separately() {
    let server = server::start(None).await;
    let (client, upstream) = counting_client(&server, KEY);
    let endpoint = allow_all(client)
        .policy(SharePolicy::PerViewer)
        .client_limit(ClientLimit::new(2, Duration::from_secs(3600)).unwrap())
        .client_key(|request| {
            let session = request.headers.get("x-session")?.to_str().ok()?;
            Some(ClientKey::text(session))
        });
    let url = serve(endpoint.clone()).await;
    let http = browser();
    let ask = |session: &'static str| {
        let (http, url) = (http.clone(), url.clone());
        async move {
            get(&http, &format!("{url}/{ENC}"), &[("x-session", session)])
                .await
                .0
        }
    };
    assert_eq!(
        [ask("a").await, ask("a").await, ask("a").await],
        [200, 200, 429]
    );
    assert_eq!(
        [ask("b").await, ask("b").await, ask("b").await],
        [200, 200, 429]
    );
    assert_eq!(endpoint.tracked_clients(), 2);
    assert_eq!(upstream.mints(), 4);

    // A request the key function cannot place is refused, not lumped in with the others.
    let (status, _, body) = get(&http, &format!("{url}/{ENC}"), &[]).await;
    assert_eq!(status, 500);
    assert_refusal(status, &body, "INTERNAL_ERROR", true);
    assert_eq!(upstream.mints(), 4);
}

#[tokio::test]
async fn c2_a_used_up_quota_is_answered_from_memory_until_the_reset() {
    let server = server::start(None).await;
    let (client, upstream) = counting_client(&server, KEY_SMALL);
    let endpoint = allow_all(client)
        .policy(SharePolicy::PerViewer)
        .client_limit(ClientLimit::new(100, Duration::from_secs(1)).unwrap());
    let url = serve(endpoint).await;
    let http = browser();
    for _ in 0..SMALL_LIMIT {
        assert_eq!(get(&http, &format!("{url}/{ENC}"), &[]).await.0, 200);
    }
    for _ in 0..10 {
        let (status, retry_after, body) = get(&http, &format!("{url}/{ENC}"), &[]).await;
        assert_eq!(status, 429, "{body}");
        assert_refusal(status, &body, "RATE_LIMIT_EXCEEDED", false);
        let secs: u64 = retry_after.unwrap().parse().unwrap();
        assert!(
            (1..=3600).contains(&secs),
            "paused until the reset, an hour at most: {secs}"
        );
        assert!(body["error"]["retryAfterMs"].as_u64().unwrap() > 0);
    }
    let mints = usize::try_from(SMALL_LIMIT).unwrap() + 1;
    assert_eq!(
        upstream.mints(),
        mints,
        "one refused mint, then answers from memory"
    );
}

#[tokio::test]
async fn c2_a_video_not_ready_and_a_refused_key_are_not_asked_again() {
    let server = server::start(None).await;
    let (client, upstream) = counting_client(&server, KEY);
    let url = serve(allow_all(client)).await;
    let http = browser();
    for _ in 0..5 {
        let (status, _, body) = get(&http, &format!("{url}/{BUSY}"), &[]).await;
        assert_eq!(status, 400);
        assert_refusal(status, &body, "VIDEO_NOT_READY", false);
    }
    assert_eq!((upstream.lookups(), upstream.mints()), (1, 0));

    // A key the API refuses: every id gets the key's refusal, from memory after the first.
    let (client, upstream) = counting_client(&server, KEY_EXPIRED);
    let url = serve(allow_all(client)).await;
    for id in [ENC, "vid_a", "vid_b", "vid_c"] {
        let (status, _, body) = get(&http, &format!("{url}/{id}"), &[]).await;
        assert_eq!(status, 401);
        assert_refusal(status, &body, "API_KEY_EXPIRED", false);
    }
    assert_eq!(upstream.calls(), 1);
}

#[tokio::test]
async fn c2_remembered_refusals_expire() {
    let server = server::start(None).await;
    let (client, upstream) = counting_client(&server, KEY);
    let endpoint = allow_all(client)
        .remember_refusals_for(Duration::from_millis(50))
        .video_cache(NonZeroUsize::new(16).unwrap());
    let url = serve(endpoint).await;
    let http = browser();
    assert_eq!(get(&http, &format!("{url}/vid_later"), &[]).await.0, 404);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(get(&http, &format!("{url}/vid_later"), &[]).await.0, 404);
    assert_eq!(upstream.lookups(), 2, "an expired refusal is asked again");
}
