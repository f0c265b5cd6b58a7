//! The axum token endpoint against the reference server, in process on 127.0.0.1:0: browser
//! players get tokens, never the key; nothing is served without the app's decision; ids,
//! refusals and clients are remembered in bounded memory so that no client can drain the quota.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]
#![allow(unreachable_pub)] // test modules share helpers with `pub`

#[path = "../server/common.rs"]
#[allow(dead_code)] // this binary uses only part of the shared server helpers
mod server;

mod authorize;
mod quota;
mod shape;
mod support;
