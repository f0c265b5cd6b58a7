//! Requests are built exactly as the contract says, and bad input fails before anything is sent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sdk_core::endpoint::{
    CreateApiKey, Endpoint, FetchKey, FetchMasterPlaylist, FetchMediaPlaylist, FetchSegment,
    FetchSessionKey, GetVideo, ListApiKeys, ListVideos, MintPlaybackToken, RevokeApiKey, Route,
    VideoQuery,
};
use sdk_core::{
    ApiKey, BaseUrl, BuildError, KeyId, NewApiKey, PlaybackToken, Scope, UserToken, VideoId,
};

fn base() -> BaseUrl {
    BaseUrl::new("http://127.0.0.1:8787").unwrap()
}

fn key() -> ApiKey {
    "ak_test_0123456789abcdef0123456789abcdef".parse().unwrap()
}

#[test]
fn api_key_routes_send_the_key_as_a_sensitive_header() {
    let key = key();
    let id = VideoId::new("vid_1").unwrap();
    let requests = [
        ListVideos::new(&key, VideoQuery::new())
            .to_request(&base())
            .unwrap(),
        GetVideo::new(&key, id.clone()).to_request(&base()).unwrap(),
        MintPlaybackToken::new(&key, id)
            .to_request(&base())
            .unwrap(),
    ];
    for req in &requests {
        let header = &req.headers()["x-ansdev-key"];
        assert_eq!(header, key.expose_secret());
        assert!(header.is_sensitive(), "{}", req.uri());
        // http marks sensitive values so that Debug of the header map hides them.
        assert!(!format!("{:?}", req.headers()).contains(key.expose_secret()));
    }
    assert_eq!(requests[0].uri(), "http://127.0.0.1:8787/v1/video");
    assert_eq!(requests[2].method(), "POST");
    assert_eq!(
        requests[2].uri(),
        "http://127.0.0.1:8787/v1/video/vid_1/playback-token"
    );
    assert_eq!(requests[2].headers()["content-length"], "0");
    assert!(requests[2].body().is_empty());
}

#[test]
fn playback_routes_carry_the_token_in_the_path_only() {
    let token = PlaybackToken::new("eyJh.eyJz.c2ln").unwrap();
    let job = VideoId::new("3f0c8a52-5a1e-4c57-9b8e-2d7f6f0e9a10").unwrap();
    let master = FetchMasterPlaylist::new(&token, &job)
        .to_request(&base())
        .unwrap();
    assert_eq!(
        master.uri(),
        "http://127.0.0.1:8787/v1/video/playback/manifest/eyJh.eyJz.c2ln/3f0c8a52-5a1e-4c57-9b8e-2d7f6f0e9a10/master.m3u8"
    );
    let media = FetchMediaPlaylist::new(&token, &job, "720p")
        .to_request(&base())
        .unwrap();
    assert!(media.uri().path().ends_with("/720p/index.m3u8"));
    let key = FetchKey::new(&token, &job).to_request(&base()).unwrap();
    assert_eq!(
        key.uri().path(),
        "/v1/video/playback/key/eyJh.eyJz.c2ln/3f0c8a52-5a1e-4c57-9b8e-2d7f6f0e9a10"
    );
    assert!(!key.headers().contains_key("x-ansdev-key"));
    assert_eq!(FetchKey::new(&token, &job).route(), Route::Key);

    // A rendition name cannot climb out of its path segment.
    let sneaky = FetchMediaPlaylist::new(&token, &job, "../../keys")
        .to_request(&base())
        .unwrap();
    assert!(sneaky.uri().path().contains("..%2F..%2Fkeys"));
    assert!(
        FetchMediaPlaylist::new(&token, &job, "")
            .to_request(&base())
            .is_err()
    );
    assert!(
        FetchSegment::new("/cdn/x/720p/chunk_0000.ts")
            .to_request(&base())
            .is_err()
    );
}

#[test]
fn key_management_uses_a_sensitive_bearer_token_and_a_json_body() {
    let user = UserToken::new("eyJ.user.sig").unwrap();
    let new = NewApiKey::new("ci", vec![Scope::VideoRead]).unwrap();
    let create = CreateApiKey::new(&user, &new).to_request(&base()).unwrap();
    assert_eq!(create.method(), "POST");
    assert!(create.headers()["authorization"].is_sensitive());
    assert_eq!(create.headers()["content-type"], "application/json");
    let body: serde_json::Value = serde_json::from_slice(create.body()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"name": "ci", "scopes": ["video:read"]})
    );
    assert!(!Route::CreateApiKey.is_idempotent());

    let list = ListApiKeys::new(&user).to_request(&base()).unwrap();
    assert_eq!(list.headers()["authorization"], "Bearer eyJ.user.sig");
    let id = KeyId::new("key_1").unwrap();
    let revoke = RevokeApiKey::new(&user, &id).to_request(&base()).unwrap();
    assert_eq!(revoke.method(), "DELETE");
    assert_eq!(revoke.uri().path(), "/v1/keys/key_1");

    let session = FetchSessionKey::new(&user, &VideoId::new("job").unwrap())
        .to_request(&base())
        .unwrap();
    assert_eq!(session.headers()["cookie"], "ansdev_session=eyJ.user.sig");
    assert!(session.headers()["cookie"].is_sensitive());
}

#[test]
fn client_side_validation_names_the_problem() {
    let err = VideoQuery::new().limit(101).unwrap_err();
    assert_eq!(
        err,
        BuildError::InvalidParameter {
            name: "limit",
            reason: "must be between 1 and 100, got 101".into()
        }
    );
    assert!(VideoId::new("x".repeat(64)).is_ok());
    assert_eq!(
        VideoId::new("x".repeat(65)).unwrap_err().to_string(),
        "invalid video id: must be at most 64 characters"
    );
    assert!(VideoId::new("vid 1").is_err());
    assert!(VideoId::new("..").is_err());
    assert!(KeyId::new("key/1").is_err());
    assert!(NewApiKey::new("n".repeat(65), vec![Scope::VideoRead]).is_err());
    assert!(NewApiKey::new("ok", vec![Scope::Unknown("video:write".into())]).is_err());
}
