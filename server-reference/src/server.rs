//! Start-up: validate the configuration, bind, open the store, seed an empty database, serve
//! (the connections themselves are `connections`' business).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::ServerClock;
use crate::config::{Config, ConfigError};
use crate::connections::ConnectionLimits;
use crate::crypto::{BadMasterKey, MasterKey};
use crate::faults::FaultSet;
use crate::journal::Journal;
use crate::jwks::{JwksCache, JwksSettings};
use crate::lifecycle::Schedule;
use crate::master_key_file::MasterKeyFileError;
use crate::media_dir::MediaLibrary;
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
    /// The configuration is refused (see [`ConfigError`]).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// `--master-key` is malformed.
    #[error(transparent)]
    MasterKey(#[from] BadMasterKey),
    /// `--master-key-file` could not be read or is malformed.
    #[error(transparent)]
    MasterKeyFile(#[from] MasterKeyFileError),
    /// A file database needs a stable master key.
    #[error(
        "a master key is required with --db (the wrapped video keys must survive a restart): \
         --master-key-file PATH or ANSDEV_MASTER_KEY (a --dev server generates one beside the \
         database)"
    )]
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
        let token = crate::tokens::mint(
            &self.state,
            crate::demo::KEY_ID,
            &demo.video_id,
            &demo.job_id,
        )
        .ok()?;
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

/// Checks `config` ([`Config::validate`]), binds `config.addr`, prepares the store (seeding an
/// empty one) and serves in the background with the connection limits of the config.
pub async fn serve(config: Config) -> Result<RunningServer, StartError> {
    config.validate()?;
    if config.dev && !config.addr.ip().is_loopback() {
        tracing::warn!(
            addr = %config.addr,
            "--dev-allow-remote: the dev routes (user JWTs, clock, faults) are reachable from other hosts"
        );
    }
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
    seed::load_stored_media(&state)?;
    let demo = if state.store().is_empty()? {
        match &config.seed {
            Some(path) => {
                // A seed file's relative media folders are relative to the file.
                let base = path.parent().unwrap_or(std::path::Path::new(""));
                seed::apply(&state, &seed::read_file(path)?, base)?;
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
    let limits = ConnectionLimits::from_config(&config);
    let task = tokio::spawn(crate::connections::run(listener, app, limits, rx));
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
    let master_key = match (&config.master_key, &config.master_key_file, &config.db) {
        (Some(hex_key), _, _) => MasterKey::from_hex(hex_key)?,
        (None, Some(path), _) => crate::master_key_file::read(path)?,
        (None, None, None) => MasterKey::random(),
        (None, None, Some(_)) => return Err(StartError::MasterKeyRequired),
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
    let jwks = JwksCache::new(JwksSettings {
        url: config
            .jwks_url
            .clone()
            .unwrap_or_else(|| format!("http://{self_addr}/.well-known/jwks.json")),
        ttl: Duration::from_secs(config.jwks_cache_seconds),
        refetch_cooldown: Duration::from_secs(config.jwks_refetch_cooldown_seconds),
        timeout: Duration::from_secs(config.jwks_timeout_seconds),
    })
    .map_err(|e| StartError::Http(e.to_string()))?;
    Ok(AppState {
        inner: Arc::new(Inner {
            store,
            clock: ServerClock::default(),
            master_key,
            playback_secret: rand::random(),
            token_ttl_seconds: config.effective_token_ttl(),
            public_base,
            dev: config.dev,
            jwks,
            jwt_issuer: config.jwt_issuer.clone(),
            jwt_audience: config.jwt_audience.clone(),
            cors_origin: config.cors_origin.clone(),
            faults: FaultSet::default(),
            journal: Journal::default(),
            schedule: Schedule::default(),
            media: MediaLibrary::default(),
            player_assets: config.player_assets_dir(),
        }),
    })
}
