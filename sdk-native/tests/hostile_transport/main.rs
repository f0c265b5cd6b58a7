//! The default transport against hostile servers on 127.0.0.1: redirects that would carry a
//! secret to another origin, bodies that would exhaust memory, and quota resets that would pause
//! the client for years.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod limits;
mod raw_server;
mod redirects;

use std::time::Duration;

use sdk_native::Client;

const KEY: &str = "ak_test_0123456789abcdef0123456789abcdef";
const JOB_ID: &str = "3f0c8a52-5a1e-4c57-9b8e-2d7f6f0e9a10";

/// A client of the API at `base` with the default transport and a generous timeout.
fn client(base: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(base)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}
