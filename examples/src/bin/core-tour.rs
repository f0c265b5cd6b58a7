//! A tour of sdk-core with no network: the requests the SDK builds for every route of the
//! contract, and the error catalog with what each code asks of the caller.
//!
//! Run: `cargo run -p examples --bin core-tour`

#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line program prints

use std::process::ExitCode;

use sdk_core::endpoint::{
    CreateApiKey, Endpoint, FetchKey, FetchMasterPlaylist, FetchMediaPlaylist, GetVideo,
    ListApiKeys, ListVideos, MintPlaybackToken, RevokeApiKey, VideoQuery,
};
use sdk_core::{
    ApiKey, BaseUrl, ErrorCode, KeyId, NewApiKey, PlaybackToken, Scope, UserToken, VideoId,
};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let base = BaseUrl::new(
        std::env::var("ANSDEV_BASE_URL").unwrap_or_else(|_| BaseUrl::PRODUCTION.into()),
    )?;
    // A syntactically valid example key: it never leaves this process.
    let key: ApiKey = "ak_test_00000000000000000000000000000000".parse()?;
    let token = PlaybackToken::new("header.payload.signature")?;
    let user = UserToken::new("user.jwt.signature")?;
    let video = VideoId::new("vid_demo_encrypted")?;
    let new_key = NewApiKey::new("ci", vec![Scope::VideoRead])?;
    let key_id = KeyId::new("key_01hx7c1b9z")?;

    println!("API key {key:?} (Debug shows only the public prefix)\n");
    println!("Requests built by sdk-core against {}:", base.as_str());
    let requests = [
        ListVideos::new(&key, VideoQuery::new().limit(50)?).to_request(&base)?,
        GetVideo::new(&key, video.clone()).to_request(&base)?,
        MintPlaybackToken::new(&key, video.clone()).to_request(&base)?,
        FetchMasterPlaylist::new(&token, &video).to_request(&base)?,
        FetchMediaPlaylist::new(&token, &video, "720p").to_request(&base)?,
        FetchKey::new(&token, &video).to_request(&base)?,
        CreateApiKey::new(&user, &new_key).to_request(&base)?,
        ListApiKeys::new(&user).to_request(&base)?,
        RevokeApiKey::new(&user, &key_id).to_request(&base)?,
    ];
    for request in &requests {
        let uri = request
            .uri()
            .to_string()
            .replace(token.expose_secret(), "{token}");
        let auth = request
            .headers()
            .keys()
            .filter(|h| ["x-ansdev-key", "authorization"].contains(&h.as_str()))
            .map(|h| format!("{h}: [sensitive]"))
            .collect::<Vec<_>>()
            .join(", ");
        println!("  {:<6} {uri}  {auth}", request.method().as_str());
    }

    println!("\nError catalog ({} codes):", ErrorCode::ALL.len());
    for code in ErrorCode::ALL {
        if let Some(info) = code.info() {
            println!(
                "  {:<24} {}  retryable={:<5}  remedy={:?}",
                info.code, info.status, info.retryable, info.remedy
            );
        }
    }

    match VideoId::new("x".repeat(65)) {
        Ok(_) => Err("a 65-character video id was accepted".into()),
        Err(err) => {
            println!("\nClient-side validation: {err}");
            Ok(())
        }
    }
}
