//! Fault suites for the native front end: `PlaybackSession` and `download()` keep playing while
//! the network and the server misbehave (503 bursts, reset connections, a clock jump, a token
//! provider outage, a long sleep), and load: many sessions at once against one server, every one
//! playing through, the quota exact under concurrency.
//!
//! Everything is asserted through behaviour: what the caller gets, the bytes it decrypts, and
//! the server's request journal (mints and key fetches counted exactly). Against the in-process
//! server the tests run in real time with 2-second tokens (three lifetimes in ~7 s); the provider
//! outage and the long sleep need no server and run in paused tokio time.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]
#![allow(unreachable_pub)] // test modules share helpers with `pub`

// The server suite's seeded server (keys with and without a small quota, an encrypted video);
// not every helper of it is used here.
#[allow(dead_code)]
#[path = "../server/common.rs"]
mod common;

mod clock;
mod load;
mod network;
mod outage;
mod player;
