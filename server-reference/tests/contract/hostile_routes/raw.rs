//! A raw-socket client: requests with any bytes (a path or header that is not UTF-8), as no
//! HTTP client library would send them, and the answer read back byte for byte.

use std::time::Duration;

use sdk_core::ErrorCode;
use serde_json::{Value, json};

use crate::common::Harness;

/// One answer read off a raw socket: status, `Content-Type` and body.
pub struct RawAnswer {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl RawAnswer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `head` (request line and headers, without the final blank line; any bytes) and
/// `body` on a fresh connection, and reads the whole answer.
pub async fn raw(h: &Harness, head: &[u8], body: &[u8]) -> RawAnswer {
    use std::io::{Read, Write};
    let addr = h.server.addr();
    let mut request = head.to_vec();
    request.extend_from_slice(
        format!(
            "\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    request.extend_from_slice(body);
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        // A refusal of an oversized body may be answered, and the connection closed, before all
        // of it is written: a broken pipe here is the server being quick, not a failure. What it
        // answered is still read below (up to a reset, which ends the answer).
        if let Err(error) = stream.write_all(&request) {
            assert!(
                matches!(
                    error.kind(),
                    std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
                ),
                "{error}"
            );
        }
        let mut answer = Vec::new();
        let mut chunk = [0_u8; 8192];
        loop {
            match stream.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => answer.extend_from_slice(&chunk[..n]),
                Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => break,
                Err(error) => panic!("{error}"),
            }
        }
        answer
    })
    .await
    .unwrap();
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP answer");
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    let mut body = answer[split + 4..].to_vec();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let header = |name: &str| {
        head.lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_owned())
    };
    if header("transfer-encoding").is_some_and(|te| te.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body);
    }
    RawAnswer {
        status,
        content_type: header("content-type").unwrap_or_default(),
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = String::from_utf8_lossy(&data[..line_end]).into_owned();
        let size = usize::from_str_radix(size_text.trim(), 16).unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

pub fn assert_raw_ansdev(answer: &RawAnswer, code: ErrorCode, what: &str) {
    let info = code.info().unwrap();
    assert_eq!(answer.status, info.status, "{what}: {}", answer.text());
    assert_eq!(answer.content_type, "application/json", "{what}");
    let body = answer.json();
    assert_eq!(
        body,
        json!({"success": false, "error": {"code": code.as_str(), "message": code.message().unwrap(),
            "status": info.status}}),
        "{what}"
    );
}

pub fn assert_raw_intelligence(
    answer: &RawAnswer,
    status: u16,
    code: &str,
    message: &str,
    what: &str,
) {
    assert_eq!(answer.status, status, "{what}: {}", answer.text());
    assert_eq!(answer.content_type, "application/json", "{what}");
    assert_eq!(
        answer.json(),
        json!({"error": {"code": code, "message": message}}),
        "{what}"
    );
}
