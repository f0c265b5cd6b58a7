//! # sdk-wasm — the browser Player SDK
//!
//! The wasm-bindgen front end of the Ansdev SDK: sdk-core's token manager, playback-URL and
//! playlist rewriting, driven on the JavaScript event loop, with the global `fetch`, timers and
//! `performance.now()` (so it runs in pages, workers and Node alike). It is shipped as the npm
//! package `@ansdev/player` (see `README.md` next to this crate), whose hand-written
//! `js/hls.js` plugs it into hls.js.
//!
//! - [`AnsdevPlayer`]: one video's playback, with tokens from the application's own backend
//!   (`tokenProvider`, the recommended mode) or from an [`AnsdevClient`].
//! - `AnsdevClient` (feature `client`, on by default): API-key mode; the key is held in wasm
//!   memory only and zeroized by `free()`. Without the feature the wasm carries no HTTP client
//!   and no JSON decoder: it is what the package's token-provider entry ships.
//!
//! Every error crossing to JavaScript is an `Error` named `AnsdevError` with `code`, `status`
//! and `retryable`, branded so that the package's exported `AnsdevError` class recognises it
//! (`instanceof`); a token provider's own failure rides along as `cause`. None contains a key
//! or a token. The package's entries (`js/index.js`, `js/client.js`) add what the glue lacks:
//! `NOT_INITIALIZED` before `init()`, `PLAYER_FREED` after `free()`, and `on()`'s unsubscribe
//! (`js/lifecycle.js`).
//!
//! On other targets this crate only re-exports sdk-core, so the workspace builds everywhere.

pub use sdk_core as core;

// Talc instead of the standard library's dlmalloc: the same job in a fraction of the wasm
// (the package is single-threaded; wasm builds with atomics keep the default).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(all(target_family = "wasm", feature = "client"))]
mod client;
#[cfg(target_family = "wasm")]
mod events;
#[cfg(target_family = "wasm")]
mod js_error;
#[cfg(target_family = "wasm")]
mod options;
#[cfg(target_family = "wasm")]
mod platform;
#[cfg(target_family = "wasm")]
mod player;
#[cfg(target_family = "wasm")]
mod tokens;
#[cfg(all(target_family = "wasm", feature = "client"))]
mod transport;

#[cfg(all(target_family = "wasm", feature = "client"))]
pub use client::AnsdevClient;
#[cfg(target_family = "wasm")]
pub use player::AnsdevPlayer;
