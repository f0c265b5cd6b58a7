//! A raw HTTP/1.1 server over tokio sockets, so each answer can misbehave exactly as scripted.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What a scripted server sends back for one request.
pub(crate) enum Answer {
    /// A whole response, `Connection: close`.
    Raw(String),
    /// A chunked 200 that never ends.
    Endless,
    /// A 200 announcing a 10 GiB body, then silence.
    HugeLength,
}

type Handler = dyn Fn(&str) -> Answer + Send + Sync;

/// A server on 127.0.0.1:0 that records every request head it receives.
pub(crate) struct Server {
    addr: SocketAddr,
    heads: Arc<Mutex<Vec<String>>>,
    pub(crate) bytes_sent: Arc<AtomicU64>,
}

impl Server {
    pub(crate) async fn start(handler: impl Fn(&str) -> Answer + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let heads = Arc::new(Mutex::new(Vec::new()));
        let bytes_sent = Arc::new(AtomicU64::new(0));
        let handler: Arc<Handler> = Arc::new(handler);
        let (h, b) = (heads.clone(), bytes_sent.clone());
        // Runs until the test's runtime shuts down.
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(answer(stream, handler.clone(), h.clone(), b.clone()));
            }
        });
        Self {
            addr,
            heads,
            bytes_sent,
        }
    }

    pub(crate) fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub(crate) fn requests(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

async fn answer(
    mut stream: TcpStream,
    handler: Arc<Handler>,
    heads: Arc<Mutex<Vec<String>>>,
    bytes_sent: Arc<AtomicU64>,
) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    heads.lock().unwrap().push(head.clone());
    match handler(&head) {
        Answer::Raw(response) => {
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
        Answer::Endless => {
            let start = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            if stream.write_all(start.as_bytes()).await.is_err() {
                return;
            }
            let chunk = format!("10000\r\n{}\r\n", "x".repeat(0x10000));
            // Until the client hangs up.
            while stream.write_all(chunk.as_bytes()).await.is_ok() {
                bytes_sent.fetch_add(0x10000, Ordering::Relaxed);
            }
        }
        Answer::HugeLength => {
            let start = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10737418240\r\n\r\n";
            let _ = stream.write_all(start.as_bytes()).await;
            let _ = stream.read(&mut buf).await;
        }
    }
}

pub(crate) fn redirect(status: &str, location: &str) -> Answer {
    Answer::Raw(format!(
        "HTTP/1.1 {status}\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    ))
}

pub(crate) fn ok_json(body: &str) -> Answer {
    Answer::Raw(format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    ))
}
