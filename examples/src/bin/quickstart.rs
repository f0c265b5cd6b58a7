//! Quickstart: list videos, mint a playback token, print the quota, and handle each error class.
//!
//! `ANSDEV_API_KEY=ak_… cargo run -p examples --bin quickstart`

#![allow(clippy::print_stdout)] // a command-line program prints

use std::process::ExitCode;

use examples::{client_from_env, explain, run};
use sdk_native::{Error, ErrorCode, VideoQuery};

fn main() -> ExitCode {
    run(async {
        let client = client_from_env()?;
        println!(
            "client for key {} (the rest of it stays in memory)",
            client.key_prefix().unwrap_or("?")
        );

        // 1. List videos (first page; `client.videos(query)` streams all pages).
        let page = client.list_videos(&VideoQuery::new().limit(10)?).await?;
        println!("\n{} videos:", page.total);
        for video in &page.items {
            println!(
                "  {:<24} {:<12} encrypted={:<5} {}",
                video.id, video.status, video.encrypted, video.title
            );
        }

        // 2. Mint a playback token for the first playable video.
        let Some(video) = page.items.iter().find(|v| v.is_playable()) else {
            println!("no playable video yet");
            return Ok(());
        };
        let minted = client.mint_playback_token(video.id.as_str()).await?;
        println!(
            "\nminted a token for {} valid {} s",
            video.id,
            minted.expires_in.as_secs()
        );
        if let Some(quota) = minted.rate_limit {
            println!(
                "quota: {} of {} mints left today, resets at Unix {}",
                quota.remaining, quota.limit, quota.reset_at
            );
        }

        // 3. Errors are typed by phase; each carries a code and what to do about it.
        println!("\nerror handling:");
        match client.get_video("vid_does_not_exist").await {
            Err(Error::Api(api)) if api.code == ErrorCode::VideoNotFound => {
                println!("  missing video → {}", explain(&Error::Api(api)));
            }
            other => println!("  unexpected: {other:?}"),
        }
        match client.get_video(&"x".repeat(65)).await {
            Err(err @ Error::Build(_)) => println!("  bad id → {}", explain(&err)),
            other => println!("  unexpected: {other:?}"),
        }
        if let Some(video) = page.items.iter().find(|v| !v.is_playable())
            && let Err(err) = client.mint_playback_token(video.id.as_str()).await
        {
            println!("  video still {} → {}", video.status, explain(&err));
        }
        let wrong_key = sdk_native::Client::builder()
            .api_key("ak_test_00000000000000000000000000000000")
            .base_url(client.base_url().as_str())
            .build()?;
        if let Err(err) = wrong_key.list_videos(&VideoQuery::new()).await {
            println!("  unknown key → {}", explain(&err));
        }
        Ok(())
    })
}
