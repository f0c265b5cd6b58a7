//! A reference server with a known seed, and helpers to drive its dev routes.

use std::time::Duration;

use serde_json::{Value, json};
use server_reference::{Config, RunningServer};

use sdk_native::{Client, RetryPolicy, TokenConfig, UserToken};

pub const USER: &str = "user_1";
pub const KEY: &str = "ak_test_10000000000000000000000000000001";
pub const KEY_SMALL: &str = "ak_test_10000000000000000000000000000002";
pub const KEY_NO_SCOPE: &str = "ak_test_10000000000000000000000000000003";
pub const KEY_EXPIRED: &str = "ak_test_10000000000000000000000000000004";
pub const ENC: &str = "vid_enc";
pub const PLAIN: &str = "vid_plain";
pub const BUSY: &str = "vid_busy";
pub const SMALL_LIMIT: u32 = 3;

pub struct Server {
    pub server: RunningServer,
    pub http: reqwest::Client,
    _seed: tempfile::NamedTempFile,
}

pub async fn start(ttl_seconds: Option<u64>) -> Server {
    let key = |id: &str, key: &str, scopes: Value, extra: Value| {
        let mut k = json!({"id": id, "userId": USER, "key": key, "name": id, "scopes": scopes});
        k.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        k
    };
    let video = |id: &str, job: &str, status: &str, encrypted: bool| {
        json!({"id": id, "jobId": job, "userId": USER, "title": id, "status": status,
               "encrypted": encrypted, "quality": "720p", "renditions": ["720p", "480p"]})
    };
    let seed = json!({
        "users": [{"id": USER}],
        "apiKeys": [
            key("key_main", KEY, json!(["video:read"]), json!({})),
            key("key_small", KEY_SMALL, json!(["video:read"]), json!({"dailyTokenLimit": SMALL_LIMIT})),
            key("key_noscope", KEY_NO_SCOPE, json!(["vault:read"]), json!({})),
            key("key_expired", KEY_EXPIRED, json!(["video:read"]), json!({"expiresAt": "2001-01-01T00:00:00Z"})),
        ],
        "videos": [
            video(ENC, "11111111-1111-4111-8111-111111111111", "COMPLETED", true),
            video(PLAIN, "22222222-2222-4222-8222-222222222222", "COMPLETED", false),
            video(BUSY, "33333333-3333-4333-8333-333333333333", "TRANSCODING", false),
        ]
    });
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), seed.to_string()).unwrap();
    let mut config = Config::for_tests();
    config.seed = Some(file.path().to_owned());
    config.token_ttl_seconds = ttl_seconds;
    Server {
        server: server_reference::serve(config).await.unwrap(),
        http: reqwest::Client::new(),
        _seed: file,
    }
}

impl Server {
    pub fn base(&self) -> String {
        self.server.base_url()
    }

    pub fn client(&self, key: &str) -> Client {
        self.builder(key).build().unwrap()
    }

    pub fn builder(&self, key: &str) -> sdk_native::ClientBuilder {
        Client::builder()
            .api_key(key)
            .base_url(self.base())
            .retry_policy(
                RetryPolicy::default()
                    .with_delays(Duration::from_millis(10), Duration::from_millis(50)),
            )
            .token_config(
                TokenConfig::default()
                    .with_backoff(Duration::from_millis(10), Duration::from_millis(50)),
            )
    }

    pub async fn dev(&self, path: &str, body: Value) -> Value {
        let res = self
            .http
            .post(format!("{}{path}", self.base()))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        res.json().await.unwrap()
    }

    pub async fn fault(&self, rule: Value) {
        self.dev("/dev/faults", rule).await;
    }

    pub async fn user_token(&self) -> UserToken {
        let body = self
            .dev(&format!("/dev/users/{USER}/token"), json!({}))
            .await;
        UserToken::new(body["token"].as_str().unwrap()).unwrap()
    }
}
