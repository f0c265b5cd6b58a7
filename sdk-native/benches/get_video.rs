//! The SDK's overhead on `get_video` against a raw reqwest call to the same reference server,
//! measured side by side in one run: `cargo bench -p sdk-native --bench get_video`.
//!
//! Both sides do the same network work, each on its own warm loopback connection pool (the SDK
//! builds its reqwest client itself, to apply its redirect policy); the SDK adds request
//! building, header marking, the retry loop, the size-capped body read, envelope parsing and the
//! typed `Video`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use sdk_native::Client;

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime
        .block_on(server_reference::serve(
            server_reference::Config::for_tests(),
        ))
        .unwrap();
    let base = server.base_url();
    let key = server.demo_api_key().unwrap().to_owned();
    let http = reqwest::Client::new();
    let client = Client::builder()
        .api_key(&key)
        .base_url(&base)
        .http_client(reqwest::Client::builder())
        .build()
        .unwrap();
    let url = format!("{base}/v1/video/vid_demo_encrypted");

    let mut group = c.benchmark_group("get_video");
    group.bench_function("raw reqwest (bytes)", |b| {
        b.to_async(&runtime).iter(|| async {
            let res = http
                .get(&url)
                .header("x-ansdev-key", &key)
                .send()
                .await
                .unwrap();
            assert!(res.status().is_success());
            res.bytes().await.unwrap()
        });
    });
    group.bench_function("raw reqwest (serde_json::Value)", |b| {
        b.to_async(&runtime).iter(|| async {
            let res = http
                .get(&url)
                .header("x-ansdev-key", &key)
                .send()
                .await
                .unwrap();
            res.json::<serde_json::Value>().await.unwrap()
        });
    });
    group.bench_function("sdk-native Client::get_video", |b| {
        b.to_async(&runtime)
            .iter(|| async { client.get_video("vid_demo_encrypted").await.unwrap() });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
