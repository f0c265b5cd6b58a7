//! The API's objects.

mod ids;
mod keys;
mod video;
pub(crate) mod wire_enum;

pub use ids::{KeyId, VideoId};
pub use keys::{ApiKeyInfo, ApiKeyList, CreatedApiKey, NewApiKey, Scope};
pub use video::{MintedToken, Quality, Video, VideoPage, VideoStatus};
