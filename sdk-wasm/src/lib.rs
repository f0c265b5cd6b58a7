//! Browser Player SDK for the Ansdev API (wasm-bindgen), built on sdk-core.

pub use sdk_core as core;
