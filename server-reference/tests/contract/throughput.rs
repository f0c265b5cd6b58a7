//! A quick throughput figure for the mint route, measured next to a trivial axum handler in the
//! same process and run. Ignored by default (it measures, it does not check the contract):
//! `cargo test -p server-reference --test contract throughput -- --ignored --nocapture`.

use std::time::{Duration, Instant};

use axum::routing::post;

use crate::common::*;

const REQUESTS: usize = 4000;
const CONCURRENCY: usize = 32;

async fn hammer(http: &reqwest::Client, url: &str, key: &str) -> (Duration, usize) {
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..CONCURRENCY {
        let http = http.clone();
        let url = url.to_owned();
        let key = key.to_owned();
        tasks.spawn(async move {
            let mut ok = 0;
            for _ in (worker..REQUESTS).step_by(CONCURRENCY) {
                let r = http
                    .post(&url)
                    .header("x-ansdev-key", &key)
                    .header("content-length", "0")
                    .send()
                    .await
                    .unwrap();
                ok += usize::from(r.status() == 200);
                r.bytes().await.unwrap();
            }
            ok
        });
    }
    let mut ok = 0;
    while let Some(n) = tasks.join_next().await {
        ok += n.unwrap();
    }
    (started.elapsed(), ok)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, run on demand"]
async fn mint_throughput_next_to_a_trivial_handler() {
    let h = start().await;
    let trivial = axum::Router::new().route("/", post(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let trivial_url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, trivial).await });

    let mint_url = h.url(&format!("/v1/video/{ENC}/playback-token"));
    // Warm both up (connection pools, page cache).
    hammer(&h.http, &trivial_url, KEY_HUGE).await;
    hammer(&h.http, &mint_url, KEY_HUGE).await;
    let (t_trivial, ok_trivial) = hammer(&h.http, &trivial_url, KEY_HUGE).await;
    let (t_mint, ok_mint) = hammer(&h.http, &mint_url, KEY_HUGE).await;
    assert_eq!((ok_trivial, ok_mint), (REQUESTS, REQUESTS));
    let rate = |t: Duration| REQUESTS as f64 / t.as_secs_f64();
    println!(
        "{REQUESTS} requests, {CONCURRENCY} concurrent: trivial handler {:.0} req/s, mint {:.0} req/s ({:.0}% of trivial)",
        rate(t_trivial),
        rate(t_mint),
        100.0 * rate(t_mint) / rate(t_trivial)
    );
}
