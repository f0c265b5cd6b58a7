//! The contract end to end: a real server on 127.0.0.1:0, a real HTTP client, and sdk-core's
//! own endpoint types parsing the answers.

// Helpers are `pub` for the sibling modules of this one test crate.
#![allow(unreachable_pub)]
// Test helpers outside `#[test]` functions fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod binary;
mod common;
mod dev;
mod fixtures;
mod hostile_net;
mod hostile_routes;
mod keys;
mod mint;
mod openapi;
mod openapi_answers;
mod own_media;
mod persistence;
mod playback;
mod startup;
mod testing_helpers;
mod throughput;
mod videos;
