use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeDecrypt, KeyIvInit};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sdk_core::endpoint::{
    Endpoint, FetchKey, FetchMasterPlaylist, FetchMediaPlaylist, FetchSegment, FetchSessionKey,
    key_url,
};
use sdk_core::{ErrorCode, PlaybackToken, UserToken, VideoId};
use serde_json::json;

use crate::common::*;

fn media_file(rendition: &str, n: usize) -> Vec<u8> {
    let dir = if rendition == "720p" { "hi" } else { "lo" };
    std::fs::read(format!(
        "{}/media/{dir}/chunk_{n:04}.ts",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn decrypt(key: &[u8; 16], sequence: u64, data: &[u8]) -> Vec<u8> {
    let iv = u128::from(sequence).to_be_bytes();
    cbc::Decryptor::<aes::Aes128>::new(key.into(), &iv.into())
        .decrypt_padded_vec::<Pkcs7>(data)
        .unwrap()
}

fn pt(token: &str) -> PlaybackToken {
    PlaybackToken::new(token).unwrap()
}

fn vid(id: &str) -> VideoId {
    VideoId::new(id).unwrap()
}

#[tokio::test]
async fn master_and_media_playlists_of_an_encrypted_video() {
    let h = start().await;
    let token = h.token(ENC).await;
    let req = FetchMasterPlaylist::new(&pt(&token), &vid(ENC_JOB))
        .to_request(&h.base_url())
        .unwrap();
    let r = h.send(req).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/vnd.apple.mpegurl");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let master = String::from_utf8(r.body().to_vec()).unwrap();
    assert!(
        master.starts_with("#EXTM3U\n#EXT-X-VERSION:3\n"),
        "{master}"
    );
    assert_eq!(master.matches("#EXT-X-STREAM-INF:").count(), 2);
    assert!(master.contains("\n720p/index.m3u8\n") && master.contains("\n480p/index.m3u8\n"));

    for rendition in ["720p", "480p"] {
        let media = h
            .call(&FetchMediaPlaylist::new(
                &pt(&token),
                &vid(ENC_JOB),
                rendition,
            ))
            .await
            .unwrap();
        for line in [
            "#EXT-X-VERSION:3",
            "#EXT-X-TARGETDURATION:6",
            "#EXT-X-MEDIA-SEQUENCE:0",
            "#EXT-X-PLAYLIST-TYPE:VOD",
            &format!("#EXT-X-KEY:METHOD=AES-128,URI=\"/video/key/{ENC_JOB}\""),
            &format!("{}/cdn/{ENC_JOB}/{rendition}/chunk_0000.ts", h.base),
            &format!("{}/cdn/{ENC_JOB}/{rendition}/chunk_0006.ts", h.base),
        ] {
            assert!(
                media.lines().any(|l| l == line),
                "{line} missing in\n{media}"
            );
        }
        assert_eq!(media.matches("#EXTINF:6.000,").count(), 7);
        assert!(media.ends_with("#EXT-X-ENDLIST\n"));
    }
    // A rendition the video does not have.
    let r = h
        .get(
            &format!("/v1/video/playback/manifest/{token}/{ENC_JOB}/1080p/index.m3u8"),
            None,
        )
        .await;
    assert_ansdev_error(&r, ErrorCode::NotFound, None);
}

#[tokio::test]
async fn plain_videos_have_no_key_and_clear_segments() {
    let h = start().await;
    let token = h.token(PLAIN).await;
    let media = h
        .call(&FetchMediaPlaylist::new(
            &pt(&token),
            &vid(PLAIN_JOB),
            "480p",
        ))
        .await
        .unwrap();
    assert!(!media.contains("EXT-X-KEY"));
    let r = h
        .get(&format!("/v1/video/playback/key/{token}/{PLAIN_JOB}"), None)
        .await;
    assert_ansdev_error(&r, ErrorCode::NoKey, None);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let url = format!("{}/cdn/{PLAIN_JOB}/480p/chunk_0002.ts", h.base);
    let segment = h.call(&FetchSegment::new(url)).await.unwrap();
    assert_eq!(segment.as_ref(), media_file("480p", 2).as_slice());
}

#[tokio::test]
async fn the_key_route_delivers_the_key_that_decrypts_the_cdn_segments() {
    let h = start().await;
    let token = h.token(ENC).await;
    let req = FetchKey::new(&pt(&token), &vid(ENC_JOB))
        .to_request(&h.base_url())
        .unwrap();
    let r = h.send(req).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/octet-stream");
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.body().len(), 16);
    let key: [u8; 16] = r.body().as_ref().try_into().unwrap();

    for (rendition, n) in [("720p", 0), ("720p", 6), ("480p", 3)] {
        let r = h
            .get(&format!("/cdn/{ENC_JOB}/{rendition}/chunk_{n:04}.ts"), None)
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "video/mp2t");
        assert_eq!(
            r.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let plain = media_file(rendition, n);
        assert_ne!(
            r.body().as_ref(),
            plain.as_slice(),
            "segments are encrypted"
        );
        assert_eq!(decrypt(&key, n as u64, r.body()), plain);
    }

    // The cookie route gives the owner the same key, and nobody else.
    let session = UserToken::new(h.user_token(USER).await).unwrap();
    let same = h
        .call(&FetchSessionKey::new(&session, &vid(ENC_JOB)))
        .await
        .unwrap();
    assert_eq!(same.expose_secret(), &key);
    let stranger = UserToken::new(h.user_token(OTHER_USER).await).unwrap();
    let req = FetchSessionKey::new(&stranger, &vid(ENC_JOB))
        .to_request(&h.base_url())
        .unwrap();
    let r = h.send(req).await;
    assert_ansdev_error(&r, ErrorCode::Unauthorized, None);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let r = h.get(&format!("/video/key/{ENC_JOB}"), None).await;
    assert_ansdev_error(&r, ErrorCode::Unauthorized, None);
    let r = h
        .http
        .get(h.url(&format!("/video/key/{ENC_JOB}")))
        .header("cookie", "theme=dark; ansdev_session=not-a-jwt")
        .send()
        .await
        .unwrap();
    assert_ansdev_error(&into_http(r).await, ErrorCode::Unauthorized, None);
    // A plain video has no key on the cookie route either.
    let r = h
        .http
        .get(h.url(&format!("/video/key/{PLAIN_JOB}")))
        .header(
            "cookie",
            format!("ansdev_session={}", session.expose_secret()),
        )
        .send()
        .await
        .unwrap();
    assert_ansdev_error(&into_http(r).await, ErrorCode::NoKey, None);
}

#[tokio::test]
async fn segment_errors() {
    let h = start().await;
    // A CDN knows objects, not videos: an unknown video is one more missing object.
    for path in [
        "/cdn/no-such-job/720p/chunk_0000.ts".to_owned(),
        format!("/cdn/{ENC_JOB}/1080p/chunk_0000.ts"),
        format!("/cdn/{ENC_JOB}/720p/chunk_0007.ts"),
        format!("/cdn/{ENC_JOB}/720p/chunk_7.ts"),
        format!("/cdn/{ENC_JOB}/720p/index.m3u8"),
    ] {
        assert_ansdev_error(&h.get(&path, None).await, ErrorCode::NotFound, None);
    }
}

fn alg_none_token(job: &str) -> String {
    use base64_like::encode;
    let header = encode(br#"{"alg":"none","typ":"JWT"}"#);
    let exp = 4_000_000_000u64;
    let payload = encode(
        format!(r#"{{"iss":"ansdev","aud":"playback","sub":"{job}","vid":"x","kid":"k","iat":0,"exp":{exp},"jti":"j"}}"#)
            .as_bytes(),
    );
    format!("{header}.{payload}.")
}

/// Minimal base64url without padding (the tests avoid another dependency for it).
mod base64_like {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    pub fn encode(data: &[u8]) -> String {
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..=chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }
}

#[tokio::test]
async fn token_errors_in_order_on_every_gated_route() {
    let h = start().await;
    let state = h.server.state();
    let now = state.server_clock().unix();
    let claims = |aud: &str, sub: &str, exp: i64| {
        json!({"iss": "ansdev", "aud": aud, "sub": sub, "vid": ENC, "kid": "key_main",
               "iat": now, "exp": exp, "jti": "t"})
    };
    let good = h.token(ENC).await;
    let mut tampered = good.clone().into_bytes();
    let mid = good.find('.').unwrap() + 5;
    tampered[mid] = if tampered[mid] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let hs384 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS384),
        &claims("playback", ENC_JOB, now + 300),
        &EncodingKey::from_secret(b"some other secret"),
    )
    .unwrap();
    let wrong_aud = state
        .sign_playback_claims(&claims("dashboard", ENC_JOB, now + 300))
        .unwrap();
    let wrong_aud_and_expired = state
        .sign_playback_claims(&claims("dashboard", ENC_JOB, now - 1))
        .unwrap();
    let expired_for_other_video = state
        .sign_playback_claims(&claims("playback", PLAIN_JOB, now - 1))
        .unwrap();
    let user_jwt = h.user_token(USER).await;
    let for_plain = h.token(PLAIN).await;

    let cases = [
        (tampered, ErrorCode::PlaybackTokenInvalid),
        (alg_none_token(ENC_JOB), ErrorCode::PlaybackTokenInvalid),
        (hs384, ErrorCode::PlaybackTokenInvalid),
        (wrong_aud, ErrorCode::PlaybackTokenInvalid),
        (wrong_aud_and_expired, ErrorCode::PlaybackTokenInvalid),
        (user_jwt, ErrorCode::PlaybackTokenInvalid),
        ("not-a-jwt".to_owned(), ErrorCode::PlaybackTokenInvalid),
        (expired_for_other_video, ErrorCode::PlaybackTokenExpired),
        (for_plain, ErrorCode::PlaybackTokenMismatch),
    ];
    for (token, code) in &cases {
        for path in [
            format!("/v1/video/playback/key/{token}/{ENC_JOB}"),
            format!("/v1/video/playback/manifest/{token}/{ENC_JOB}/master.m3u8"),
            format!("/v1/video/playback/manifest/{token}/{ENC_JOB}/720p/index.m3u8"),
        ] {
            let r = h.get(&path, None).await;
            assert_ansdev_error(&r, code.clone(), None);
            assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
        }
    }
    // A valid token expires with the server clock.
    h.advance(301).await;
    let r = h
        .get(&format!("/v1/video/playback/key/{good}/{ENC_JOB}"), None)
        .await;
    assert_ansdev_error(&r, ErrorCode::PlaybackTokenExpired, None);
}

/// A real HLS client (ffmpeg) decrypts an encrypted rendition with the key from the JWT key
/// route, once the playlist's key URI is pointed at it (as the Player SDK does).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ffmpeg_decrypts_an_encrypted_rendition_into_a_valid_mp4() {
    if std::process::Command::new("ffmpeg")
        .arg("-version")
        .output()
        .is_err()
    {
        eprintln!(
            "SKIPPED: ffmpeg is not installed (apt-get install -y --no-install-recommends ffmpeg)"
        );
        return;
    }
    let h = start().await;
    let token = h.token(ENC).await;
    let media = h
        .call(&FetchMediaPlaylist::new(&pt(&token), &vid(ENC_JOB), "720p"))
        .await
        .unwrap();
    let jwt_key_url = key_url(&h.base_url(), &pt(&token), &vid(ENC_JOB));
    let rewritten = media.replace(&format!("/video/key/{ENC_JOB}"), &jwt_key_url);
    let dir = tempfile::tempdir().unwrap();
    let playlist = dir.path().join("index.m3u8");
    std::fs::write(&playlist, rewritten).unwrap();
    let out = dir.path().join("out.mp4");
    let (status, probe) = tokio::task::spawn_blocking(move || {
        let status = std::process::Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error", "-y"])
            .args(["-allowed_extensions", "ALL"])
            .args(["-protocol_whitelist", "file,http,tcp,crypto"])
            .arg("-i")
            .arg(&playlist)
            .args(["-c", "copy"])
            .arg(&out)
            .status()
            .unwrap();
        let probe = std::process::Command::new("ffprobe")
            .args([
                "-v",
                "error",
                "-show_entries",
                "format=duration:stream=codec_name",
            ])
            .args(["-of", "default=noprint_wrappers=1"])
            .arg(&out)
            .output()
            .unwrap();
        (status, probe)
    })
    .await
    .unwrap();
    assert!(status.success());
    let text = String::from_utf8_lossy(&probe.stdout);
    assert!(probe.status.success(), "{text}");
    assert!(
        text.contains("codec_name=h264") && text.contains("codec_name=aac"),
        "{text}"
    );
    let duration: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("duration="))
        .unwrap()
        .parse()
        .unwrap();
    assert!(duration > 40.0, "{text}");
}

#[tokio::test]
async fn the_player_url_serves_a_page_until_the_token_expires() {
    let h = start().await;
    let minted = h.mint(KEY, ENC).await.unwrap();
    let url = minted.player_url.unwrap().to_string();
    let token = minted.token.expose_secret().to_owned();
    let r = into_http(h.http.get(&url).send().await.unwrap()).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/html; charset=utf-8");
    assert_eq!(r.headers()["cache-control"], "no-store");
    let html = String::from_utf8(r.body().to_vec()).unwrap();
    assert!(html.contains("data-state=\"ready\""), "{html}");
    let master = format!(
        "{}/v1/video/playback/manifest/{token}/{ENC_JOB}/master.m3u8",
        h.base
    );
    assert!(
        html.contains(&format!("data-master-url=\"{master}\"")),
        "{html}"
    );
    // The page's URLs work with the page's token.
    assert_eq!(
        into_http(h.http.get(&master).send().await.unwrap())
            .await
            .status(),
        200
    );

    h.advance(301).await;
    let r = into_http(h.http.get(&url).send().await.unwrap()).await;
    assert_eq!(r.status(), 401);
    let html = String::from_utf8(r.body().to_vec()).unwrap();
    assert!(
        html.contains("data-state=\"PLAYBACK_TOKEN_EXPIRED\""),
        "{html}"
    );

    let r = h.get(&format!("/player/{ENC}?token=<script>"), None).await;
    assert_eq!(r.status(), 401);
    assert!(!String::from_utf8_lossy(r.body()).contains("<script>"));
    // The token decides before the video is looked up: no good token, no existence answer.
    let r = h.get("/player/vid_nope?token=x", None).await;
    assert_eq!(r.status(), 401);
    let fresh = h.token(ENC).await;
    let r = h.get(&format!("/player/{PLAIN}?token={fresh}"), None).await;
    assert_eq!(r.status(), 403);
    assert!(String::from_utf8_lossy(r.body()).contains("PLAYBACK_TOKEN_MISMATCH"));
}
