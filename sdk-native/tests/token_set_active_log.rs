//! `set_active` without keep-warm is a no-op that says so at debug level. Its own test binary:
//! tracing caches per call site whether anything listens, so a thread-local subscriber must not
//! share a process with other tests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use sdk_native::{Client, TokenConfig, VideoId};

#[tokio::test]
async fn f5_set_active_without_keep_warm_logs_that_it_does_nothing() {
    let logs = Arc::new(Mutex::new(Vec::<u8>::new()));
    let writer = {
        let logs = logs.clone();
        move || LogWriter(logs.clone())
    };
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(writer)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let log_of = |config: TokenConfig| async {
        logs.lock().unwrap().clear();
        let client = Client::builder()
            .api_key("ak_test_30000000000000000000000000000001")
            .base_url("http://127.0.0.1:9")
            .token_config(config)
            .build()
            .unwrap();
        let video = VideoId::new("vid_1").unwrap();
        client
            .playback_ids(video.clone(), video)
            .set_active(true)
            .unwrap();
        // The driver runs on this (current-thread) runtime: let it take the command.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        String::from_utf8(logs.lock().unwrap().clone()).unwrap()
    };
    let off = log_of(TokenConfig::default()).await;
    assert!(
        off.contains("set_active ignored: keep-warm is off"),
        "{off}"
    );
    let on = log_of(TokenConfig::default().with_keep_warm(true)).await;
    assert!(!on.contains("set_active ignored"), "{on}");
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
