//! An endpoint served on 127.0.0.1:0 with connect info, and a client that counts its API calls.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use sdk_native::token_endpoint::TokenEndpoint;
use sdk_native::{Client, FnTransport, ReqwestTransport, Transport};
use serde_json::Value;

use crate::server::Server;

/// The API calls a client made: video lookups and mints.
#[derive(Debug, Default)]
pub struct Upstream {
    lookups: AtomicUsize,
    mints: AtomicUsize,
}

impl Upstream {
    pub fn lookups(&self) -> usize {
        self.lookups.load(Ordering::SeqCst)
    }

    pub fn mints(&self) -> usize {
        self.mints.load(Ordering::SeqCst)
    }

    pub fn calls(&self) -> usize {
        self.lookups() + self.mints()
    }
}

/// A client of `server` with `key` whose every API call is counted.
pub fn counting_client(server: &Server, key: &str) -> (Client, Arc<Upstream>) {
    let upstream = Arc::new(Upstream::default());
    let counts = upstream.clone();
    let inner = ReqwestTransport::from_builder(reqwest::Client::builder().no_proxy()).unwrap();
    let transport = FnTransport::new(move |request: http::Request<Bytes>| {
        let path = request.uri().path();
        if request.method() == http::Method::POST && path.ends_with("/playback-token") {
            counts.mints.fetch_add(1, Ordering::SeqCst);
        } else if request.method() == http::Method::GET && path.starts_with("/v1/video/") {
            counts.lookups.fetch_add(1, Ordering::SeqCst);
        }
        let inner = inner.clone();
        async move { inner.send(request).await }
    });
    (
        server.builder(key).transport(transport).build().unwrap(),
        upstream,
    )
}

/// Serves `endpoint` at `/playback-token` as an app would (with connect info); returns its URL.
pub async fn serve(endpoint: TokenEndpoint) -> String {
    let app = axum::Router::new().nest("/playback-token", endpoint.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    format!("http://{addr}/playback-token")
}

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// GET `url` with `headers`: the status, the `Retry-After` header and the JSON body.
pub async fn get(
    http: &reqwest::Client,
    url: &str,
    headers: &[(&str, &str)],
) -> (u16, Option<String>, Value) {
    let mut request = http.get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    assert_eq!(response.headers()["cache-control"], "no-store");
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, retry_after, response.json().await.unwrap())
}

/// Asserts the token-provider error shape: code, status (equal to the HTTP status), retryable.
pub fn assert_refusal(status: u16, body: &Value, code: &str, retryable: bool) {
    let error = &body["error"];
    assert_eq!(error["code"], code, "{body}");
    assert_eq!(error["status"], status, "{body}");
    assert_eq!(error["retryable"], retryable, "{body}");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}
