//! Connections: the accept loop around hyper-util's HTTP/1.1 + h2c server, with the limits a
//! server reachable by strangers needs (`axum::serve` has none of them).
//!
//! - At most `--max-connections` at once: a connection holds a semaphore permit; at the cap the
//!   loop stops accepting and new clients wait in the kernel's listen backlog.
//! - `--header-read-timeout-seconds`: a connection must send a complete request head in time.
//!   hyper enforces it for every HTTP/1.1 head (its timer also runs while a kept-alive
//!   connection waits for its next request); a connection that has not started a request
//!   within it (nothing sent, a partial HTTP/2 preface, a partial first head) is dropped here.
//! - `--request-timeout-seconds`: a request not answered in time (a slow upload included) gets
//!   408 and its connection is closed after the answer.
//! - `--idle-timeout-seconds`: a connection with no request in flight that long is shut down
//!   gracefully (HTTP/2 has no header timer, so this is what bounds an idle h2c connection).
//! - Any connection told to close (idle, timeout, server shutdown) that has not closed one
//!   request timeout later is dropped.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use hyper::service::Service as _;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use sdk_core::ErrorCode;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, oneshot, watch};
use tokio::time::Instant;

use crate::config::Config;

/// A sleep longer than any timer here: a connection with a request in flight has no deadline
/// of its own (the request timeout bounds it) and wakes on activity instead.
const NO_DEADLINE: Duration = Duration::from_secs(86_400);
/// Pause after an accept error such as "too many open files", as `axum::serve` does: retrying
/// at once would spin while the descriptors stay exhausted.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_secs(1);

/// The connection limits, from the flags.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionLimits {
    header_read_timeout: Duration,
    request_timeout: Duration,
    idle_timeout: Duration,
    max_connections: u32,
}

impl ConnectionLimits {
    pub(crate) fn from_config(config: &Config) -> Self {
        Self {
            header_read_timeout: Duration::from_secs(config.header_read_timeout_seconds),
            request_timeout: Duration::from_secs(config.request_timeout_seconds),
            idle_timeout: Duration::from_secs(config.idle_timeout_seconds),
            max_connections: config.max_connections.max(1),
        }
    }
}

/// Serves `app` on `listener` until `shutdown` fires (or its sender is dropped), then lets open
/// connections finish their requests and returns when the last one has closed.
pub(crate) async fn run(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    mut shutdown: oneshot::Receiver<()>,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections as usize));
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    builder.http2().timer(TokioTimer::new());
    let limits = Arc::new(limits);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&permits).acquire_owned() => permit.map_err(std::io::Error::other)?,
            _ = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                Err(err) => {
                    tracing::warn!(error = %err, "accept failed");
                    if !is_per_connection_error(&err) {
                        tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
                    }
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        // Small responses go out at once rather than waiting for Nagle's timer.
        let _ = stream.set_nodelay(true);
        tokio::spawn(serve_connection(
            stream,
            app.clone(),
            builder.clone(),
            Arc::clone(&limits),
            stop_rx.clone(),
            permit,
        ));
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every connection holds a permit until it ends: holding them all means all have ended.
    let _all = permits
        .acquire_many(limits.max_connections)
        .await
        .map_err(std::io::Error::other)?;
    Ok(())
}

fn is_per_connection_error(err: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        err.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::ConnectionRefused
    )
}

async fn serve_connection(
    stream: TcpStream,
    app: Router,
    builder: auto::Builder<TokioExecutor>,
    limits: Arc<ConnectionLimits>,
    mut stop: watch::Receiver<bool>,
    _permit: OwnedSemaphorePermit,
) {
    let accepted = Instant::now();
    let activity = Arc::new(Activity::new(accepted));
    let service = {
        let activity = Arc::clone(&activity);
        let app = TowerToHyperService::new(app);
        let request_timeout = limits.request_timeout;
        hyper::service::service_fn(move |request: Request<Incoming>| {
            let guard = RequestGuard::begin(&activity);
            let answer = app.call(request);
            async move {
                match tokio::time::timeout(request_timeout, answer).await {
                    Ok(result) => result,
                    Err(_) => {
                        guard.timed_out();
                        Ok::<_, std::convert::Infallible>(request_timeout_response())
                    }
                }
            }
        })
    };
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    let mut closing_since: Option<Instant> = None;
    loop {
        let now = Instant::now();
        let snapshot = activity.snapshot();
        if closing_since.is_none() && (snapshot.timed_out || *stop.borrow()) {
            conn.as_mut().graceful_shutdown();
            closing_since = Some(now);
        }
        let deadline = match (closing_since, snapshot) {
            (Some(since), _) => since + limits.request_timeout,
            (
                None,
                Snapshot {
                    in_flight: 0,
                    started: 0,
                    ..
                },
            ) => accepted + limits.header_read_timeout,
            (None, Snapshot { in_flight: 0, .. }) => snapshot.last_change + limits.idle_timeout,
            (None, _) => now + NO_DEADLINE,
        };
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(err) = result {
                    tracing::debug!(error = %err, "connection ended with an error");
                }
                return;
            }
            () = activity.changed.notified() => {}
            changed = stop.changed(), if closing_since.is_none() => {
                if changed.is_err() {
                    // The accept loop is gone without saying stop: treat it as a stop.
                    conn.as_mut().graceful_shutdown();
                    closing_since = Some(Instant::now());
                }
            }
            () = tokio::time::sleep_until(deadline) => {
                let snapshot = activity.snapshot();
                match closing_since {
                    // Told to close and still open: drop it.
                    Some(_) => return,
                    None if snapshot.in_flight == 0 && snapshot.started == 0 => {
                        tracing::debug!("connection sent no request in time: dropped");
                        return;
                    }
                    None if snapshot.in_flight == 0
                        && Instant::now() >= snapshot.last_change + limits.idle_timeout =>
                    {
                        conn.as_mut().graceful_shutdown();
                        closing_since = Some(Instant::now());
                    }
                    None => {}
                }
            }
        }
    }
}

/// 408 in the Ansdev envelope; the connection is closed after it (see [`RequestGuard`]).
fn request_timeout_response() -> Response<Body> {
    let status = StatusCode::REQUEST_TIMEOUT;
    let body = crate::error::ansdev_body(&ErrorCode::RequestTimeout, None, status);
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// What a connection's requests are doing, for its timers.
struct Activity {
    state: Mutex<Snapshot>,
    /// Woken on every change, so the connection's loop re-arms its deadline.
    changed: Notify,
}

#[derive(Debug, Clone, Copy)]
struct Snapshot {
    in_flight: usize,
    started: u64,
    last_change: Instant,
    timed_out: bool,
}

impl Activity {
    fn new(now: Instant) -> Self {
        Self {
            state: Mutex::new(Snapshot {
                in_flight: 0,
                started: 0,
                last_change: now,
                timed_out: false,
            }),
            changed: Notify::new(),
        }
    }

    fn snapshot(&self) -> Snapshot {
        // The lock only guards plain counters: a poisoned one still holds usable values.
        *self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn update(&self, change: impl FnOnce(&mut Snapshot)) {
        {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            change(&mut state);
            state.last_change = Instant::now();
        }
        // `notify_one` keeps a permit when the loop is not waiting yet: no change is missed.
        self.changed.notify_one();
    }
}

/// One request in flight; it ends when the answer is ready (or the request is abandoned).
struct RequestGuard(Arc<Activity>);

impl RequestGuard {
    fn begin(activity: &Arc<Activity>) -> Self {
        activity.update(|s| {
            s.in_flight += 1;
            s.started += 1;
        });
        Self(Arc::clone(activity))
    }

    fn timed_out(&self) {
        self.0.update(|s| s.timed_out = true);
    }
}

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.0
            .update(|s| s.in_flight = s.in_flight.saturating_sub(1));
    }
}
