//! Refusals about the API key rather than one video (quota used up, key revoked or expired,
//! scope missing): remembered for a while and answered to every request without asking the API.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use sdk_core::{Error, ErrorCode, Remedy};
use tokio::time::Instant;

use super::Refusal;

/// The longest the endpoint stays closed on a used-up quota before asking the API again: the
/// reset may be up to a day away, and a wrong or hostile reset time must not close it for longer
/// (a refused mint costs nothing from the quota, so one check an hour is cheap).
const MAX_QUOTA_PAUSE: Duration = Duration::from_secs(3600);

/// The key-wide refusal in force, if any.
pub(super) struct KeyGate {
    closed: Mutex<Option<(Refusal, Instant)>>,
    refusal_ttl: Duration,
}

impl KeyGate {
    pub(super) fn new(refusal_ttl: Duration) -> Self {
        Self {
            closed: Mutex::new(None),
            refusal_ttl,
        }
    }

    /// The refusal that stands now, with the wait left when it has one.
    pub(super) fn refusal(&self) -> Option<Refusal> {
        let mut closed = self.closed.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        match &*closed {
            Some((refusal, until)) if *until > now => {
                let wait = refusal.retry_after().map(|_| until.duration_since(now));
                Some(refusal.clone().with_retry_after(wait))
            }
            Some(_) => {
                *closed = None;
                None
            }
            None => None,
        }
    }

    /// Closes the gate if `err` is about the key, and returns the refusal that now stands (a used-up
    /// quota's wait capped at the pause, since the endpoint asks again then).
    pub(super) fn close_on(&self, err: &Error, refusal: &Refusal) -> Option<Refusal> {
        let (pause, wait) = match err {
            Error::QuotaExhausted(quota) => {
                let pause = quota
                    .retry_after
                    .unwrap_or(self.refusal_ttl)
                    .min(MAX_QUOTA_PAUSE);
                (pause, Some(pause))
            }
            _ if is_about_the_key(&err.code()) => (self.refusal_ttl, None),
            _ => return None,
        };
        let refusal = refusal.clone().with_retry_after(wait);
        *self.closed.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((refusal.clone(), Instant::now() + pause));
        Some(refusal)
    }
}

/// Whether the catalog's remedy for `code` is about the key (provide, rotate, grant a scope, wait
/// for the quota): every video would get the same answer.
fn is_about_the_key(code: &ErrorCode) -> bool {
    matches!(
        code.remedy(),
        Some(
            Remedy::ProvideApiKey
                | Remedy::RotateApiKey
                | Remedy::GrantScope
                | Remedy::WaitForQuotaReset
        )
    )
}
