//! Start-up configuration: the CLI flags of CONTRACT §8, each also an environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

/// How the server is started (CONTRACT §8). `Debug` leaves the master key out.
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
    /// with an in-memory database; required with `--db`.
    #[arg(long, env = "ANSDEV_MASTER_KEY", hide_env_values = true)]
    pub master_key: Option<String>,
    /// Public base URL used in playlists and player URLs; defaults to `http://ADDR`.
    #[arg(long, env = "ANSDEV_PUBLIC_BASE")]
    pub public_base: Option<String>,
    /// Enables the `/dev/*` routes and `--token-ttl-seconds`. Never for production.
    #[arg(long, env = "ANSDEV_DEV")]
    pub dev: bool,
    /// Playback-token TTL in seconds; only honoured with `--dev`.
    #[arg(long, env = "ANSDEV_TOKEN_TTL_SECONDS")]
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
            .field("dev", &self.dev)
            .field("token_ttl_seconds", &self.token_ttl_seconds)
            .field("jwks_url", &self.jwks_url)
            .field("jwt_issuer", &self.jwt_issuer)
            .field("jwt_audience", &self.jwt_audience)
            .field("cors_origin", &self.cors_origin)
            .field("player_assets", &self.player_assets)
            .finish()
    }
}

/// The documented playback-token TTL: five minutes.
pub(crate) const DEFAULT_TOKEN_TTL_SECONDS: u64 = 300;

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
            public_base: None,
            dev: true,
            token_ttl_seconds: None,
            jwks_url: None,
            jwt_issuer: crate::idp::DEFAULT_ISSUER.to_owned(),
            jwt_audience: crate::idp::DEFAULT_AUDIENCE.to_owned(),
            cors_origin: "*".to_owned(),
            player_assets: None,
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
