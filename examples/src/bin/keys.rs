//! Key management with a dashboard user's token: create a key, list keys, revoke it, and see
//! the revoked key fail on its very next call.
//!
//! `ANSDEV_USER_TOKEN=eyJ… cargo run -p examples --bin keys`

#![allow(clippy::print_stdout)] // a command-line program prints

use std::process::ExitCode;

use examples::{env, explain, run};
use sdk_native::{Client, ErrorCode, NewApiKey, Scope, UserToken, VideoQuery};

fn main() -> ExitCode {
    run(async {
        let base =
            std::env::var("ANSDEV_BASE_URL").unwrap_or_else(|_| "https://api.ansdev.cloud".into());
        let user = UserToken::new(env("ANSDEV_USER_TOKEN")?)?;
        let keys = Client::builder().base_url(&base).build()?.keys(user);

        let created = keys
            .create(&NewApiKey::new("examples/keys", vec![Scope::VideoRead])?)
            .await?;
        println!(
            "created {} ({}) — the full key is shown once; it stays in this process",
            created.info.id, created.info.prefix
        );

        println!("\nkeys of this user:");
        for key in keys.list().await? {
            let state = if key.revoked_at.is_some() {
                "revoked"
            } else {
                "active"
            };
            println!(
                "  {:<20} {:<14} {:<8} {}",
                key.id.as_str(),
                key.prefix,
                state,
                key.name
            );
        }

        let client = Client::builder()
            .base_url(&base)
            .api_key(created.key.expose_secret())
            .build()?;
        let page = client.list_videos(&VideoQuery::new()).await?;
        println!("\nthe new key works: {} videos", page.total);

        let revoked = keys.revoke(&created.info.id).await?;
        println!(
            "revoked {} at {:?}",
            revoked.id.as_str(),
            revoked.revoked_at
        );
        match client.list_videos(&VideoQuery::new()).await {
            Err(err) if err.code() == ErrorCode::InvalidApiKey => {
                println!("the next call with it fails: {}", explain(&err));
                Ok(())
            }
            Err(err) => Err(err.into()),
            Ok(_) => Err("a revoked key still worked".into()),
        }
    })
}
