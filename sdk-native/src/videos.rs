//! Videos and playback tokens.

use futures_core::Stream;
use futures_util::{TryStreamExt, stream};
use sdk_core::endpoint::{
    FetchKey, FetchMasterPlaylist, FetchMediaPlaylist, GetVideo, ListVideos, MintPlaybackToken,
    VideoQuery,
};
use sdk_core::{AesKey, Error, MintedToken, PlaybackToken, Video, VideoId, VideoPage};

use crate::Client;

impl Client {
    /// `GET /v1/video`: one page of the key's user's videos, newest first.
    pub async fn list_videos(&self, query: &VideoQuery) -> Result<VideoPage, Error> {
        self.send(&ListVideos::new(self.api_key()?, query.clone()))
            .await
    }

    /// Every video matching `query`, walking the pages lazily from the query's offset.
    ///
    /// ```no_run
    /// use futures_util::TryStreamExt;
    /// # async fn run(client: sdk_native::Client) -> Result<(), sdk_native::Error> {
    /// let all: Vec<_> = client.videos(Default::default()).try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn videos(
        &self,
        query: VideoQuery,
    ) -> impl Stream<Item = Result<Video, Error>> + Send + 'static {
        let client = self.clone();
        let pages = stream::try_unfold(Some(query), move |next| {
            let client = client.clone();
            async move {
                let Some(query) = next else {
                    return Ok(None);
                };
                let page = client.list_videos(&query).await?;
                let following = page
                    .next_offset()
                    .map(|offset| query.clone().offset(offset));
                Ok::<_, Error>(Some((page.items, following)))
            }
        });
        pages
            .map_ok(|items| stream::iter(items.into_iter().map(Ok::<Video, Error>)))
            .try_flatten()
    }

    /// `GET /v1/video/{videoId}`: one video, by public id or job id.
    pub async fn get_video(&self, id: &str) -> Result<Video, Error> {
        let id = VideoId::new(id)?;
        self.send(&GetVideo::new(self.api_key()?, id)).await
    }

    /// `POST /v1/video/{videoId}/playback-token`: mints a token (spends one of the day's quota).
    /// The result carries the quota state after the mint.
    ///
    /// To play a video for longer than one token lives, use [`Client::playback`], which mints
    /// lazily and shares tokens between callers.
    pub async fn mint_playback_token(&self, id: &str) -> Result<MintedToken, Error> {
        let id = VideoId::new(id)?;
        let minted = self
            .send(&MintPlaybackToken::new(self.api_key()?, id))
            .await?;
        // Proof the quota is back: sessions paused on it resume at once.
        self.inner.tokens.minted_elsewhere();
        Ok(minted)
    }

    /// The multivariant playlist of a video (by job id) with `token`.
    pub async fn master_playlist(
        &self,
        token: &PlaybackToken,
        job_id: &VideoId,
    ) -> Result<String, Error> {
        self.send(&FetchMasterPlaylist::new(token, job_id)).await
    }

    /// One rendition's media playlist with `token`.
    pub async fn media_playlist(
        &self,
        token: &PlaybackToken,
        job_id: &VideoId,
        rendition: &str,
    ) -> Result<String, Error> {
        self.send(&FetchMediaPlaylist::new(token, job_id, rendition))
            .await
    }

    /// The AES-128 content key of an encrypted video with `token`.
    pub async fn fetch_key(
        &self,
        token: &PlaybackToken,
        job_id: &VideoId,
    ) -> Result<AesKey, Error> {
        self.send(&FetchKey::new(token, job_id)).await
    }
}
