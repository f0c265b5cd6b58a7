//! Start-up configuration: the CLI flags of docs/api.md §13, each also an environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

/// How the server is started (docs/api.md §13). `Debug` leaves the master key out.
#[derive(Clone, Parser)]
#[command(
    name = "server-reference",
    version,
    about = "Reference server of the Ansdev API"
)]
#[non_exhaustive]
pub struct Config {
    /// Address to listen on; port 0 picks any free port.
    #[arg(long, env = "ANSDEV_ADDR", default_value = "127.0.0.1:8787")]
    pub addr: SocketAddr,
    /// SQLite database file; in-memory when omitted.
    #[arg(long, env = "ANSDEV_DB")]
    pub db: Option<PathBuf>,
    /// Seed file (JSON) loaded into an empty database instead of the demo dataset.
    #[arg(long, env = "ANSDEV_SEED")]
    pub seed: Option<PathBuf>,
    /// 64 hex characters: the 32-byte key that wraps the per-video AES keys. Random when omitted
    /// with an in-memory database; required with `--db`. Prefer `--master-key-file` or the
    /// environment variable: a command-line value is readable by every local user (`ps`), so
    /// the server warns when it is given here.
    #[arg(long, env = "ANSDEV_MASTER_KEY", hide_env_values = true)]
    pub master_key: Option<String>,
    /// File holding the master key (64 hex characters, a trailing newline is fine): the
    /// recommended way to pass it.
    #[arg(
        long,
        env = "ANSDEV_MASTER_KEY_FILE",
        conflicts_with = "master_key",
        value_name = "PATH"
    )]
    pub master_key_file: Option<PathBuf>,
    /// Public base URL used in playlists and player URLs; defaults to `http://ADDR`.
    #[arg(long, env = "ANSDEV_PUBLIC_BASE")]
    pub public_base: Option<String>,
    /// Enables the `/dev/*` routes and `--token-ttl-seconds`. Never for production. Refused on
    /// a non-loopback `--addr` unless `--dev-allow-remote` is given too.
    #[arg(long, env = "ANSDEV_DEV")]
    pub dev: bool,
    /// Lets `--dev` listen on a non-loopback address: anyone who reaches it can mint user JWTs
    /// and move the clock.
    #[arg(long, env = "ANSDEV_DEV_ALLOW_REMOTE")]
    pub dev_allow_remote: bool,
    /// Playback-token TTL in seconds (1..=86400); only honoured with `--dev`.
    #[arg(long, env = "ANSDEV_TOKEN_TTL_SECONDS", value_parser = clap::value_parser!(u64).range(TOKEN_TTL_RANGE))]
    pub token_ttl_seconds: Option<u64>,
    /// Where the signing keys of user JWTs are fetched; defaults to this server's own
    /// `/.well-known/jwks.json`.
    #[arg(long, env = "ANSDEV_JWKS_URL")]
    pub jwks_url: Option<String>,
    /// Expected `iss` of user JWTs.
    #[arg(long, env = "ANSDEV_JWT_ISSUER", default_value = crate::idp::DEFAULT_ISSUER)]
    pub jwt_issuer: String,
    /// Expected `aud` of user JWTs.
    #[arg(long, env = "ANSDEV_JWT_AUDIENCE", default_value = crate::idp::DEFAULT_AUDIENCE)]
    pub jwt_audience: String,
    /// Allowed CORS origin (`*` for any).
    #[arg(long, env = "ANSDEV_CORS_ORIGIN", default_value = "*")]
    pub cors_origin: String,
    /// Directory of the browser Player SDK package that the hosted player page loads (its
    /// `pkg/`, `js/` and `node_modules/hls.js/dist/`); defaults to this workspace's `sdk-wasm`.
    #[arg(long, env = "ANSDEV_PLAYER_ASSETS")]
    pub player_assets: Option<PathBuf>,
    /// How long a fetched JWKS is used before it is refreshed, in seconds.
    #[arg(long, env = "ANSDEV_JWKS_CACHE_SECONDS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(SECONDS_RANGE))]
    pub jwks_cache_seconds: u64,
    /// The least time between two JWKS fetches caused by tokens whose `kid` is unknown.
    #[arg(long, env = "ANSDEV_JWKS_REFETCH_COOLDOWN_SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(SECONDS_RANGE))]
    pub jwks_refetch_cooldown_seconds: u64,
    /// Deadline of one JWKS fetch, in seconds.
    #[arg(long, env = "ANSDEV_JWKS_TIMEOUT_SECONDS", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(SECONDS_RANGE))]
    pub jwks_timeout_seconds: u64,
    /// Time a connection has to deliver a complete request head, in seconds. For HTTP/1.1 the
    /// timer also runs while a kept-alive connection waits for its next request.
    #[arg(long, env = "ANSDEV_HEADER_READ_TIMEOUT_SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(SECONDS_RANGE))]
    pub header_read_timeout_seconds: u64,
    /// Time a request has to be answered (body upload included), in seconds; past it the
    /// server answers 408 and closes the connection.
    #[arg(long, env = "ANSDEV_REQUEST_TIMEOUT_SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(SECONDS_RANGE))]
    pub request_timeout_seconds: u64,
    /// A connection with no request in flight for this many seconds is closed.
    #[arg(long, env = "ANSDEV_IDLE_TIMEOUT_SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(SECONDS_RANGE))]
    pub idle_timeout_seconds: u64,
    /// Most connections served at once; further ones wait in the listen backlog.
    #[arg(long, env = "ANSDEV_MAX_CONNECTIONS", default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_CONNECTIONS_LIMIT)))]
    pub max_connections: u32,
}

/// A configuration the server refuses to start with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// `--dev` on an address other hosts can reach, without `--dev-allow-remote`.
    #[error(
        "--dev on {addr} would let anyone who reaches it mint user JWTs and move the clock: \
         listen on a loopback address, or add --dev-allow-remote"
    )]
    DevOnRemoteAddress {
        /// The listen address.
        addr: SocketAddr,
    },
    /// `--master-key` and `--master-key-file` together.
    #[error("give the master key once: --master-key-file or ANSDEV_MASTER_KEY, not both")]
    TwoMasterKeys,
    /// A numeric flag outside its range.
    #[error("--{flag} must be between {min} and {max}, got {value}")]
    OutOfRange {
        /// The flag, without its dashes.
        flag: &'static str,
        /// The value given.
        value: u64,
        /// Smallest accepted value.
        min: u64,
        /// Largest accepted value.
        max: u64,
    },
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("addr", &self.addr)
            .field("db", &self.db)
            .field("seed", &self.seed)
            .field(
                "master_key",
                &self.master_key.as_ref().map(|_| "[redacted]"),
            )
            .field("public_base", &self.public_base)
            .field("master_key_file", &self.master_key_file)
            .field("dev", &self.dev)
            .field("dev_allow_remote", &self.dev_allow_remote)
            .field("token_ttl_seconds", &self.token_ttl_seconds)
            .field("jwks_url", &self.jwks_url)
            .field("jwt_issuer", &self.jwt_issuer)
            .field("jwt_audience", &self.jwt_audience)
            .field("cors_origin", &self.cors_origin)
            .field("player_assets", &self.player_assets)
            .field("jwks_cache_seconds", &self.jwks_cache_seconds)
            .field(
                "jwks_refetch_cooldown_seconds",
                &self.jwks_refetch_cooldown_seconds,
            )
            .field("jwks_timeout_seconds", &self.jwks_timeout_seconds)
            .field(
                "header_read_timeout_seconds",
                &self.header_read_timeout_seconds,
            )
            .field("request_timeout_seconds", &self.request_timeout_seconds)
            .field("idle_timeout_seconds", &self.idle_timeout_seconds)
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

/// The documented playback-token TTL: five minutes.
pub(crate) const DEFAULT_TOKEN_TTL_SECONDS: u64 = 300;
/// `--token-ttl-seconds`: at least a second, at most a day (longer makes a stolen token a
/// long-lived credential, and keeps the mint arithmetic far from overflow).
pub(crate) const TOKEN_TTL_RANGE: std::ops::RangeInclusive<u64> = 1..=86_400;
/// Every `*-seconds` timing flag: at least a second, at most a day.
const SECONDS_RANGE: std::ops::RangeInclusive<u64> = 1..=86_400;
/// `--max-connections` ceiling: far above one machine's file-descriptor budget for a test
/// server, low enough that the shutdown's "take every permit" fits a `u32`.
const MAX_CONNECTIONS_LIMIT: u32 = 1 << 20;

impl Config {
    /// A dev-mode server on `127.0.0.1:0` with an in-memory database and the demo seed: what
    /// tests start.
    #[must_use]
    pub fn for_tests() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            db: None,
            seed: None,
            master_key: None,
            master_key_file: None,
            public_base: None,
            dev: true,
            dev_allow_remote: false,
            token_ttl_seconds: None,
            jwks_url: None,
            jwt_issuer: crate::idp::DEFAULT_ISSUER.to_owned(),
            jwt_audience: crate::idp::DEFAULT_AUDIENCE.to_owned(),
            cors_origin: "*".to_owned(),
            player_assets: None,
            jwks_cache_seconds: 300,
            jwks_refetch_cooldown_seconds: 30,
            jwks_timeout_seconds: 5,
            header_read_timeout_seconds: 10,
            request_timeout_seconds: 30,
            idle_timeout_seconds: 60,
            max_connections: 1024,
        }
    }

    /// Where the hosted player page's assets are read from: `--player-assets`, or the
    /// workspace's `sdk-wasm` directory this server was built from.
    #[must_use]
    pub fn player_assets_dir(&self) -> PathBuf {
        self.player_assets
            .clone()
            .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../sdk-wasm")))
    }

    /// Refuses what the flags' parsers cannot see: `--dev` on a non-loopback address without
    /// `--dev-allow-remote`, and (for a `Config` built in code) values outside their ranges or
    /// both master-key sources at once.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.dev && !self.addr.ip().is_loopback() && !self.dev_allow_remote {
            return Err(ConfigError::DevOnRemoteAddress { addr: self.addr });
        }
        if self.master_key.is_some() && self.master_key_file.is_some() {
            return Err(ConfigError::TwoMasterKeys);
        }
        let bounded = [
            (
                "token-ttl-seconds",
                self.token_ttl_seconds,
                &TOKEN_TTL_RANGE,
            ),
            (
                "jwks-cache-seconds",
                Some(self.jwks_cache_seconds),
                &SECONDS_RANGE,
            ),
            (
                "jwks-refetch-cooldown-seconds",
                Some(self.jwks_refetch_cooldown_seconds),
                &SECONDS_RANGE,
            ),
            (
                "jwks-timeout-seconds",
                Some(self.jwks_timeout_seconds),
                &SECONDS_RANGE,
            ),
            (
                "header-read-timeout-seconds",
                Some(self.header_read_timeout_seconds),
                &SECONDS_RANGE,
            ),
            (
                "request-timeout-seconds",
                Some(self.request_timeout_seconds),
                &SECONDS_RANGE,
            ),
            (
                "idle-timeout-seconds",
                Some(self.idle_timeout_seconds),
                &SECONDS_RANGE,
            ),
        ];
        for (flag, value, range) in bounded {
            if let Some(value) = value.filter(|v| !range.contains(v)) {
                return Err(ConfigError::OutOfRange {
                    flag,
                    value,
                    min: *range.start(),
                    max: *range.end(),
                });
            }
        }
        if !(1..=MAX_CONNECTIONS_LIMIT).contains(&self.max_connections) {
            return Err(ConfigError::OutOfRange {
                flag: "max-connections",
                value: u64::from(self.max_connections),
                min: 1,
                max: u64::from(MAX_CONNECTIONS_LIMIT),
            });
        }
        Ok(())
    }

    /// With `dev` and `db` but no master key (neither `master_key` nor `master_key_file`):
    /// creates a key file beside the database (`DB.master-key`, 0600) unless it exists, and
    /// points `master_key_file` at it, so a persistent dev server restarts cleanly. Returns
    /// the file it points at; does nothing (`Ok(None)`) in every other case. The binary calls
    /// it before [`serve`](crate::serve); a server built in code opts in the same way.
    pub fn use_dev_master_key_file(&mut self) -> Result<Option<PathBuf>, crate::DevMasterKeyError> {
        let Some(db) = self.db.as_deref() else {
            return Ok(None);
        };
        if !self.dev || self.master_key.is_some() || self.master_key_file.is_some() {
            return Ok(None);
        }
        let path = crate::dev_master_key::ensure(db)?;
        self.master_key_file = Some(path.clone());
        Ok(Some(path))
    }

    /// The TTL actually used: the override only counts in dev mode.
    #[must_use]
    pub fn effective_token_ttl(&self) -> u64 {
        match (self.dev, self.token_ttl_seconds) {
            (true, Some(ttl)) if ttl > 0 => ttl,
            _ => DEFAULT_TOKEN_TTL_SECONDS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_override_needs_dev() {
        let mut c = Config::parse_from(["server-reference", "--token-ttl-seconds", "5"]);
        assert_eq!(c.effective_token_ttl(), 300);
        c.dev = true;
        assert_eq!(c.effective_token_ttl(), 5);
        c.master_key = Some("ab".repeat(32));
        assert!(!format!("{c:?}").contains("abab"));
        assert_eq!(c.addr.to_string(), "127.0.0.1:8787");
    }
}

#[cfg(test)]
mod hostile_tests {
    use super::*;

    #[test]
    fn s3_dev_on_a_public_address_is_refused_unless_allowed() {
        let mut c = Config::for_tests();
        c.addr = SocketAddr::from(([0, 0, 0, 0], 8787));
        let err = c.validate().unwrap_err();
        assert!(matches!(err, ConfigError::DevOnRemoteAddress { .. }));
        assert!(err.to_string().contains("--dev-allow-remote"), "{err}");
        c.dev_allow_remote = true;
        assert!(c.validate().is_ok());
        // Loopback (either family) and a non-dev server need nothing.
        let mut c = Config::for_tests();
        c.addr = "[::1]:0".parse().unwrap();
        assert!(c.validate().is_ok());
        c.addr = SocketAddr::from(([0, 0, 0, 0], 0));
        c.dev = false;
        assert!(c.validate().is_ok());
        let parsed = Config::try_parse_from(["s", "--dev", "--addr", "0.0.0.0:1"]).unwrap();
        assert!(parsed.validate().is_err());
    }

    #[test]
    fn c11_token_ttl_outside_one_second_to_a_day_is_refused() {
        for bad in ["0", "86401", "18446744073709551615"] {
            let err = Config::try_parse_from(["s", "--dev", "--token-ttl-seconds", bad])
                .err()
                .unwrap_or_else(|| panic!("{bad} accepted"));
            assert!(err.to_string().contains("86400"), "{err}");
        }
        let ok = Config::try_parse_from(["s", "--dev", "--token-ttl-seconds", "86400"]).unwrap();
        assert_eq!(ok.effective_token_ttl(), 86_400);
        // A Config built in code goes through the same bound.
        let mut c = Config::for_tests();
        c.token_ttl_seconds = Some(u64::MAX);
        let err = c.validate().unwrap_err().to_string();
        assert!(
            err.contains("--token-ttl-seconds must be between 1 and 86400"),
            "{err}"
        );
    }
}
