//! Every endpoint's `parse_response` over an arbitrary status, headers and body (both
//! envelopes, non-JSON answers), and the `X-RateLimit-*` / `Date` headers on their own.
//!
//! Invariants: never panics; a non-2xx status is never a success; an error keeps the HTTP status
//! it arrived with; a decode error of a 2xx answer on a route whose answer holds a secret (a
//! minted token, a new API key, an AES key) never repeats a secret-like word of the body;
//! a rate limit never reports more remaining than its limit.
#![no_main]

use ansdev_fuzz::echoed_secret;
use bytes::Bytes;
use http::{HeaderName, HeaderValue, Response, StatusCode};
use libfuzzer_sys::fuzz_target;
use sdk_core::endpoint::{
    CreateApiKey, Endpoint, FetchKey, FetchMasterPlaylist, FetchMediaPlaylist, FetchSegment,
    FetchSessionKey, GetVideo, ListApiKeys, ListVideos, MintPlaybackToken, RevokeApiKey,
    VideoQuery,
};
use sdk_core::{
    ApiKey, Error, KeyId, NewApiKey, PlaybackToken, RateLimit, Scope, UserToken, VideoId,
};

/// The headers a response of the API can carry that the core reads.
const HEADER_NAMES: [&str; 7] = [
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "date",
    "content-type",
    "content-length",
    "retry-after",
];

/// The input's layout, plain enough to write seeds by hand (see `scripts/fuzz.sh`): the
/// endpoint (1 byte), the status (2 bytes, big-endian), the header count (1 byte), then per
/// header its name index (1 byte), value length (1 byte) and value; the rest is the body. A
/// name index with the top bit set stands for a well-formed `Date` built from the value bytes.
fn response(data: &[u8]) -> Option<(u8, Response<Bytes>)> {
    let (&endpoint, rest) = data.split_first()?;
    let (status, rest) = rest.split_at_checked(2)?;
    let status = StatusCode::from_u16(u16::from_be_bytes([status[0], status[1]])).ok()?;
    let (&count, mut rest) = rest.split_first()?;
    let mut builder = Response::builder().status(status);
    for _ in 0..count {
        let (&name, after) = rest.split_first()?;
        let (&len, after) = after.split_first()?;
        let (value, after) = after.split_at_checked(usize::from(len))?;
        rest = after;
        let header =
            HeaderName::from_static(HEADER_NAMES[usize::from(name & 0x7f) % HEADER_NAMES.len()]);
        let value = if name & 0x80 != 0 {
            let secs = value
                .iter()
                .fold(0u64, |n, b| n.wrapping_mul(256) | u64::from(*b))
                % (1 << 36);
            let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
            builder = builder.header(
                http::header::DATE,
                HeaderValue::from_str(&httpdate::fmt_http_date(at)).ok()?,
            );
            continue;
        } else {
            HeaderValue::from_bytes(value).ok()
        };
        if let Some(value) = value {
            builder = builder.header(header, value);
        }
    }
    Some((endpoint, builder.body(Bytes::copy_from_slice(rest)).ok()?))
}

fuzz_target!(|data: &[u8]| {
    let Some((endpoint, response)) = response(data) else {
        return;
    };

    if let Some(limit) = RateLimit::from_headers(response.headers()) {
        assert!(limit.remaining <= limit.limit, "{limit:?}");
        let _ = limit.time_until_reset(Some(0));
        let _ = limit.reset_at_utc();
    }

    let v = Values::get();
    let result = match endpoint % 11 {
        0 => check(&ListVideos::new(&v.api_key, VideoQuery::new()), &response),
        1 => check(&GetVideo::new(&v.api_key, v.video.clone()), &response),
        2 => check(
            &MintPlaybackToken::new(&v.api_key, v.video.clone()),
            &response,
        ),
        3 => check(&FetchMasterPlaylist::new(&v.token, &v.video), &response),
        4 => check(
            &FetchMediaPlaylist::new(&v.token, &v.video, "720p"),
            &response,
        ),
        5 => check(&FetchKey::new(&v.token, &v.video), &response),
        6 => check(&FetchSessionKey::new(&v.user, &v.video), &response),
        7 => check(&FetchSegment::new("https://cdn.example/s.ts"), &response),
        8 => check(&CreateApiKey::new(&v.user, &v.new_key), &response),
        9 => check(&ListApiKeys::new(&v.user), &response),
        _ => check(&RevokeApiKey::new(&v.user, &v.key_id), &response),
    };
    let _ = result;
});

fn check<E: Endpoint>(endpoint: &E, response: &Response<Bytes>) {
    let status = response.status();
    let Err(error) = endpoint.parse_response(response) else {
        assert!(
            status.is_success(),
            "a {status} answer decoded as a success"
        );
        return;
    };
    // Every accessor and both renderings work on every error.
    let (text, debug) = (error.to_string(), format!("{error:?}"));
    let _ = (
        error.code(),
        error.is_retryable(),
        error.remedy(),
        error.rate_limit(),
    );
    match &error {
        Error::Api(_) | Error::Decode(_) if !status.is_success() => {
            assert_eq!(error.status(), Some(status), "{text}");
        }
        _ => {}
    }
    if let Error::Decode(_) = error {
        if status.is_success() && endpoint.route().response_holds_secret() {
            for rendering in [&text, &debug] {
                if let Some(word) = echoed_secret(response.body(), rendering) {
                    panic!(
                        "a decode error of {:?} repeats {word:?}: {rendering}",
                        endpoint.route()
                    );
                }
            }
        }
    }
}

/// Valid values to build the endpoints with; their own validation is the `ids` target's.
struct Values {
    api_key: ApiKey,
    video: VideoId,
    token: PlaybackToken,
    user: UserToken,
    key_id: KeyId,
    new_key: NewApiKey,
}

impl Values {
    fn get() -> &'static Values {
        static VALUES: std::sync::OnceLock<Values> = std::sync::OnceLock::new();
        VALUES.get_or_init(|| Values {
            api_key: ApiKey::new("ak_live_0123456789abcdef0123456789abcdef").unwrap(),
            video: VideoId::new("vid_8f3a2c").unwrap(),
            token: PlaybackToken::new("eyJhbGciOiJIUzI1NiJ9.e30.sig").unwrap(),
            user: UserToken::new("eyJhbGciOiJSUzI1NiJ9.e30.sig").unwrap(),
            key_id: KeyId::new("key_01").unwrap(),
            new_key: NewApiKey::new("fuzz", vec![Scope::VideoRead]).unwrap(),
        })
    }
}
