//! sdk-native against the reference server, in process on 127.0.0.1:0: every method, every
//! error class, long playback, concurrency, faults, quota and revocation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]
#![allow(unreachable_pub)] // test modules share helpers with `pub`

mod common;
mod faults;
mod keys;
mod playback;
mod videos;
