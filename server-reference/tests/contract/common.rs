//! A server on 127.0.0.1:0 in this test's runtime, a real HTTP client, and envelope checks.

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use sdk_core::endpoint::{Endpoint, MintPlaybackToken};
use sdk_core::{ApiKey, BaseUrl, ErrorCode, MintedToken, VideoId};
use serde_json::{Value, json};
use server_reference::{Config, RunningServer};

pub const USER: &str = "user_1";
pub const OTHER_USER: &str = "user_2";
pub const KEY: &str = "ak_test_00000000000000000000000000000001";
pub const KEY_EXPIRED: &str = "ak_test_00000000000000000000000000000002";
pub const KEY_REVOKED: &str = "ak_test_00000000000000000000000000000003";
pub const KEY_NO_SCOPE: &str = "ak_test_00000000000000000000000000000004";
pub const KEY_OTHER: &str = "ak_test_00000000000000000000000000000005";
pub const KEY_SMALL: &str = "ak_test_00000000000000000000000000000006";
pub const KEY_BULK: &str = "ak_test_00000000000000000000000000000007";
pub const KEY_HUGE: &str = "ak_test_00000000000000000000000000000008";
pub const ENC: &str = "vid_enc";
pub const ENC_JOB: &str = "11111111-1111-4111-8111-111111111111";
pub const PLAIN: &str = "vid_plain";
pub const PLAIN_JOB: &str = "22222222-2222-4222-8222-222222222222";
pub const BUSY: &str = "vid_busy";
pub const OTHERS: &str = "vid_others";
pub const OTHERS_JOB: &str = "44444444-4444-4444-8444-444444444444";
/// Daily limit of `KEY_SMALL`.
pub const SMALL_LIMIT: u32 = 50;

pub fn seed_json() -> Value {
    let key = |id: &str, user: &str, key: &str, scopes: Value, extra: Value| {
        let mut k = json!({"id": id, "userId": user, "key": key, "name": id, "scopes": scopes});
        if let (Some(k), Some(extra)) = (k.as_object_mut(), extra.as_object()) {
            k.extend(extra.clone());
        }
        k
    };
    let video = |id: &str, job: &str, user: &str, status: &str, encrypted: bool| {
        json!({"id": id, "jobId": job, "userId": user, "title": id, "status": status,
               "encrypted": encrypted, "quality": "720p", "renditions": ["720p", "480p"]})
    };
    json!({
        "users": [{"id": USER}, {"id": OTHER_USER}],
        "apiKeys": [
            key("key_main", USER, KEY, json!(["video:read"]), json!({})),
            key("key_expired", USER, KEY_EXPIRED, json!(["video:read"]),
                json!({"expiresAt": "2001-01-01T00:00:00Z"})),
            key("key_revoked", USER, KEY_REVOKED, json!(["video:read"]), json!({"revoked": true})),
            key("key_noscope", USER, KEY_NO_SCOPE, json!(["vault:read"]), json!({})),
            key("key_other", OTHER_USER, KEY_OTHER, json!(["video:read"]), json!({})),
            key("key_small", USER, KEY_SMALL, json!(["video:read"]),
                json!({"dailyTokenLimit": SMALL_LIMIT})),
            key("key_bulk", USER, KEY_BULK, json!(["video:read"]), json!({})),
            key("key_huge", USER, KEY_HUGE, json!(["video:read"]),
                json!({"dailyTokenLimit": 4_000_000_000u32})),
        ],
        "videos": [
            video(ENC, ENC_JOB, USER, "COMPLETED", true),
            video(PLAIN, PLAIN_JOB, USER, "COMPLETED", false),
            video(BUSY, "33333333-3333-4333-8333-333333333333", USER, "TRANSCODING", false),
            video(OTHERS, OTHERS_JOB, OTHER_USER, "COMPLETED", true),
        ]
    })
}

pub struct Harness {
    pub server: RunningServer,
    pub base: String,
    pub http: reqwest::Client,
    pub _seed: Option<tempfile::NamedTempFile>,
}

/// A dev-mode server with the test seed.
pub async fn start() -> Harness {
    start_with(|_| {}).await
}

/// A server with the test seed and a tweaked configuration.
pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> Harness {
    let seed = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(seed.path(), seed_json().to_string()).unwrap();
    let mut config = Config::for_tests();
    config.seed = Some(seed.path().to_owned());
    tweak(&mut config);
    let server = server_reference::serve(config).await.unwrap();
    Harness {
        base: server.base_url(),
        server,
        http: client(),
        _seed: Some(seed),
    }
}

impl Harness {
    pub fn base_url(&self) -> BaseUrl {
        BaseUrl::new(&self.base).unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends an `http::Request` (as sdk-core builds them) and returns the whole response.
    pub async fn send(&self, request: Request<Bytes>) -> Response<Bytes> {
        let request = reqwest::Request::try_from(request).unwrap();
        into_http(self.http.execute(request).await.unwrap()).await
    }

    /// Runs an sdk-core endpoint against this server.
    pub async fn call<E: Endpoint>(&self, endpoint: &E) -> Result<E::Output, sdk_core::Error> {
        let response = self
            .send(endpoint.to_request(&self.base_url()).unwrap())
            .await;
        endpoint.parse_response(&response)
    }

    pub async fn get(&self, path: &str, key: Option<&str>) -> Response<Bytes> {
        let mut req = self.http.get(self.url(path));
        if let Some(key) = key {
            req = req.header("x-ansdev-key", key);
        }
        into_http(req.send().await.unwrap()).await
    }

    pub async fn post_empty(&self, path: &str, key: Option<&str>) -> Response<Bytes> {
        let mut req = self.http.post(self.url(path)).header("content-length", "0");
        if let Some(key) = key {
            req = req.header("x-ansdev-key", key);
        }
        into_http(req.send().await.unwrap()).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response<Bytes> {
        into_http(
            self.http
                .post(self.url(path))
                .json(body)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Any request, with an optional `Authorization` header value and JSON body. Bodyless
    /// requests carry `Content-Length: 0`, as the SDK sends them.
    pub async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        authorization: Option<&str>,
        json_body: Option<&str>,
    ) -> Response<Bytes> {
        let mut req = self.http.request(method, self.url(path));
        if let Some(authorization) = authorization {
            req = req.header("authorization", authorization);
        }
        req = match json_body {
            Some(body) => req
                .header("content-type", "application/json")
                .body(body.to_owned()),
            None => req.header("content-length", "0"),
        };
        into_http(req.send().await.unwrap()).await
    }

    /// Sends `raw` on a plain socket and returns the whole answer (HTTP clients would add the
    /// `Content-Length` some tests must leave out).
    pub async fn raw(&self, raw: String) -> String {
        use std::io::{Read, Write};
        let addr = self.server.addr();
        tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(addr).unwrap();
            stream.write_all(raw.as_bytes()).unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).unwrap();
            answer
        })
        .await
        .unwrap()
    }

    pub async fn mint(&self, key: &str, video: &str) -> Result<MintedToken, sdk_core::Error> {
        let key = ApiKey::new(key).unwrap();
        self.call(&MintPlaybackToken::new(&key, VideoId::new(video).unwrap()))
            .await
    }

    pub async fn token(&self, video: &str) -> String {
        self.mint(KEY, video)
            .await
            .unwrap()
            .token
            .expose_secret()
            .to_owned()
    }

    pub async fn user_token(&self, user: &str) -> String {
        let response = self
            .post_empty(&format!("/dev/users/{user}/token"), None)
            .await;
        assert_eq!(response.status(), 200);
        json_of(&response)["token"].as_str().unwrap().to_owned()
    }

    pub async fn advance(&self, seconds: i64) {
        let r = self
            .post_json("/dev/clock", &json!({"advanceSeconds": seconds}))
            .await;
        assert_eq!(r.status(), 200);
    }
}

/// A client that talks to 127.0.0.1 directly, whatever proxy the environment configures.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

pub async fn into_http(response: reqwest::Response) -> Response<Bytes> {
    let mut builder = Response::builder().status(response.status());
    for (name, value) in response.headers() {
        builder = builder.header(name, value);
    }
    let body = response.bytes().await.unwrap();
    builder.body(body).unwrap()
}

pub fn json_of(response: &Response<Bytes>) -> Value {
    serde_json::from_slice(response.body()).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {:?}",
            String::from_utf8_lossy(response.body())
        )
    })
}

/// Asserts an Ansdev error envelope: the catalog's status, `error.status` equal to it, the
/// code, the catalog's default message (unless `message` is given), and that sdk-core reads it
/// back as the same code.
pub fn assert_ansdev_error(response: &Response<Bytes>, code: ErrorCode, message: Option<&str>) {
    let info = code.info().unwrap();
    let body = json_of(response);
    assert_eq!(
        response.status().as_u16(),
        info.status,
        "status of {code}: {body}"
    );
    assert_eq!(body["success"], json!(false), "{body}");
    assert_eq!(body["error"]["code"], json!(code.as_str()), "{body}");
    assert_eq!(body["error"]["status"], json!(info.status), "{body}");
    assert_eq!(
        body["error"]["message"],
        json!(message.or(code.message()).unwrap_or_default()),
        "{body}"
    );
    assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
    let parsed = sdk_core::envelope::decode_error_response(response);
    assert_eq!(parsed.code(), code);
    assert_eq!(parsed.status(), Some(response.status()));
}

/// Asserts an Intelligence error: `{"error": {code, message}}` fixed by the status alone.
pub fn assert_intelligence_error(response: &Response<Bytes>, status: u16) {
    let code = ErrorCode::intelligence_for_status(StatusCode::from_u16(status).unwrap()).unwrap();
    let body = json_of(response);
    assert_eq!(response.status().as_u16(), status, "{body}");
    assert_eq!(
        body,
        json!({"error": {"code": code.as_str(), "message": code.message().unwrap()}})
    );
}
