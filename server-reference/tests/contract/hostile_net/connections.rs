//! Connections (C5): half-open and silent connections, stalled bodies, idle keep-alive, the
//! connection cap and graceful shutdown; and cleartext HTTP/2 (S5).

use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::PATIENCE;
use crate::common::*;

// ---------------------------------------------------------------------------------------------
// C5: connections.

/// Reads until the server closes the connection (EOF or reset) and returns what it sent, or
/// `None` if it is still open after [`PATIENCE`].
async fn until_closed(stream: &mut TcpStream) -> Option<String> {
    let mut seen = Vec::new();
    let read = tokio::time::timeout(PATIENCE, async {
        let mut buf = [0u8; 1024];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|()| String::from_utf8_lossy(&seen).into_owned())
}

#[tokio::test]
async fn c5_three_hundred_half_open_connections_neither_starve_healthz_nor_stay_open() {
    let h = start_with(|c| c.header_read_timeout_seconds = 2).await;
    let mut half_open = Vec::new();
    for _ in 0..300 {
        let mut stream = TcpStream::connect(h.server.addr()).await.unwrap();
        // A request head that never ends (slowloris).
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: 1")
            .await
            .unwrap();
        half_open.push(stream);
    }
    let healthz = tokio::time::timeout(PATIENCE, h.get("/healthz", None))
        .await
        .expect("/healthz starved by half-open connections");
    assert_eq!(healthz.status(), 200);
    let closed = futures_util::future::join_all(half_open.iter_mut().map(until_closed)).await;
    let still_open = closed.iter().filter(|c| c.is_none()).count();
    assert_eq!(
        still_open, 0,
        "half-open connections outlived the header timeout"
    );
}

#[tokio::test]
async fn c5_connections_that_never_send_a_request_are_dropped_after_the_header_timeout() {
    let h = start_with(|c| c.header_read_timeout_seconds = 1).await;
    let mut silent = TcpStream::connect(h.server.addr()).await.unwrap();
    // Two bytes of the HTTP/2 preface: the protocol is not even decided yet.
    let mut partial_preface = TcpStream::connect(h.server.addr()).await.unwrap();
    partial_preface.write_all(b"PR").await.unwrap();
    // A complete h2c preface and an empty SETTINGS frame, then no request (HTTP/2 has no
    // header timer of hyper's: the accept loop's own bound must catch it).
    let mut h2_no_request = TcpStream::connect(h.server.addr()).await.unwrap();
    h2_no_request
        .write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        .await
        .unwrap();
    assert!(until_closed(&mut silent).await.is_some());
    assert!(until_closed(&mut partial_preface).await.is_some());
    assert!(until_closed(&mut h2_no_request).await.is_some());
}

#[tokio::test]
async fn c5_a_stalled_request_body_gets_408_after_the_request_timeout() {
    let h = start_with(|c| c.request_timeout_seconds = 1).await;
    let mut stream = TcpStream::connect(h.server.addr()).await.unwrap();
    stream
        .write_all(
            b"POST /dev/clock HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"advance",
        )
        .await
        .unwrap();
    let answer = until_closed(&mut stream)
        .await
        .expect("the stalled request was never cut");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    let body: serde_json::Value = serde_json::from_str(body).expect("a JSON envelope");
    assert_eq!(
        body,
        crate::fixtures::fixture("errors/ansdev/REQUEST_TIMEOUT.json")
    );
}

#[tokio::test]
async fn c5_an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let h = start_with(|c| {
        c.idle_timeout_seconds = 1;
        c.header_read_timeout_seconds = 600;
    })
    .await;
    let mut stream = TcpStream::connect(h.server.addr()).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let answer = until_closed(&mut stream)
        .await
        .expect("the idle connection was kept open");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn c5_at_the_connection_cap_a_new_client_waits_for_a_free_slot() {
    let h = start_with(|c| {
        c.max_connections = 1;
        c.header_read_timeout_seconds = 3;
    })
    .await;
    let mut hog = TcpStream::connect(h.server.addr()).await.unwrap();
    hog.write_all(b"GET /healthz HTTP/1.1\r\n").await.unwrap();
    let healthz = tokio::time::timeout(PATIENCE, h.get("/healthz", None))
        .await
        .expect("the waiting client was never served");
    assert_eq!(healthz.status(), 200);
    // With one slot, the second client is served only after the first connection was closed
    // (by its header timeout), so the close is already here. Without the cap /healthz would
    // be answered at once, seconds before that timeout.
    let closed = tokio::time::timeout(Duration::from_secs(1), async {
        let mut buf = [0u8; 1024];
        while hog.read(&mut buf).await.is_ok_and(|n| n > 0) {}
    })
    .await;
    assert!(closed.is_ok(), "served past the connection cap");
}

#[tokio::test]
async fn c5_shutdown_lets_a_request_in_flight_finish_and_closes_idle_connections() {
    let h = start().await;
    let r = h
        .post_json(
            "/dev/faults",
            &json!({"route": "get", "status": 200, "count": 1, "delayMs": 500}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let mut idle = TcpStream::connect(h.server.addr()).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut first = [0u8; 12];
    idle.read_exact(&mut first).await.unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    let Harness {
        server, http, base, ..
    } = h;
    let slow = tokio::spawn(async move {
        http.get(format!("{base}/v1/video/{ENC}"))
            .header("x-ansdev-key", KEY)
            .send()
            .await
            .map(|r| r.status())
    });
    // Let the delayed request reach the server before it is told to stop.
    tokio::time::sleep(Duration::from_millis(200)).await;
    tokio::time::timeout(PATIENCE, server.shutdown())
        .await
        .expect("shutdown did not finish")
        .unwrap();
    assert_eq!(slow.await.unwrap().unwrap(), 200);
    assert!(until_closed(&mut idle).await.is_some());
}

// ---------------------------------------------------------------------------------------------
// S5: h2c.

#[tokio::test]
async fn s5_cleartext_http2_is_served() {
    let h = start().await;
    let h2 = reqwest::Client::builder()
        .no_proxy()
        .http2_prior_knowledge()
        .build()
        .unwrap();
    let r = h2.get(h.url("/healthz")).send().await.unwrap();
    assert_eq!(r.version(), reqwest::Version::HTTP_2);
    assert_eq!(r.status(), 200);
}
