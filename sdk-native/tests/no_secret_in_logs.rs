//! Everything the client logs at the most verbose level, and every error and Debug output, is
//! free of the key and of tokens. Its own test binary: tracing caches per call site whether
//! anything listens, so a thread-local subscriber must not share a process with other tests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(unreachable_pub, dead_code)] // shares the server suite's helpers

use std::sync::{Arc, Mutex};

use serde_json::json;

#[path = "server/common.rs"]
mod common;

use common::{ENC, KEY};

#[tokio::test]
async fn the_key_appears_in_no_log_line_error_or_debug_output() {
    let logs = Arc::new(Mutex::new(Vec::<u8>::new()));
    let writer = {
        let logs = logs.clone();
        move || LogWriter(logs.clone())
    };
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(writer)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = common::start(None).await;
    let client = server.client(KEY);
    server
        .fault(json!({"route": "get", "status": 503, "count": 1}))
        .await;
    let video = client.get_video(ENC).await.unwrap();
    let playback = client.playback(&video);
    let token = playback.token().await.unwrap();
    playback.key().await.unwrap();
    let err = client.get_video("vid_nope").await.unwrap_err();

    let secret = &KEY[8..];
    let logs = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("ansdev.request"),
        "tracing captured nothing: {logs}"
    );
    for text in [
        logs.as_str(),
        &format!("{client:?}"),
        &format!("{playback:?}"),
        &format!("{token:?}"),
        &format!("{err:?}"),
        &err.to_string(),
    ] {
        assert!(!text.contains(secret), "the key leaked: {text}");
        assert!(
            !text.contains(token.token.expose_secret()),
            "a token leaked: {text}"
        );
    }
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
