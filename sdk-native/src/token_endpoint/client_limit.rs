//! The per-client rate limit: each client (by default its IP address) may make the API work only
//! so often, whatever ids it asks for. Governor's GCRA over a bounded least-recently-used store,
//! so a crowd of addresses cannot grow memory without bound: governor's own keyed store (a
//! `DashMap`) only shrinks when swept, and grows with every new address until then.

use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::net::{IpAddr, SocketAddr};
use std::num::{NonZeroU32, NonZeroUsize};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use axum::extract::ConnectInfo;
use governor::clock::{Clock, DefaultClock};
use governor::nanos::Nanos;
use governor::state::StateStore;
use governor::{Quota, RateLimiter};
use http::request::Parts;
use lru::LruCache;
use sdk_core::BuildError;

use super::Refusal;

/// How often one client may make the endpoint call the API.
///
/// Only requests that would call the API count: an answer from the endpoint's caches (a shared
/// token that is still fresh, a refusal remembered a moment ago) is free. A client starts with
/// `burst` requests and regains one every `refill_every`.
///
/// The default, 5 at once and one more every 10 s (6 a minute), is about thirty times what one
/// viewer needs (a player asks once per token, a token lives 5 minutes) and leaves room for a
/// reload or a few players on one page. Under [`SharePolicy::PerViewer`](super::SharePolicy)
/// every request mints, so one client at this rate could still spend 8,640 mints a day: size the
/// limit to the key's daily quota and the number of viewers you expect, or share tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientLimit {
    burst: NonZeroU32,
    refill_every: Duration,
}

/// Five requests at once: a reload or a few players on one page.
const DEFAULT_BURST: NonZeroU32 = NonZeroU32::MIN.saturating_add(4);
/// One more every 10 s: ~30 times the need of a viewer who asks once per 5-minute token.
const DEFAULT_REFILL: Duration = Duration::from_secs(10);
/// Clients whose allowance is tracked; the least recently seen is forgotten first (it then starts
/// afresh with a full burst). 4096 entries of a few dozen bytes each: well under 1 MiB.
pub(super) const TRACKED_CLIENTS: NonZeroUsize = NonZeroUsize::MIN.saturating_add(4095);

impl Default for ClientLimit {
    fn default() -> Self {
        Self {
            burst: DEFAULT_BURST,
            refill_every: DEFAULT_REFILL,
        }
    }
}

impl ClientLimit {
    /// `burst` requests at once, then one more every `refill_every`. Both must be above zero.
    pub fn new(burst: u32, refill_every: Duration) -> Result<Self, BuildError> {
        let burst = NonZeroU32::new(burst).ok_or_else(|| BuildError::InvalidParameter {
            name: "burst",
            reason: "must be at least 1".into(),
        })?;
        if refill_every.is_zero() {
            return Err(BuildError::InvalidParameter {
                name: "refill_every",
                reason: "must be longer than zero".into(),
            });
        }
        Ok(Self {
            burst,
            refill_every,
        })
    }

    /// Requests a fresh client may make at once.
    #[must_use]
    pub fn burst(&self) -> u32 {
        self.burst.get()
    }

    /// How long a client waits to regain one request.
    #[must_use]
    pub fn refill_every(&self) -> Duration {
        self.refill_every
    }

    fn quota(&self) -> Quota {
        Quota::with_period(self.refill_every)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX))
            .allow_burst(self.burst)
    }
}

/// Who a request comes from, for the rate limit: an IP address (IPv6 by its /64, the block one
/// host usually holds), or an application-chosen text such as a session id (kept only as a keyed
/// 64-bit hash, so its length costs no memory).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ClientKey(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Ip(IpAddr),
    Hashed(u64),
}

impl fmt::Debug for ClientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Ip(ip) => write!(f, "ClientKey({ip})"),
            Repr::Hashed(_) => f.write_str("ClientKey([hashed])"),
        }
    }
}

impl ClientKey {
    /// A client by IP address. An IPv4 address mapped into IPv6 counts as the IPv4 one; an IPv6
    /// address counts by its /64 prefix, since one host can use any address of its /64.
    #[must_use]
    pub fn ip(ip: IpAddr) -> Self {
        let ip = match ip.to_canonical() {
            IpAddr::V6(v6) => {
                let prefix = u128::from(v6) & !u128::from(u64::MAX);
                IpAddr::V6(prefix.into())
            }
            v4 => v4,
        };
        Self(Repr::Ip(ip))
    }

    /// The peer address of the connection, from axum's `ConnectInfo<SocketAddr>`; `None` when
    /// the app is not served with `into_make_service_with_connect_info::<SocketAddr>()`.
    #[must_use]
    pub fn peer(request: &Parts) -> Option<Self> {
        request
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| Self::ip(addr.ip()))
    }

    /// A client by an application-chosen text (a session or account id). Only a hash with a
    /// per-process random key is kept.
    #[must_use]
    pub fn text(text: &str) -> Self {
        static HASHER: OnceLock<RandomState> = OnceLock::new();
        Self(Repr::Hashed(
            HASHER.get_or_init(RandomState::new).hash_one(text),
        ))
    }
}

/// The function that names a request's client.
pub(super) type KeyFn = Arc<dyn Fn(&Parts) -> Option<ClientKey> + Send + Sync>;

/// GCRA states of the most recently seen clients.
type States = Arc<Mutex<LruCache<ClientKey, Nanos>>>;

/// Governor's view of [`States`] (shared, so the endpoint can report its size).
struct LruStore(States);

impl StateStore for LruStore {
    type Key = ClientKey;

    fn measure_and_replace<T, F, E>(&self, key: &ClientKey, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        let mut states = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let (outcome, next) = f(states.get(key).copied())?;
        states.put(key.clone(), next);
        Ok(outcome)
    }
}

/// The rate limit of one endpoint.
pub(super) struct ClientLimiter {
    limiter: RateLimiter<ClientKey, LruStore, DefaultClock>,
    states: States,
    clock: DefaultClock,
    key: KeyFn,
}

impl ClientLimiter {
    pub(super) fn new(limit: ClientLimit, key: KeyFn) -> Self {
        let clock = DefaultClock::default();
        let states: States = Arc::new(Mutex::new(LruCache::new(TRACKED_CLIENTS)));
        Self {
            limiter: RateLimiter::new(limit.quota(), LruStore(states.clone()), clock.clone()),
            states,
            clock,
            key,
        }
    }

    /// Spends one request of this client's allowance, or says how long it must wait.
    pub(super) fn check(&self, request: &Parts) -> Result<(), Refusal> {
        let key = (self.key)(request).ok_or_else(|| {
            Refusal::misconfigured(
                "The token endpoint cannot tell clients apart: serve the app with \
                 into_make_service_with_connect_info::<SocketAddr>(), or set \
                 TokenEndpoint::client_key.",
            )
        })?;
        self.limiter.check_key(&key).map_err(|not_until| {
            Refusal::too_many_requests(not_until.wait_time_from(self.clock.now()))
        })
    }

    /// How many clients are tracked (at most [`TRACKED_CLIENTS`]).
    pub(super) fn tracked(&self) -> usize {
        self.states
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;

    #[test]
    fn an_ipv6_host_is_one_client_across_its_64_and_a_mapped_ipv4_is_the_ipv4() {
        let a: Ipv6Addr = "2001:db8:1:2::1".parse().unwrap();
        let b: Ipv6Addr = "2001:db8:1:2:ffff:ffff:ffff:fffe".parse().unwrap();
        let other: Ipv6Addr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(ClientKey::ip(a.into()), ClientKey::ip(b.into()));
        assert_ne!(ClientKey::ip(a.into()), ClientKey::ip(other.into()));
        let v4 = Ipv4Addr::new(192, 0, 2, 7);
        assert_eq!(
            ClientKey::ip(v4.to_ipv6_mapped().into()),
            ClientKey::ip(v4.into())
        );
        assert_ne!(
            ClientKey::ip(v4.into()),
            ClientKey::ip(Ipv4Addr::new(192, 0, 2, 8).into())
        );
    }

    #[test]
    fn text_keys_are_kept_as_hashes_and_never_printed() {
        let key = ClientKey::text("session-secret-123");
        assert_eq!(key, ClientKey::text("session-secret-123"));
        assert_ne!(key, ClientKey::text("session-secret-124"));
        assert!(!format!("{key:?}").contains("secret"));
    }

    #[test]
    fn a_limit_of_nothing_is_refused_with_the_parameter_named() {
        let zero = ClientLimit::new(0, Duration::from_secs(1)).unwrap_err();
        assert!(zero.to_string().contains("burst"), "{zero}");
        let never = ClientLimit::new(1, Duration::ZERO).unwrap_err();
        assert!(never.to_string().contains("refill_every"), "{never}");
        assert_eq!(ClientLimit::default().burst(), 5);
        assert_eq!(
            ClientLimit::default().refill_every(),
            Duration::from_secs(10)
        );
    }
}
