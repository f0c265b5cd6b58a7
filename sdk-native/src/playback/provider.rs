//! Where playback tokens come from: the API's mint route, or the application's own backend.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use sdk_core::endpoint::{Endpoint, MintPlaybackToken};
use sdk_core::{Error, MintedToken, VideoId};

use crate::connection::{Connection, wipe_body};
use crate::transport::BoxFuture;

/// Supplies playback tokens for a video, e.g. by calling the application's own backend, so that
/// no API key is needed where the player runs.
pub trait TokenProvider: Send + Sync + 'static {
    /// A fresh token for `video` and its lifetime.
    fn mint(&self, video: &VideoId) -> BoxFuture<'_, Result<MintedToken, Error>>;
}

/// A [`TokenProvider`] made of an async closure.
///
/// ```
/// use std::time::Duration;
/// use sdk_native::{MintedToken, PlaybackToken, playback::FnTokenProvider};
///
/// let provider = FnTokenProvider::new(|video| async move {
///     // Ask the application's backend for a token for `video` here.
///     let _ = video;
///     Ok(MintedToken::new(PlaybackToken::new("eyJ.e30.sig")?, Duration::from_secs(300)))
/// });
/// # let _ = provider;
/// ```
pub struct FnTokenProvider<F>(F);

impl<F, Fut> FnTokenProvider<F>
where
    F: Fn(VideoId) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<MintedToken, Error>> + Send + 'static,
{
    /// Wraps `f`, called once per mint.
    pub fn new(f: F) -> Self {
        Self(f)
    }
}

impl<F> fmt::Debug for FnTokenProvider<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnTokenProvider")
    }
}

impl<F, Fut> TokenProvider for FnTokenProvider<F>
where
    F: Fn(VideoId) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<MintedToken, Error>> + Send + 'static,
{
    fn mint(&self, video: &VideoId) -> BoxFuture<'_, Result<MintedToken, Error>> {
        Box::pin((self.0)(video.clone()))
    }
}

/// Mints through the API with the client's connection: one attempt per call, since the token
/// manager owns the retry schedule for mints.
pub(crate) struct ApiMint(pub(crate) Arc<Connection>);

impl TokenProvider for ApiMint {
    fn mint(&self, video: &VideoId) -> BoxFuture<'_, Result<MintedToken, Error>> {
        let video = video.clone();
        Box::pin(async move {
            let connection = &self.0;
            let endpoint = MintPlaybackToken::new(connection.api_key()?, video);
            let request = endpoint.to_request(&connection.base)?;
            let response = connection.exchange(request).await?;
            let minted = endpoint.parse_response(&response);
            wipe_body(endpoint.route(), response);
            minted
        })
    }
}

pub(crate) type SharedProvider = Arc<dyn TokenProvider>;
