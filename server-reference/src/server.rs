//! Start-up: bind, open the store, seed an empty database, serve.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::ServerClock;
use crate::config::Config;
use crate::crypto::{BadMasterKey, MasterKey};
use crate::faults::FaultSet;
use crate::seed::{self, DemoInfo, SeedError};
use crate::state::{AppState, Inner};
use crate::store::{Store, StoreError};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// `--master-key` is malformed.
    #[error(transparent)]
    MasterKey(#[from] BadMasterKey),
    /// A file database needs a stable master key.
    #[error("--master-key is required with --db (the wrapped video keys must survive a restart)")]
    MasterKeyRequired,
    /// The database could not be opened.
    #[error("database: {0}")]
    Store(#[from] StoreError),
    /// Seeding failed.
    #[error(transparent)]
    Seed(#[from] SeedError),
    /// The HTTP client for JWKS fetching could not be built.
    #[error("http client: {0}")]
    Http(String),
}

/// A server running in the background of the current tokio runtime. It stops on
/// [`RunningServer::shutdown`], or with the runtime.
pub struct RunningServer {
    addr: SocketAddr,
    state: AppState,
    demo: Option<DemoInfo>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl std::fmt::Debug for RunningServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningServer")
            .field("addr", &self.addr)
            .field("demo", &self.demo.as_ref().map(|_| "[redacted]"))
            .finish_non_exhaustive()
    }
}

impl RunningServer {
    /// The bound address.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://HOST:PORT` of the bound address.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The shared state (tests read the server clock through it).
    #[must_use]
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The demo key, when the demo dataset was seeded at this start. A secret: print it only
    /// where the contract says so.
    #[must_use]
    pub fn demo_api_key(&self) -> Option<&str> {
        self.demo.as_ref().map(|d| d.api_key.as_str())
    }

    /// A player URL for the encrypted demo video with a fresh token (not counted against the
    /// demo key's quota), when the demo dataset was seeded.
    #[must_use]
    pub fn demo_player_url(&self) -> Option<String> {
        let demo = self.demo.as_ref()?;
        let token =
            crate::tokens::mint(&self.state, "key_demo", &demo.video_id, &demo.job_id).ok()?;
        Some(format!(
            "{}/player/{}?token={token}",
            self.state.inner.public_base, demo.video_id
        ))
    }

    /// Stops accepting connections and waits for the server task.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.wait().await
    }

    /// Waits until the server stops.
    pub async fn wait(self) -> std::io::Result<()> {
        match self.task.await {
            Ok(result) => result,
            Err(err) => Err(std::io::Error::other(err)),
        }
    }
}

/// Binds `config.addr`, prepares the store (seeding an empty one) and serves in the background.
pub async fn serve(config: Config) -> Result<RunningServer, StartError> {
    let listener = TcpListener::bind(config.addr)
        .await
        .map_err(|source| StartError::Bind {
            addr: config.addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind {
        addr: config.addr,
        source,
    })?;
    if config.token_ttl_seconds.is_some() && !config.dev {
        tracing::warn!("--token-ttl-seconds is ignored without --dev: tokens live 300 s");
    }
    let state = build_state(&config, addr)?;
    let demo = if state.store().is_empty()? {
        match &config.seed {
            Some(path) => {
                seed::apply(&state, &seed::read_file(path)?)?;
                None
            }
            None => Some(seed::demo(&state)?),
        }
    } else {
        tracing::info!("database already holds data: not seeding");
        None
    };
    let (tx, rx) = oneshot::channel::<()>();
    let app = crate::router(state.clone());
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
    });
    tracing::info!(%addr, dev = config.dev, "server started");
    Ok(RunningServer {
        addr,
        state,
        demo,
        shutdown: Some(tx),
        task,
    })
}

/// A dev-mode state on an in-memory database (unit tests of the routes).
#[cfg(test)]
pub(crate) fn state_for_tests() -> AppState {
    let addr = SocketAddr::from(([127, 0, 0, 1], 9));
    build_state(&Config::for_tests(), addr).unwrap()
}

fn build_state(config: &Config, addr: SocketAddr) -> Result<AppState, StartError> {
    let master_key = match (&config.master_key, &config.db) {
        (Some(hex_key), _) => MasterKey::from_hex(hex_key)?,
        (None, None) => MasterKey::random(),
        (None, Some(_)) => return Err(StartError::MasterKeyRequired),
    };
    let store = Store::open(config.db.as_deref())?;
    // The server fetches its own JWKS over loopback when it listens on every interface.
    let self_addr = if addr.ip().is_unspecified() {
        SocketAddr::from(([127, 0, 0, 1], addr.port()))
    } else {
        addr
    };
    let public_base = config
        .public_base
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"))
        .trim_end_matches('/')
        .to_owned();
    let jwks_url = config
        .jwks_url
        .clone()
        .unwrap_or_else(|| format!("http://{self_addr}/.well-known/jwks.json"));
    let mut http = reqwest::Client::builder().timeout(Duration::from_secs(5));
    // A system proxy must not intercept a JWKS on this machine (the default is our own).
    if is_loopback_url(&jwks_url) {
        http = http.no_proxy();
    }
    let http = http.build().map_err(|e| StartError::Http(e.to_string()))?;
    Ok(AppState {
        inner: Arc::new(Inner {
            store,
            clock: ServerClock::default(),
            master_key,
            playback_secret: rand::random(),
            token_ttl_seconds: config.effective_token_ttl(),
            public_base,
            dev: config.dev,
            jwks_url,
            jwt_issuer: config.jwt_issuer.clone(),
            jwt_audience: config.jwt_audience.clone(),
            cors_origin: config.cors_origin.clone(),
            faults: FaultSet::default(),
            http,
            player_assets: config.player_assets_dir(),
        }),
    })
}

fn is_loopback_url(url: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(url) else {
        return false;
    };
    match url.host_str() {
        Some("localhost") => true,
        Some(host) => host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn loopback_urls() {
        assert!(super::is_loopback_url(
            "http://127.0.0.1:8787/.well-known/jwks.json"
        ));
        assert!(super::is_loopback_url("http://[::1]:1/x"));
        assert!(super::is_loopback_url("http://localhost/x"));
        assert!(!super::is_loopback_url(
            "https://cognito-idp.example.com/jwks.json"
        ));
    }
}
