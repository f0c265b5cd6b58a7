//! Native HLS: fetch a video's playlists with fresh tokens, its key through the token route, and
//! its segments, decrypted — to save a playable MPEG-TS file or to verify a stream.

use std::collections::HashMap;
use std::time::Duration;

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeDecrypt, KeyIvInit};
use sdk_core::endpoint::{FetchSegment, master_playlist_url, media_playlist_url};
use sdk_core::hls::{Encryption, parse_master, parse_media, resolve_uri};
use sdk_core::{AesKey, DecodeError, DecodeErrorKind, Error, PlaybackToken};
use tokio::io::{AsyncWrite, AsyncWriteExt};
use zeroize::Zeroizing;

use crate::PlaybackSession;

/// Where a download stands, reported after every segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DownloadProgress {
    /// Segments written so far.
    pub segments_done: usize,
    /// Segments in the rendition.
    pub segments_total: usize,
    /// Bytes written so far (decrypted).
    pub bytes: u64,
}

/// What a finished download wrote.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DownloadSummary {
    /// The rendition downloaded (e.g. `720p`).
    pub rendition: String,
    /// Segments written.
    pub segments: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Total media duration from the playlist.
    pub duration: Duration,
    /// Whether the segments were AES-128 encrypted (and decrypted here).
    pub encrypted: bool,
}

impl PlaybackSession {
    /// The renditions of the video, best first (by bandwidth), from its master playlist.
    pub async fn renditions(&self) -> Result<Vec<String>, Error> {
        let master = parse_master(&self.master_playlist().await?)?;
        let mut variants = master.variants;
        variants.sort_by_key(|v| std::cmp::Reverse(v.bandwidth));
        Ok(variants.into_iter().filter_map(|v| v.rendition).collect())
    }

    /// Downloads one rendition (the best one when `None`) as a single MPEG-TS stream into `out`,
    /// decrypting AES-128 segments with the key fetched through the token route. `progress` is
    /// called after each segment.
    ///
    /// ```no_run
    /// # async fn run(client: sdk_native::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let video = client.get_video("vid_demo_encrypted").await?;
    /// let mut file = tokio::fs::File::create("video.ts").await?;
    /// let summary = client.playback(&video)
    ///     .download(None, &mut file, |p| eprintln!("{}/{}", p.segments_done, p.segments_total))
    ///     .await?;
    /// println!("{} bytes of {}", summary.bytes, summary.rendition);
    /// # Ok(()) }
    /// ```
    pub async fn download<W>(
        &self,
        rendition: Option<&str>,
        out: &mut W,
        mut progress: impl FnMut(&DownloadProgress),
    ) -> Result<DownloadSummary, Error>
    where
        W: AsyncWrite + Unpin,
    {
        let rendition = match rendition {
            Some(name) => name.to_owned(),
            None => self
                .renditions()
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| body_error("the master playlist lists no rendition"))?,
        };
        // Segment URIs are resolved against the playlist's own URL; the token in it is irrelevant
        // to the result, and the URL is never logged.
        let token = self.token().await?.token;
        let base = self.playlist_url(&token, &rendition);
        let media = parse_media(&self.media_playlist(&rendition).await?)?;

        let mut keys: HashMap<String, AesKey> = HashMap::new();
        let total = media.segments.len();
        let mut state = DownloadProgress {
            segments_done: 0,
            segments_total: total,
            bytes: 0,
        };
        let mut encrypted = false;
        let mut duration = 0.0;
        for segment in &media.segments {
            let url = resolve_uri(&base, &segment.uri)?;
            let data = self.client.send(&FetchSegment::new(url)).await?;
            let plain = match &segment.encryption {
                Encryption::Aes128(key) => {
                    encrypted = true;
                    if !keys.contains_key(&key.uri) {
                        // Every key URI of an Ansdev playlist names this video's one key, which
                        // the token route delivers.
                        keys.insert(key.uri.clone(), self.key().await?);
                    }
                    let aes_key = keys
                        .get(&key.uri)
                        .ok_or_else(|| body_error("key missing"))?;
                    decrypt(aes_key, &key.iv, &data).ok_or_else(|| {
                        body_error(&format!(
                            "segment {} did not decrypt: wrong key or corrupted data",
                            segment.sequence
                        ))
                    })?
                }
                _ => data.to_vec(),
            };
            out.write_all(&plain).await.map_err(write_error)?;
            duration += segment.duration;
            state.segments_done += 1;
            state.bytes += plain.len() as u64;
            progress(&state);
        }
        out.flush().await.map_err(write_error)?;
        tracing::debug!(
            segments = total,
            bytes = state.bytes,
            encrypted,
            "download finished"
        );
        Ok(DownloadSummary {
            rendition,
            segments: total,
            bytes: state.bytes,
            duration: Duration::from_secs_f64(duration.max(0.0)),
            encrypted,
        })
    }

    /// The playlist's URL, which holds the token: wiped when dropped.
    fn playlist_url(&self, token: &PlaybackToken, rendition: &str) -> Zeroizing<String> {
        Zeroizing::new(if rendition.is_empty() {
            master_playlist_url(self.client.base_url(), token, self.job_id())
        } else {
            media_playlist_url(self.client.base_url(), token, self.job_id(), rendition)
        })
    }
}

/// AES-128-CBC with PKCS#7 padding, as HLS specifies. `None` when the padding is wrong, which is
/// what a wrong key produces.
fn decrypt(key: &AesKey, iv: &[u8; 16], data: &[u8]) -> Option<Vec<u8>> {
    cbc::Decryptor::<aes::Aes128>::new(key.expose_secret().into(), iv.into())
        .decrypt_padded_vec::<Pkcs7>(data)
        .ok()
}

fn body_error(reason: &str) -> Error {
    Error::Decode(DecodeError {
        status: None,
        kind: DecodeErrorKind::Body(reason.to_owned()),
    })
}

fn write_error(err: std::io::Error) -> Error {
    Error::Transport(
        sdk_core::TransportError::new(
            sdk_core::TransportErrorKind::Other,
            format!("could not write the output: {err}"),
        )
        .with_source(err),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes::cipher::BlockModeEncrypt;

    #[test]
    fn decrypts_what_aes_128_cbc_encrypted_and_refuses_a_wrong_key() {
        let key = AesKey::new([7; 16]);
        let iv = [0u8; 16];
        let plain = b"an MPEG-TS packet would be 188 bytes".to_vec();
        let cipher = cbc::Encryptor::<aes::Aes128>::new(&[7; 16].into(), &iv.into())
            .encrypt_padded_vec::<Pkcs7>(&plain);
        assert_eq!(decrypt(&key, &iv, &cipher).unwrap(), plain);
        // A wrong key almost always breaks the padding; when it does not, the bytes differ.
        let wrong = decrypt(&AesKey::new([8; 16]), &iv, &cipher);
        assert_ne!(wrong.as_deref(), Some(plain.as_slice()));
    }
}
