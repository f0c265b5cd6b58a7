//! Runnable examples of the Ansdev SDK.

pub use sdk_core as core;
