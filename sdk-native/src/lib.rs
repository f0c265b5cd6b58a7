//! Async Rust client for the Ansdev API, built on sdk-core.

pub use sdk_core as core;
