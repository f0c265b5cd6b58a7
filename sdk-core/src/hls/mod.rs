//! HLS playlists: typed parsing, key-URI rewriting for the browser player, playback-URL token
//! replacement and URI resolution.
//!
//! Playlists are parsed with m3u8-rs and exposed as this crate's own small types. On top of
//! what m3u8-rs reports, each segment gets the `#EXT-X-KEY` in force for it and its IV, and
//! input m3u8-rs would accept by quietly dropping a part (an unreadable line, a trailing
//! `#EXTINF`, a key tag it cannot build) is refused with a typed [`HlsError`].
//!
//! The browser player works in three steps:
//! 1. [`rewrite_key_uris`] makes every AES-128 key URI of a media playlist the stable
//!    [`stable_key_uri`], which hls.js caches keys by;
//! 2. when hls.js loads that key, [`key_delivery_url`] maps it to the key route with the
//!    current token;
//! 3. every playlist or key URL hls.js requests is recognised by [`PlaybackUrl::parse`] and
//!    sent with [`PlaybackUrl::with_token`], so it always carries the current token — only a
//!    URL on the configured API's origin, under its path prefix, is recognised: a token never
//!    goes anywhere else.

mod attributes;
mod cache_key;
mod encryption;
mod error;
mod input;
mod key_line;
mod key_uri;
mod master;
mod master_uris;
mod media;
mod playback_url;
mod resolve;
mod rewrite;
mod under_base;

pub use cache_key::cache_key;
pub use encryption::{Aes128Key, Encryption, IvSource};
pub use error::{HlsError, Location};
pub use key_uri::{STABLE_KEY_SCHEME, key_delivery_url, parse_stable_key_uri, stable_key_uri};
pub use master::{MasterPlaylist, Resolution, Variant, parse_master};
pub use master_uris::media_playlist_uris;
pub use media::{MediaPlaylist, Segment, parse_media};
pub use playback_url::{PlaybackUrl, PlaybackUrlKind};
pub use resolve::resolve_uri;
pub use rewrite::{rewrite_key_lines, rewrite_key_uris};
