//! A stand-in player: for a while, keeps asking the session for what a player needs (the key and
//! a media playlist) and counts what it got; and journal counts read from the server.

use std::time::{Duration, Instant};

use sdk_native::PlaybackSession;
use server_reference::RunningServer;

/// The mint route's pattern in the journal.
pub const MINT_ROUTE: &str = "/v1/video/{video_id}/playback-token";
/// The token key route's pattern in the journal.
pub const KEY_ROUTE: &str = "/v1/video/playback/key/{token}/{job_id}";

/// Token lifetime of the real-time tests: three lifetimes fit in a 7-second run.
pub const TTL_SECONDS: u64 = 2;

/// What a player loop saw.
#[derive(Debug, Default)]
pub struct Played {
    /// Successful key + playlist rounds.
    pub rounds: usize,
    /// Failures handed to the player (each one would have stopped a real player).
    pub failures: Vec<String>,
}

/// Plays for `length`: every 100 ms a key and a media playlist, as a player seeking and switching
/// renditions would need them. `during(elapsed)` runs before each round (arming faults, moving
/// the server clock).
pub async fn play(
    playback: &PlaybackSession,
    length: Duration,
    mut during: impl FnMut(Duration),
) -> Played {
    let started = Instant::now();
    let mut played = Played::default();
    while started.elapsed() < length {
        during(started.elapsed());
        let key = playback.key().await;
        let playlist = playback.media_playlist("720p").await;
        match (key, playlist) {
            (Ok(key), Ok(playlist)) => {
                assert_eq!(key.expose_secret().len(), 16);
                assert!(playlist.starts_with("#EXTM3U"));
                played.rounds += 1;
            }
            (key, playlist) => played.failures.push(format!(
                "key: {:?}, playlist: {:?}",
                key.err(),
                playlist.err()
            )),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    played
}

/// Answers of `route` with `status` in the server's journal.
pub fn count(server: &RunningServer, route: &str, status: u16) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.route == route && r.status == status)
        .count()
}

/// Answers of `route` whatever their status.
pub fn count_any(server: &RunningServer, route: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.route == route)
        .count()
}

/// A refused token (401/403) on any playback route: the heal path, never a player's failure.
pub fn refusals(server: &RunningServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| {
            r.route.starts_with("/v1/video/playback/") && (r.status == 401 || r.status == 403)
        })
        .count()
}
